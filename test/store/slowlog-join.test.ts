import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/store/schema.js';
import { joinSlowTracesToRequests } from '../../src/store/slowlog-join.js';
import { phpFpmError } from '../../parsers/php-fpm-error.js';
import { phpFpmSlowlog } from '../../parsers/php-fpm-slowlog.js';
import { events, feed, incidentLines, traces } from '../parsers/feed.js';

function freshDb() {
  const db = new Database(':memory:');
  for (const m of MIGRATIONS) db.exec(m);
  db.prepare("INSERT INTO sources (id, path, format, ingested_at) VALUES (1, 'x', 'y', 'now')").run();
  return db;
}

function addEvent(db: Database.Database, e: { ts: number; backend: string; pid: number; request: string; route?: string | null; host?: string | null; kind?: string }) {
  db.prepare(`INSERT INTO events (source_id, host, ts, component, kind, backend, pid, request, route, message)
    VALUES (1, @host, @ts, 'php-fpm', @kind, @backend, @pid, @request, @route, 'm')`)
    .run({ host: null, route: null, kind: 'slow_request', ...e });
}

function addTrace(db: Database.Database, t: { ts: number; pool: string; pid: number; host?: string | null }): number {
  return Number(db.prepare(`INSERT INTO slow_traces (source_id, host, ts, pool, pid, fingerprint, depth)
    VALUES (1, @host, @ts, @pool, @pid, 'f', 1)`).run({ host: null, ...t }).lastInsertRowid);
}

const row = (db: Database.Database, id: number) => db.prepare('SELECT request, route FROM slow_traces WHERE id = ?').get(id);

describe('joinSlowTracesToRequests', () => {
  it('takes the closest slow_request of the same pool and pid within 2 s', () => {
    const db = freshDb();
    addEvent(db, { ts: 10_000, backend: 'www', pid: 7, request: 'GET /a.php?x=1' });
    addEvent(db, { ts: 11_500, backend: 'www', pid: 7, request: 'GET /users/42/orders' });
    addEvent(db, { ts: 11_000, backend: 'api', pid: 7, request: 'GET /wrong-pool' });
    addEvent(db, { ts: 11_000, backend: 'www', pid: 8, request: 'GET /wrong-pid' });
    addEvent(db, { ts: 11_000, backend: 'www', pid: 7, request: 'GET /not-slow', kind: 'request_killed' });
    const t = addTrace(db, { ts: 11_100, pool: 'www', pid: 7 });
    const far = addTrace(db, { ts: 20_000, pool: 'www', pid: 7 });
    expect(joinSlowTracesToRequests(db)).toBe(1);
    expect(row(db, t)).toEqual({ request: 'GET /users/42/orders', route: '/users/:id/orders' });
    expect(row(db, far)).toEqual({ request: null, route: null });
  });

  it("keeps the event's own route (ingest may have used a routes file)", () => {
    const db = freshDb();
    addEvent(db, { ts: 1000, backend: 'www', pid: 1, request: 'GET /p/9', route: '/product' });
    const t = addTrace(db, { ts: 1000, pool: 'www', pid: 1 });
    joinSlowTracesToRequests(db);
    expect(row(db, t)).toEqual({ request: 'GET /p/9', route: '/product' });
  });

  it('does not join across hosts, and only touches traces without a request', () => {
    const db = freshDb();
    addEvent(db, { ts: 1000, backend: 'www', pid: 1, request: 'GET /web2', host: 'web2' });
    const t = addTrace(db, { ts: 1000, pool: 'www', pid: 1, host: 'web1' });
    expect(joinSlowTracesToRequests(db)).toBe(0);
    addEvent(db, { ts: 1000, backend: 'www', pid: 1, request: 'GET /web1', host: 'web1' });
    expect(joinSlowTracesToRequests(db)).toBe(1);
    expect(joinSlowTracesToRequests(db)).toBe(0);
    expect(row(db, t)).toMatchObject({ request: 'GET /web1' });
  });

  it('gives all 99 real traces their request', () => {
    const db = freshDb();
    const insE = db.prepare(`INSERT INTO events (source_id, ts, component, kind, backend, pid, request, message)
      VALUES (1, @ts, @component, @kind, @backend, @pid, @request, @message)`);
    for (const e of events(feed(phpFpmError, incidentLines('3-nginx-phpfpm-max-children', 'php-fpm-error.log')))) {
      insE.run({ ts: e.ts, component: e.component, kind: e.kind, backend: e.backend, pid: e.pid, request: e.request, message: e.message });
    }
    const ts = traces(feed(phpFpmSlowlog, incidentLines('3-nginx-phpfpm-max-children', 'php-fpm-slow.log')));
    for (const t of ts) addTrace(db, { ts: t.ts, pool: t.pool!, pid: t.pid! });
    expect(joinSlowTracesToRequests(db)).toBe(99);
    const byRoute = db.prepare('SELECT route, count(*) AS n FROM slow_traces GROUP BY route ORDER BY route').all();
    expect(byRoute).toEqual([
      { route: '/api.php', n: 14 }, { route: '/cpu.php', n: 15 }, { route: '/poll.php', n: 17 }, { route: '/report.php', n: 53 },
    ]);
  });
});
