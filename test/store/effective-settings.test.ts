// effective_settings: the active setting of the newest source, else the documented default,
// per host, server and scope.
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/store/schema.js';
import { SETTING_DEFAULTS } from '../../src/config/defaults.js';

function freshDb() {
  const db = new Database(':memory:');
  for (const m of MIGRATIONS) db.exec(m);
  db.prepare("INSERT INTO sources (id, path, format, ingested_at) VALUES (1, 'a', 'php-fpm-conf', 'now'), (2, 'b', 'php-fpm-conf', 'now')").run();
  return db;
}

type Row = { source?: number; host: string | null; server: string; scope?: string; name: string; value: string; line?: number; active?: number };
function add(db: Database.Database, r: Row) {
  db.prepare(`INSERT INTO settings (source_id, host, server, scope, name, value, file, line, active)
    VALUES (@source, @host, @server, @scope, @name, @value, 'f.conf', @line, @active)`)
    .run({ source: 1, scope: '', line: 1, active: 1, ...r });
}
const eff = (db: Database.Database, name: string) =>
  db.prepare('SELECT host, scope, value, is_default, line FROM effective_settings WHERE name = ? ORDER BY host, scope, value').all(name);

describe('effective_settings', () => {
  it('seeds every default with where it is documented', () => {
    const db = freshDb();
    const n = db.prepare('SELECT count(*) AS n, count(doc) AS docs FROM setting_defaults').get();
    expect(n).toEqual({ n: SETTING_DEFAULTS.length, docs: SETTING_DEFAULTS.length });
    expect(db.prepare("SELECT value FROM setting_defaults WHERE server = 'nginx' AND name = 'worker_connections'").get()).toEqual({ value: '512' });
  });

  it('a pool that does not set a setting gets the pool default; one that does, its own value', () => {
    const db = freshDb();
    add(db, { host: 'web1', server: 'php-fpm', scope: 'pool:www', name: 'request_terminate_timeout', value: '30s', line: 7 });
    add(db, { host: 'web1', server: 'php-fpm', scope: 'pool:api', name: 'pm.max_children', value: '10' });
    expect(eff(db, 'request_terminate_timeout')).toEqual([
      { host: 'web1', scope: 'pool:api', value: '0', is_default: 1, line: null },
      { host: 'web1', scope: 'pool:www', value: '30s', is_default: 0, line: 7 },
    ]);
  });

  it('inactive rows do not count; the newest source wins; hosts are apart (NULL host too)', () => {
    const db = freshDb();
    add(db, { host: null, server: 'kernel', name: 'net.core.somaxconn', value: '1024', active: 0 });
    add(db, { host: 'web1', server: 'kernel', name: 'net.core.somaxconn', value: '2048' });
    add(db, { source: 2, host: 'web1', server: 'kernel', name: 'net.core.somaxconn', value: '8192' });
    expect(eff(db, 'net.core.somaxconn')).toEqual([
      { host: null, scope: '', value: '128', is_default: 1, line: null },
      { host: null, scope: '', value: '4096', is_default: 1, line: null },
      { host: 'web1', scope: '', value: '8192', is_default: 0, line: 1 },
    ]);
  });

  it('kernel defaults for every host with settings; server defaults only where that server has settings', () => {
    const db = freshDb();
    add(db, { host: 'lb', server: 'nginx', scope: 'events', name: 'worker_connections', value: '4096' });
    expect(eff(db, 'worker_connections')).toEqual([{ host: 'lb', scope: 'events', value: '4096', is_default: 0, line: 1 }]);
    expect(eff(db, 'proxy_read_timeout')).toEqual([{ host: 'lb', scope: '', value: '60s', is_default: 1, line: null }]);
    expect(eff(db, 'net.ipv4.tcp_fin_timeout')).toEqual([{ host: 'lb', scope: '', value: '60', is_default: 1, line: null }]);
    expect(eff(db, 'pm.max_requests')).toEqual([]);
    expect(eff(db, 'max_execution_time')).toEqual([]);
  });
});
