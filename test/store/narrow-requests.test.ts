// `requests` is a view over request_rows + strings (migration 4). These tests hold it to its
// promise: whatever goes in (by the ingest's encoder, by INSERT INTO requests, or as rows of a
// database made before the migration) reads back exactly as it was, column for column.
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS, REQUEST_COLUMNS } from '../../src/store/schema.js';
import { migrate, openWritable } from '../../src/store/db.js';
import { StoreWriter, STRING_ID_BLOCK } from '../../src/store/writer.js';
import { ExtraJson, RequestEncoder, StringDictionary } from '../../src/ingest/request-encoding.js';
import { emptyBatch } from '../../src/ingest/batches.js';
import type { Batch } from '../../src/store/batch.js';
import type { RequestRecord } from '../../parsers/types.js';

type Row = Record<string, string | number | null>;

const base: RequestRecord = {
  ts: 1795338000000, start_ts: 1795337999927, end_ts: 1795338000000, client: '192.0.2.175', method: 'GET',
  url: '/api/orders/85247/items?page=31&q=x', path: '/api/orders/85247/items', query: 'page=31&q=x', protocol: 'HTTP/1.1',
  status: 200, bytes: 6117, request_length: null, duration_ms: 73, upstream_ms: 71, upstream_connect_ms: 0,
  upstream_header_ms: 64.5, upstream_attempts: 1, upstream_addr: '10.0.0.11:8080', upstream_status: 200,
  upstream_raw: 'urt=0.071 uct=0.000 uht=0.064 ua=10.0.0.11:8080 us=200', vhost: null, referer: null,
  user_agent: 'curl/7.88.1', extra: { connection: 41, remote_user: null },
};

/** Every shape the path/query encoding has to get right. */
const awkward: Array<Partial<RequestRecord>> = [
  {},
  { url: '/plain', path: '/plain', query: null },
  { url: '/a?', path: '/a', query: '' },
  { url: '/a?b?c', path: '/a', query: 'b?c' },
  { url: '/rewritten?x=1', path: '/index.php', query: 'q=/rewritten&x=1' }, // $uri/$args differ from the request
  { url: '/x?y=1', path: '/x', query: null }, // a format with the url but no query column
  { url: '/x?y=1', path: null, query: null },
  { url: null, path: '/only-path', query: 'a=1' },
  { url: null, path: null, query: null, method: null, protocol: null, client: null, route: undefined } as Partial<RequestRecord>,
  { url: '/nul\u0000byte?q', path: '/nul\u0000byte', query: 'q' },
  { url: '/ünïcödé/пример?ключ=значение', path: '/ünïcödé/пример', query: 'ключ=значение' },
  { url: '*', path: '*', query: null, method: 'OPTIONS' },
  { client: '2001:db8::1', user_agent: '\u001b[31mred\u001b[0m "quoted" \\ back', referer: 'https://example.com/?a=1' },
  { vhost: 'example.com', referer: 'https://example.com/?a=1', upstream_addr: null, upstream_raw: null, extra: null },
];

function records(): Array<{ rec: RequestRecord; route: string | null }> {
  return awkward.map((o, i) => ({ rec: { ...base, ts: base.ts + i, ...o } as RequestRecord, route: i % 3 === 0 ? null : `/route/${i % 2}` }));
}

function expected(rec: RequestRecord, route: string | null, host: string | null): Row {
  const { extra, ...rest } = rec;
  return { ...rest, source_id: 1, host, route, extra: extra ? JSON.stringify(extra) : null } as Row;
}

function tmpDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'overload-narrow-')), 't.db');
}

function batchOf(encoder: RequestEncoder): Batch {
  return { ...emptyBatch(), requests: encoder.take() };
}

const readAll = (db: Database.Database): Row[] =>
  db.prepare(`SELECT ${REQUEST_COLUMNS.join(', ')} FROM requests ORDER BY id`).all() as Row[];

