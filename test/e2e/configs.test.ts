// Server configs through the built CLI: `overload ingest` beside the logs, the settings and
// effective_settings relations, re-ingest identity, bad input on stderr, secrets kept out.
import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, query, tempDir, INCIDENTS, ROOT } from './cli.js';

const S3 = join(INCIDENTS, '3-nginx-phpfpm-max-children');
const S1B = join(INCIDENTS, '1b-lighttpd-1.4.45-fastcgi-overload');

describe('ingest of server configs', () => {
  it("story 3: nginx.conf and php-fpm.conf give pm.max_children 4 and listen.backlog 8 with file:line", () => {
    const db = join(tempDir(), 'c.db');
    const r = cli(['ingest', '--db', db, '--host', 'lab-s3', join(S3, 'config/nginx.conf'), join(S3, 'config/php-fpm.conf')]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/config\/nginx\.conf: nginx-conf, 1 file, \d+ settings \(0 inactive, 0 secrets not stored\), 0 unreadable/);
    expect(r.stderr).toMatch(/config\/php-fpm\.conf: php-fpm-conf, 1 file, 30 settings/);
    const q = cli(['query', '--db', db, "SELECT server, scope, name, value, file || ':' || line AS at, is_default FROM effective_settings WHERE name IN ('pm.max_children','listen.backlog') ORDER BY server, name"]);
    expect(q.status).toBe(0);
    expect(q.stdout).toMatch(/php-fpm +pool:www +listen\.backlog +8 +\S*config\/php-fpm\.conf:18 +0/);
    expect(q.stdout).toMatch(/php-fpm +pool:www +pm\.max_children +4 +\S*config\/php-fpm\.conf:21 +0/);
    expect(q.stdout).toMatch(/nginx +server:lab-s3\.local:18085 +listen\.backlog +511 +\S*config\/nginx\.conf:29 +0/);
    // what the files do not say is the documented default, shown as such
    const defaults = query<{ server: string; name: string; value: string; host: string; applies: string | null; doc: string }>(db,
      "SELECT server, name, value, host, applies, doc FROM effective_settings WHERE is_default = 1 AND name IN ('net.core.somaxconn', 'max_execution_time') ORDER BY name, value");
    expect(defaults).toEqual([
      { server: 'php', name: 'max_execution_time', value: '30', host: 'lab-s3', applies: 'php.ini default (0 in the CLI)', doc: expect.stringMatching(/^https:\/\/www\.php\.net\//) },
      { server: 'kernel', name: 'net.core.somaxconn', value: '128', host: 'lab-s3', applies: 'Linux < 5.4', doc: expect.stringMatching(/kernel\.org/) },
      { server: 'kernel', name: 'net.core.somaxconn', value: '4096', host: 'lab-s3', applies: 'Linux >= 5.4', doc: expect.stringMatching(/kernel\.org/) },
    ]);
    // a pool that does not set request_terminate_timeout would get the default; www sets it
    expect(query(db, "SELECT value, is_default FROM effective_settings WHERE name = 'request_terminate_timeout'")).toEqual([{ value: '5s', is_default: 0 }]);
  });

  it("story 1b: lighttpd's fastcgi.server gives max-procs 4 and PHP_FCGI_CHILDREN 2", () => {
    const db = join(tempDir(), 'c.db');
    expect(cli(['ingest', '--db', db, join(S1B, 'config/lighttpd.conf')]).status).toBe(0);
    const rows = query(db, "SELECT scope, name, value, line, is_default FROM effective_settings WHERE name IN ('max-procs','PHP_FCGI_CHILDREN','listen-backlog') ORDER BY line");
    expect(rows).toEqual([
      { scope: 'fastcgi:.php/0', name: 'max-procs', value: '4', line: 33, is_default: 0 },
      { scope: 'fastcgi:.php/0', name: 'listen-backlog', value: '8', line: 34, is_default: 0 },
      { scope: 'fastcgi:.php/0', name: 'PHP_FCGI_CHILDREN', value: '2', line: 36, is_default: 0 },
    ]);
  });

  it('configs and logs in one command; an unchanged config adds nothing, a changed one is a new source', () => {
    const dir = tempDir();
    const db = join(dir, 'c.db');
    const conf = join(dir, 'php-fpm.conf');
    copyFileSync(join(S3, 'config/php-fpm.conf'), conf);
    const first = cli(['ingest', '--db', db, conf, join(S3, 'php-fpm-error.log')]);
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/php-fpm-error\.log: php-fpm-error/);
    const count = () => query<{ s: number; n: number }>(db, "SELECT (SELECT count(*) FROM sources WHERE format = 'php-fpm-conf') AS s, (SELECT count(*) FROM settings) AS n")[0];
    expect(count()).toEqual({ s: 1, n: 30 });
    const again = cli(['ingest', '--db', db, conf]);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/php-fpm\.conf: already ingested as php-fpm-conf \(same files, same content\), nothing new/);
    expect(count()).toEqual({ s: 1, n: 30 });
    writeFileSync(conf, readFileSync(conf, 'utf8').replace('pm.max_children = 4', 'pm.max_children = 12'));
    expect(cli(['ingest', '--db', db, conf]).status).toBe(0);
    expect(count()).toEqual({ s: 2, n: 60 });
    // the newer source is what takes effect
    expect(query(db, "SELECT value FROM effective_settings WHERE name = 'pm.max_children'")).toEqual([{ value: '12' }]);
    // --force replaces instead of adding
    expect(cli(['ingest', '--db', db, '--force', conf]).status).toBe(0);
    expect(count()).toEqual({ s: 2, n: 60 });
  });

  it('reports unreadable lines, a missing include and an include loop with file:line, stores them as rejects, keeps the rest', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'conf.d'));
    writeFileSync(join(dir, 'nginx.conf'), 'worker_processes 4;\ninclude conf.d/*.conf;\ninclude missing.conf;\nevents {\n  worker_connections 1024\n}\nhttp {\n');
    writeFileSync(join(dir, 'conf.d', 'loop.conf'), 'keepalive_timeout 5;\ninclude nginx.conf;\n');
    const db = join(dir, 'c.db');
    const r = cli(['ingest', '--db', db, join(dir, 'nginx.conf')]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/nginx\.conf: nginx-conf, 2 files, 2 settings \(0 inactive, 0 secrets not stored\), 4 unreadable/);
    expect(r.stderr).toMatch(/nginx\.conf:5: directive "worker_connections" is not terminated by ';' \(not stored\)/);
    expect(r.stderr).toMatch(/nginx\.conf:7: unexpected end of file, expecting '}' to close "http"/);
    expect(r.stderr).toMatch(/conf\.d\/loop\.conf:2: include loop: /);
    expect(r.stderr).toMatch(/nginx\.conf:3: include missing\.conf: \S*missing\.conf does not exist/);
    expect(query(db, 'SELECT name, value, line FROM settings ORDER BY id')).toEqual([
      { name: 'worker_processes', value: '4', line: 1 }, { name: 'keepalive_timeout', value: '5', line: 1 }]);
    const rejects = query<{ line_no: number; reason: string }>(db, 'SELECT line_no, reason FROM rejects ORDER BY line_no');
    expect(rejects.map((x) => x.line_no)).toEqual([2, 3, 5, 7]);
    expect(rejects[2].reason).toMatch(/nginx\.conf:5: directive "worker_connections"/);
  });

  it('does not store secrets: the secret text is nowhere in the database files', () => {
    const dir = tempDir();
    const secrets = ['hunter2-nginx-x9', 'hunter2-fpm-x9', 'hunter2-apache-x9', 'hunter2-lighttpd-x9', 'dXNlcjpodW50ZXIyLWJhc2ljLXg5', 'hunter2-url-x9', 'hunter2-vcl-x9'];
    writeFileSync(join(dir, 'nginx.conf'), `http { server { listen 80; location / {
      fastcgi_param DB_PASSWORD ${secrets[0]};
      proxy_set_header Authorization "Basic ${secrets[4]}";
      proxy_pass http://admin:${secrets[5]}@10.0.0.2;
    } } }\n`);
    writeFileSync(join(dir, 'php-fpm.conf'), `[www]\npm.max_children = 5\nenv[APP_SECRET] = ${secrets[1]}\nphp_admin_value[mysqli.default_pw] = ${secrets[1]}\n`);
    writeFileSync(join(dir, 'httpd.conf'), `Listen 80\n<VirtualHost *:80>\n  SetEnv DB_PASSWORD ${secrets[2]}\n</VirtualHost>\n`);
    writeFileSync(join(dir, 'lighttpd.conf'), `server.port = 80\nfastcgi.server = ( ".php" => (( "socket" => "/run/p.sock", "bin-environment" => ( "API_TOKEN" => "${secrets[3]}" ) )) )\n`);
    writeFileSync(join(dir, 'default.vcl'), `vcl 4.1;\nbackend b { .host = "10.0.0.3"; }\nsub vcl_recv { set req.http.Authorization = "Bearer ${secrets[6]}"; }\n`);
    const db = join(dir, 'c.db');
    const r = cli(['ingest', '--db', db, ...['nginx.conf', 'php-fpm.conf', 'httpd.conf', 'lighttpd.conf', 'default.vcl'].map((f) => join(dir, f))]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/nginx\.conf: nginx-conf, .* \(0 inactive, 3 secrets not stored\)/);
    const redacted = query<{ name: string }>(db, "SELECT name FROM settings WHERE value IS NULL AND note = 'secret: not stored' ORDER BY id").map((x) => x.name);
    expect(redacted).toEqual(['fastcgi_param[DB_PASSWORD]', 'proxy_set_header[Authorization]', 'proxy_pass', 'env[APP_SECRET]',
      'php_admin_value[mysqli.default_pw]', 'SetEnv[DB_PASSWORD]', 'API_TOKEN']);
    // every file of the database (main, WAL, shared memory), byte for byte
    const bytes = readdirSync(dir).filter((f) => f.startsWith('c.db')).map((f) => readFileSync(join(dir, f)));
    expect(bytes.length).toBeGreaterThan(0);
    for (const s of secrets) for (const b of bytes) expect(b.includes(Buffer.from(s)), s).toBe(false);
    // the test can fail: the settings themselves are there
    expect(bytes.some((b) => b.includes(Buffer.from('/run/p.sock')))).toBe(true);
  });

  it('--format names a config format; `overload formats` lists them', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tuning.txt'), 'net.core.somaxconn = 1024\nnet.core.somaxconn = 2048\n');
    const db = join(dir, 'c.db');
    const r = cli(['ingest', '--db', db, '--format', 'sysctl', join(dir, 'tuning.txt')]);
    expect(r.status).toBe(0);
    expect(query(db, 'SELECT value, active, note FROM settings ORDER BY id')).toEqual([
      { value: '1024', active: 0, note: expect.stringMatching(/^overridden by \S*tuning\.txt:2$/) }, { value: '2048', active: 1, note: null }]);
    // `sysctl -a | overload ingest --format sysctl -`
    const piped = cli(['ingest', '--db', db, '--host', 'web1', '--format', 'sysctl', '-'], { input: 'net.core.somaxconn = 4096\nvm.swappiness = 60\n' });
    expect(piped.status).toBe(0);
    expect(piped.stderr).toMatch(/^\(stdin\): sysctl, 1 file, 2 settings/m);
    expect(query(db, "SELECT value, file, line FROM settings WHERE host = 'web1' ORDER BY id")).toEqual([
      { value: '4096', file: '(stdin)', line: 1 }, { value: '60', file: '(stdin)', line: 2 }]);
    const f = cli(['formats']);
    for (const name of ['nginx-conf', 'apache-conf', 'lighttpd-conf', 'php-fpm-conf', 'php-ini', 'varnish-vcl', 'varnish-params', 'sysctl']) {
      expect(f.stdout).toMatch(new RegExp(`^${name}  \\(settings, `, 'm'));
    }
  });

  it("--config-root reads a copied server's absolute includes (Debian's apache2.conf)", () => {
    const db = join(tempDir(), 'c.db');
    const root = join(ROOT, 'fixtures/configs/debian-apache2');
    const r = cli(['ingest', '--db', db, '--config-root', root, join(root, 'etc/apache2/apache2.conf')]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/apache2\.conf: apache-conf, 37 files, \d+ settings \(\d+ inactive, 0 secrets not stored\), 0 unreadable; MPM: event/);
    expect(query(db, "SELECT value, is_default FROM effective_settings WHERE name = 'MaxRequestWorkers'")).toEqual([{ value: '150', is_default: 0 }]);
  });
});