describe('requests view over request_rows', () => {
  it('reads back what the ingest encoder wrote, for every awkward url/path/query and null', () => {
    const db = openWritable(tmpDb());
    const writer = new StoreWriter(db);
    const sourceId = writer.createSource({ path: 'x', format: 'nginx', host: 'web1', tz: 'UTC', identity: null, formatSpec: null });
    const encoder = new RequestEncoder(new StringDictionary(writer.reserveStringIds()), 4);
    const input = records();
    for (const { rec, route } of input) encoder.add(rec, route);
    writer.writeBatch(sourceId, 'web1', batchOf(encoder));
    expect(readAll(db)).toEqual(input.map(({ rec, route }) => expected(rec, route, 'web1')));
    // the common case stores no path or query at all: the view derives them from the url
    expect(db.prepare('SELECT path, query FROM request_rows WHERE id = 1').get()).toEqual({ path: null, query: null });
    // repeated strings are stored once per ingest
    expect(db.prepare("SELECT count(*) n FROM strings WHERE text = 'curl/7.88.1'").get()).toEqual({ n: 1 });
  });

  it('queries on dictionary columns find their rows (WHERE, GROUP BY, LIKE)', () => {
    const db = openWritable(tmpDb());
    const writer = new StoreWriter(db);
    const sourceId = writer.createSource({ path: 'x', format: 'nginx', host: null, tz: 'UTC', identity: null, formatSpec: null });
    const encoder = new RequestEncoder(new StringDictionary(writer.reserveStringIds()));
    for (const { rec, route } of records()) encoder.add(rec, route);
    writer.writeBatch(sourceId, null, batchOf(encoder));
    expect(db.prepare("SELECT count(*) n FROM requests WHERE route = '/route/1'").get()).toEqual({ n: 5 });
    expect(db.prepare("SELECT count(*) n FROM requests WHERE client LIKE '2001:%'").get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT route, count(*) n FROM requests GROUP BY route ORDER BY route').all())
      .toEqual([{ route: null, n: 5 }, { route: '/route/0', n: 4 }, { route: '/route/1', n: 5 }]);
  });

  it('a second ingest gets its own block of string ids, and duplicates read as one value', () => {
    const db = openWritable(tmpDb());
    const writer = new StoreWriter(db);
    const a = writer.reserveStringIds();
    const b = writer.reserveStringIds();
    expect(b - a).toBe(STRING_ID_BLOCK);
    const sourceId = writer.createSource({ path: 'x', format: 'nginx', host: null, tz: 'UTC', identity: null, formatSpec: null });
    for (const first of [a, b]) {
      const encoder = new RequestEncoder(new StringDictionary(first));
      encoder.add(base, '/same');
      writer.writeBatch(sourceId, null, batchOf(encoder));
    }
    expect(db.prepare("SELECT count(*) n FROM strings WHERE text = '/same'").get()).toEqual({ n: 2 });
    expect(db.prepare('SELECT route, count(*) n FROM requests GROUP BY route').all()).toEqual([{ route: '/same', n: 2 }]);
  });

  it('extra JSON is exactly what JSON.stringify writes, whatever the shape', () => {
    const json = new ExtraJson();
    const shapes: Array<Record<string, unknown>> = [
      { remote_user: null, bytes_sent: 978, connection: 41 }, { remote_user: 'u"\\\u0001x', bytes_sent: 1, connection: 2 },
      {}, { a: 1 }, { a: 1, b: 2 }, { b: 2, a: 1 }, { x: NaN, y: -0, z: 1e21, w: Infinity }, { q: 'é\ud800' },
      { a: undefined, b: 1 }, { nested: { x: [1, 'y'] } }, { 2: 'two', 1: 'one', k: null }, { remote_user: null, bytes_sent: 978, connection: 41 },
    ];
    for (const o of shapes) expect(json.text(o)).toBe(JSON.stringify(o));
  });

  it('a full dictionary starts over instead of growing without bound', () => {
    const dict = new StringDictionary(100, 3);
    const ids = ['a', 'b', 'c', 'd', 'a'].map((t) => dict.idOf(t));
    expect(ids).toEqual([100, 101, 102, 103, 104]); // 'a' was forgotten when 'd' came
    expect(dict.drain()).toEqual([100, 'a', 101, 'b', 102, 'c', 103, 'd', 104, 'a']);
    expect(dict.idOf(null)).toBeNaN();
  });

  it('INSERT INTO requests stores through the view, above every reserved id block', () => {
    const db = openWritable(tmpDb());
    const writer = new StoreWriter(db);
    const reserved = writer.reserveStringIds();
    db.prepare("INSERT INTO sources (id, path, format, ingested_at) VALUES (1, 'x', 'y', 'now')").run();
    const cols = REQUEST_COLUMNS.filter((c) => c !== 'host' && c !== 'source_id');
    const ins = db.prepare(`INSERT INTO requests (source_id, host, ${cols.join(', ')}) VALUES (1, @host, ${cols.map((c) => '@' + c).join(', ')})`);
    const input = records();
    for (const { rec, route } of input) {
      const { extra, ...rest } = rec;
      ins.run({ ...rest, route, host: 'h', extra: extra ? JSON.stringify(extra) : null });
    }
    expect(readAll(db)).toEqual(input.map(({ rec, route }) => expected(rec, route, 'h')));
    const min = db.prepare('SELECT min(id) m FROM strings').get() as { m: number };
    expect(min.m).toBeGreaterThanOrEqual(reserved + STRING_ID_BLOCK);
    db.prepare('DELETE FROM requests WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) n FROM request_rows').get()).toEqual({ n: input.length - 1 });
  });

  it('migrates a database made before the view: same rows, same values', () => {
    const path = tmpDb();
    const old = new Database(path);
    old.exec('CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const narrowAt = MIGRATIONS.findIndex((m) => m.includes('-- narrow requests'));
    for (let v = 0; v < narrowAt; v++) {
      old.exec(MIGRATIONS[v]);
      old.prepare("INSERT INTO schema_version VALUES (?, 'then')").run(v + 1);
    }
    old.prepare("INSERT INTO sources (id, path, format, ingested_at) VALUES (1, 'x', 'y', 'now')").run();
    const cols = REQUEST_COLUMNS.filter((c) => c !== 'source_id');
    const ins = old.prepare(`INSERT INTO requests (source_id, ${cols.join(', ')}) VALUES (1, ${cols.map((c) => '@' + c).join(', ')})`);
    const input = records();
    for (const { rec, route } of input) {
      const { extra, ...rest } = rec;
      ins.run({ ...rest, route, host: 'old', extra: extra ? JSON.stringify(extra) : null });
    }
    old.exec('CREATE INDEX requests_ts ON requests(ts)');
    const before = readAll(old);
    migrate(old);
    expect(readAll(old)).toEqual(before);
    expect(before).toEqual(input.map(({ rec, route }) => expected(rec, route, 'old')));
    expect(old.prepare("SELECT type FROM sqlite_master WHERE name = 'requests'").get()).toEqual({ type: 'view' });
    // new ingests reserve ids above the converted strings
    const writer = new StoreWriter(old);
    expect(writer.reserveStringIds()).toBeGreaterThan((old.prepare('SELECT max(id) m FROM strings').get() as { m: number }).m);
  });
});
