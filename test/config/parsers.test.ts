// Each server's config parser on real configs (the bundled stories, the seed cases, Debian's
// shipped files) and the edge that follows includes: globs, loops, missing files, cut files,
// <IfModule> by the loaded MPM, sysctl duplicates, lighttpd nested arrays, secrets.
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig, sniffConfig } from '../../src/ingest/config-input.js';
import type { ConfigRead } from '../../src/store/settings-writer.js';
import { findConfigFormat, detectConfigFormat } from '../../parsers/config/index.js';
import type { ConfigFormat } from '../../parsers/config/types.js';
import { ROOT, INCIDENTS, tempDir } from '../e2e/cli.js';

const CONFIGS = join(ROOT, 'fixtures', 'configs');
const fmt = (name: string): ConfigFormat => findConfigFormat(name)!;
const story = (dir: string, file: string) => join(INCIDENTS, dir, 'config', file);

/** The settings named `name` (in `scope` when given) as [value, active, line]. */
function find(read: ConfigRead, name: string, scope?: string) {
  return read.settings.filter((s) => s.name === name && (scope === undefined || s.scope === scope));
}
function one(read: ConfigRead, name: string, scope?: string) {
  const all = find(read, name, scope).filter((s) => s.active);
  expect(all, `${name} in ${scope}`).toHaveLength(1);
  return all[0];
}

function files(dir: string, content: Record<string, string>): string {
  for (const [name, text] of Object.entries(content)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('nginx config', () => {
  it('story 3: worker_connections, listen backlog and the fastcgi timeouts with scope, file and line', () => {
    const r = readConfig(story('3-nginx-phpfpm-max-children', 'nginx.conf'), fmt('nginx-conf'));
    expect(r.problems).toEqual([]);
    expect(one(r, 'worker_connections', 'events')).toMatchObject({ value: '4096', line: 9 });
    expect(one(r, 'worker_processes', '')).toMatchObject({ value: '2', line: 4 });
    expect(one(r, 'listen.backlog', 'server:lab-s3.local:18085')).toMatchObject({ value: '511', line: 29 });
    expect(one(r, 'fastcgi_read_timeout', 'server:lab-s3.local:18085/location:~ \\.php$')).toMatchObject({ value: '30s', line: 55 });
    expect(one(r, 'fastcgi_param[REDIRECT_STATUS]')).toMatchObject({ value: '200', line: 53 });
    expect(r.settings.every((s) => s.file.endsWith('nginx.conf'))).toBe(true);
  });

  it('story 2: upstream servers and their parameters', () => {
    const r = readConfig(story('2-nginx-proxy-tempfile-timeout', 'nginx.conf'), fmt('nginx-conf'));
    expect(find(r, 'server', 'upstream:app_backend').map((s) => s.value)).toEqual([
      '127.0.0.1:18083 max_fails=3 fail_timeout=5s', '127.0.0.1:18084 max_fails=3 fail_timeout=5s']);
    expect(one(r, 'fail_timeout', 'upstream:app_backend/server:127.0.0.1:18084')).toMatchObject({ value: '5s', line: 35 });
    expect(find(r, 'proxy_read_timeout')[0]).toMatchObject({ value: '1s', line: 48 });
  });

  it("Debian's nginx.conf: includes from the conf dir, sites-enabled's server scope", () => {
    const root = join(CONFIGS, 'debian-nginx');
    const r = readConfig(join(root, 'etc/nginx/nginx.conf'), fmt('nginx-conf'), { root });
    expect(r.problems).toEqual([]);
    expect(r.files.map((f) => f.replace(/^.*debian-nginx\//, ''))).toEqual([
      'etc/nginx/nginx.conf', 'etc/nginx/mime.types', 'etc/nginx/sites-enabled/default']);
    expect(one(r, 'worker_connections', 'events')).toMatchObject({ value: '768' });
    expect(one(r, 'root', 'server:_:80')).toMatchObject({ value: '/var/www/html', line: 41 });
    expect(one(r, 'root', 'server:_:80').file).toMatch(/sites-enabled\/default$/);
    // mime.types is a types { } table: no settings from it
    expect(r.settings.some((s) => s.file.endsWith('mime.types'))).toBe(false);
  });

  it('follows include globs in sorted order, relative to the conf dir, spliced where they stand', () => {
    const dir = files(tempDir(), {
      'nginx.conf': 'events { worker_connections 100; }\nhttp {\n  include conf.d/*.conf;\n  keepalive_timeout 10;\n}\n',
      'conf.d/b.conf': 'server { listen 81; server_name b; include snippets/x.conf; }\n',
      'conf.d/a.conf': 'server { listen 80; server_name a; }\nproxy_read_timeout 5s;\n',
      // nginx resolves an include in an included file against the conf dir, not its own dir
      'snippets/x.conf': 'fastcgi_read_timeout 7s;\n',
    });
    const r = readConfig(join(dir, 'nginx.conf'), fmt('nginx-conf'));
    expect(r.problems).toEqual([]);
    expect(r.settings.map((s) => `${s.scope} ${s.name}`)).toEqual([
      'events worker_connections', 'server:a:80 listen', 'server:a:80 server_name', 'http proxy_read_timeout',
      'server:b:81 listen', 'server:b:81 server_name', 'server:b:81 fastcgi_read_timeout', 'http keepalive_timeout']);
  });

  it('reports an include loop, a missing include and a cut file with file and line, keeping the rest', () => {
    const dir = files(tempDir(), {
      'nginx.conf': 'worker_processes 2;\ninclude a.conf;\ninclude missing.conf;\nevents {\n  worker_connections 64;\n',
      'a.conf': 'pid /run/a.pid;\ninclude b.conf;\n',
      'b.conf': 'include a.conf;\nerror_log /x.log;\n',
    });
    const r = readConfig(join(dir, 'nginx.conf'), fmt('nginx-conf'));
    const msgs = r.problems.map((p) => `${p.file.replace(/^.*\//, '')}:${p.line}: ${p.message}`);
    expect(msgs).toEqual([
      expect.stringMatching(/^nginx\.conf:4: unexpected end of file, expecting '}' to close "events"/),
      expect.stringMatching(/^b\.conf:1: include loop: .*nginx\.conf -> .*a\.conf -> .*b\.conf -> .*a\.conf/),
      expect.stringMatching(/^nginx\.conf:3: include missing\.conf: .*missing\.conf does not exist/),
    ]);
    expect(r.settings.map((s) => s.name)).toEqual(['worker_processes', 'pid', 'error_log', 'worker_connections']);
  });

  it('a directive without its ; and an unclosed quote are errors with their line', () => {
    const r = fmt('nginx-conf').parse('events {\n  worker_connections 512\n}\nhttp { add_header X "abc;\n}\n', { scope: '' });
    expect(r.errors.map((e) => [e.line, e.message])).toEqual([
      [2, 'directive "worker_connections" is not terminated by \';\' (not stored)'],
      [4, expect.stringMatching(/quoted string is not closed/)],
      [4, expect.stringMatching(/expecting '}' to close "http"/)],
    ]);
  });

  it('does not store secrets: fastcgi_param / proxy_set_header by name, credentials by value', () => {
    const r = fmt('nginx-conf').parse([
      'fastcgi_param DB_PASSWORD hunter2-nginx;', 'fastcgi_param APP_KEY base64:abcdefgh;', 'fastcgi_param SCRIPT_NAME $fastcgi_script_name;',
      'proxy_set_header Authorization "Basic dXNlcjpzZWNyZXQ=";', 'proxy_set_header Host $host;',
      'proxy_pass http://admin:s3cret@10.0.0.2:8080;',
    ].join('\n'), { scope: 'location:/' });
    expect(r.settings.map((s) => [s.name, s.value, s.note])).toEqual([
      ['fastcgi_param[DB_PASSWORD]', null, 'secret: not stored'],
      ['fastcgi_param[APP_KEY]', null, 'secret: not stored'],
      ['fastcgi_param[SCRIPT_NAME]', '$fastcgi_script_name', null],
      ['proxy_set_header[Authorization]', null, 'secret: not stored'],
      ['proxy_set_header[Host]', '$host', null],
      ['proxy_pass', null, 'secret: not stored'],
    ]);
  });
});

describe('Apache config', () => {
  it('story 4: the event MPM loaded, MaxRequestWorkers 8', () => {
    const r = readConfig(story('4-varnish-apache-maxrequestworkers', 'httpd.conf'), fmt('apache-conf'));
    expect(r.mpm).toBe('mpm_event');
    expect(one(r, 'MaxRequestWorkers')).toMatchObject({ value: '8', line: 26 });
    expect(one(r, 'KeepAliveTimeout')).toMatchObject({ value: '5', line: 33 });
  });

  it("Debian's apache2.conf: mods-enabled/*.load decide the MPM, IfModule blocks of modules not loaded are inactive", () => {
    const root = join(CONFIGS, 'debian-apache2');
    const r = readConfig(join(root, 'etc/apache2/apache2.conf'), fmt('apache-conf'), { root });
    expect(r.problems).toEqual([]);
    expect(r.mpm).toBe('mpm_event');
    expect(one(r, 'MaxRequestWorkers')).toMatchObject({ value: '150', line: 13 });
    expect(one(r, 'MaxRequestWorkers').file).toMatch(/mods-enabled\/mpm_event\.conf$/);
    expect(find(r, 'Listen').map((s) => [s.value, s.active])).toEqual([['80', true], ['443', false], ['443', false]]);
    expect(find(r, 'Listen')[1].note).toBe('inside <IfModule ssl_module>: module not loaded');
    expect(one(r, 'DocumentRoot', 'vhost:*:80')).toMatchObject({ value: '/var/www/html' });
    // two RequestReadTimeout lines (header=, body=) both count
    expect(find(r, 'RequestReadTimeout').every((s) => s.active)).toBe(true);
  });

  it('the loaded MPM decides which <IfModule mpm_*> block counts', () => {
    const conf = (mpm: string) => [
      `LoadModule mpm_${mpm}_module modules/mod_mpm_${mpm}.so`,
      '<IfModule mpm_prefork_module>', '  MaxRequestWorkers 150', '</IfModule>',
      '<IfModule mpm_event_module>', '  MaxRequestWorkers 400', '  ThreadsPerChild 25', '</IfModule>',
      '<IfModule !mpm_event_module>', '  KeepAlive Off', '</IfModule>',
      '<IfModule mod_ssl.c>', '  Listen 443', '</IfModule>',
    ].join('\n');
    for (const [mpm, want] of [['prefork', '150'], ['event', '400']]) {
      const dir = files(tempDir(), { 'httpd.conf': conf(mpm) });
      const r = readConfig(join(dir, 'httpd.conf'), fmt('apache-conf'));
      expect(r.mpm).toBe(`mpm_${mpm}`);
      expect(one(r, 'MaxRequestWorkers')).toMatchObject({ value: want, scope: `mpm:${mpm}` });
      const other = find(r, 'MaxRequestWorkers').find((s) => !s.active)!;
      expect(other.note).toBe(`inside <IfModule mpm_${mpm === 'event' ? 'prefork' : 'event'}_module>: the MPM loaded is ${mpm}`);
      expect(find(r, 'KeepAlive')[0].active).toBe(mpm !== 'event');
      expect(find(r, 'Listen')[0].active).toBe(false);
    }
  });

  it('Include of a directory reads every file under it, in order', () => {
    const dir = files(tempDir(), {
      'httpd.conf': 'Include vhosts\nTimeout 10\n',
      'vhosts/b.conf': 'KeepAliveTimeout 3\n',
      'vhosts/a.conf': 'MaxKeepAliveRequests 50\n',
      'vhosts/sub/c.conf': 'ListenBacklog 100\n',
    });
    const r = readConfig(join(dir, 'httpd.conf'), fmt('apache-conf'));
    expect(r.problems).toEqual([]);
    expect(r.settings.map((s) => s.name)).toEqual(['MaxKeepAliveRequests', 'KeepAliveTimeout', 'ListenBacklog', 'Timeout']);
  });

  it('Include of a missing file, IncludeOptional, an unclosed section, SetEnv secrets', () => {
    const dir = files(tempDir(), {
      'httpd.conf': 'ServerRoot .\nInclude conf.d/*.conf\nIncludeOptional nothing/*.conf\nInclude nope/*.conf\n<VirtualHost *:80>\n  SetEnv DB_PASSWORD hunter2-apache\n  SetEnv APP_ENV prod\n  PassEnv API_TOKEN\n',
      'conf.d/a.conf': 'Timeout 30\n',
    });
    const r = readConfig(join(dir, 'httpd.conf'), fmt('apache-conf'));
    expect(r.problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      '5: <VirtualHost> is not closed before the end of the file (file cut in the middle?)',
      '4: Include nope/*.conf: no file matches (IncludeOptional would accept that)',
    ]);
    expect(one(r, 'Timeout')).toMatchObject({ value: '30', line: 1 });
    expect(one(r, 'SetEnv[DB_PASSWORD]', 'vhost:*:80')).toMatchObject({ value: null, note: 'secret: not stored' });
    expect(one(r, 'SetEnv[APP_ENV]')).toMatchObject({ value: 'prod' });
    expect(one(r, 'PassEnv')).toMatchObject({ value: 'API_TOKEN' }); // a name, not a value
  });
});

describe('lighttpd config', () => {
  it('story 1b: 4 procs x PHP_FCGI_CHILDREN 2, backlog 8, from the nested fastcgi.server array', () => {
    const r = readConfig(story('1b-lighttpd-1.4.45-fastcgi-overload', 'lighttpd.conf'), fmt('lighttpd-conf'));
    expect(r.problems).toEqual([]);
    expect(one(r, 'max-procs', 'fastcgi:.php/0')).toMatchObject({ value: '4', line: 33 });
    expect(one(r, 'PHP_FCGI_CHILDREN', 'fastcgi:.php/0')).toMatchObject({ value: '2', line: 36 });
    expect(one(r, 'listen-backlog', 'fastcgi:.php/0')).toMatchObject({ value: '8', line: 34 });
    expect(one(r, 'socket', 'fastcgi:.php/0')).toMatchObject({ value: '/tmp/lab-s1b/run/php-fcgi.sock' });
    expect(one(r, 'name', 'fastcgi:.php/0')).toMatchObject({ value: 'php-local' });
    expect(one(r, 'server.max-connections')).toMatchObject({ value: '4096', line: 15 });
    expect(one(r, 'server.max-fds')).toMatchObject({ value: '8192', line: 13 });
  });

  it('story 5: the same 4 x 2 pool behind mod_fastcgi', () => {
    const r = readConfig(story('5-lighttpd-current-gw-backend', 'lighttpd.conf'), fmt('lighttpd-conf'));
    expect(r.problems).toEqual([]);
    expect(one(r, 'max-procs', 'fastcgi:.php/0')).toMatchObject({ value: '4', line: 29 });
    expect(one(r, 'listen-backlog', 'fastcgi:.php/0')).toMatchObject({ value: '8', line: 30 });
    expect(one(r, 'PHP_FCGI_CHILDREN', 'fastcgi:.php/0')).toMatchObject({ value: '2', line: 32 });
  });

  it('the Server Fault case: 14 procs x 30 children (anonymous host array)', () => {
    const r = readConfig(join(CONFIGS, 'seed-lighttpd-backend-overloaded', 'lighttpd.conf'), fmt('lighttpd-conf'));
    expect(r.problems).toEqual([]);
    expect(one(r, 'max-procs', 'fastcgi:.php/0').value).toBe('14');
    expect(one(r, 'PHP_FCGI_CHILDREN', 'fastcgi:.php/0').value).toBe('30');
    expect(one(r, 'server.max-connections').value).toBe('10000');
  });

  it("Debian's lighttpd.conf: include globs followed, include_shell reported (not run), += kept", () => {
    const root = join(CONFIGS, 'debian-lighttpd');
    const r = readConfig(join(root, 'etc/lighttpd/lighttpd.conf'), fmt('lighttpd-conf'), { root });
    expect(r.problems.map((p) => [p.line, p.message])).toEqual([
      [46, 'include_shell "/usr/share/lighttpd/use-ipv6.pl 80" runs a program: not followed (ingest its output as a file to include it)'],
      [47, 'include_shell "/usr/share/lighttpd/create-mime.conf.pl" runs a program: not followed (ingest its output as a file to include it)'],
    ]);
    expect(one(r, 'alias.url').file).toMatch(/conf-enabled\/90-javascript-alias\.conf$/);
    expect(find(r, 'server.modules').map((s) => s.active)).toEqual([true, true]);
  });

  it('conditionals, several hosts and proxy.server, secrets in bin-environment, a cut file', () => {
    const text = [
      'server.port = 80',
      '$HTTP["host"] == "api.example.org" {',
      '  proxy.server = ( "/" => ( ( "host" => "10.0.0.1", "port" => 8080 ), ( "host" => "10.0.0.2", "port" => 8080 ) ) )',
      '}',
      'fastcgi.server = ( ".php" => ( "a" => ( "socket" => "/run/a.sock", "bin-environment" => ( "DB_PASSWORD" => "hunter2-lighttpd", "PHP_FCGI_CHILDREN" => "16" ) ) ) )',
      'server.max-fds = ( 1, 2',
    ].join('\n');
    const r = fmt('lighttpd-conf').parse(text, { scope: '' });
    const cond = '$HTTP["host"] == "api.example.org"';
    expect(r.settings.filter((s) => s.scope.startsWith(cond)).map((s) => [s.scope, s.name, s.value])).toEqual([
      [cond, 'proxy.server', '(1 extensions; see proxy:* scopes)'],
      [`${cond}/proxy://0`, 'host', '10.0.0.1'],
      [`${cond}/proxy://0`, 'port', '8080'],
      [`${cond}/proxy://1`, 'host', '10.0.0.2'],
      [`${cond}/proxy://1`, 'port', '8080'],
    ]);
    expect(r.settings.find((s) => s.name === 'DB_PASSWORD')).toMatchObject({ value: null, note: 'secret: not stored', line: 5 });
    expect(r.settings.find((s) => s.name === 'PHP_FCGI_CHILDREN')).toMatchObject({ value: '16', scope: 'fastcgi:.php/0' });
    expect(r.errors.map((e) => [e.line, e.message])).toEqual([[6, expect.stringMatching(/unexpected end of file inside an array opened at line 6/)]]);
  });
});

describe('PHP-FPM and php.ini', () => {
  it('story 3: pool www, pm.max_children 4 and listen.backlog 8 at their lines', () => {
    const r = readConfig(story('3-nginx-phpfpm-max-children', 'php-fpm.conf'), fmt('php-fpm-conf'));
    expect(r.problems).toEqual([]);
    expect(one(r, 'pm.max_children', 'pool:www')).toMatchObject({ value: '4', line: 21 });
    expect(one(r, 'listen.backlog', 'pool:www')).toMatchObject({ value: '8', line: 18 });
    expect(one(r, 'request_terminate_timeout', 'pool:www')).toMatchObject({ value: '5s', line: 36 });
    expect(one(r, 'log_level', '')).toMatchObject({ value: 'notice' });
    expect(one(r, 'access.format', 'pool:www').value).toBe('%R - %u %t "%m %r%Q%q" %s pid=%p dur=%{mili}dms mem=%{kilo}MKB cpu=%C%%');
  });

  it("Debian's php-fpm.conf: include= glob into pool.d, one pool per [name]", () => {
    const root = join(CONFIGS, 'debian-php-fpm');
    const r = readConfig(join(root, 'etc/php/8.2/fpm/php-fpm.conf'), fmt('php-fpm-conf'), { root });
    expect(r.problems).toEqual([]);
    expect(one(r, 'pm.max_children', 'pool:www')).toMatchObject({ value: '5', line: 127 });
    expect(one(r, 'pm.max_children', 'pool:www').file).toMatch(/pool\.d\/www\.conf$/);
    expect(one(r, 'pid', '').value).toBe('/run/php/php8.2-fpm.pid');
  });

  it("Debian's php.ini: limits read, the default password kept out", () => {
    const r = readConfig(join(CONFIGS, 'debian-php-fpm/etc/php/8.2/fpm/php.ini'), fmt('php-ini'));
    expect(r.problems).toEqual([]);
    expect(one(r, 'max_execution_time')).toMatchObject({ value: '30', line: 409 });
    expect(one(r, 'memory_limit')).toMatchObject({ value: '128M' });
    expect(one(r, 'mysqli.default_pw')).toMatchObject({ value: null, note: 'secret: not stored' });
    expect(one(r, 'session.cookie_lifetime').value).toBe('0'); // not a secret
  });

  it('pools, env[] and php_admin_value[] secrets, an unreadable line, a last-wins duplicate', () => {
    const r = fmt('php-fpm-conf').parse([
      '[global]', 'include=/etc/php/fpm/pool.d/*.conf', '[api]', 'pm.max_children = 10', 'env[DB_PASSWORD] = hunter2-fpm',
      'php_admin_value[mysqli.default_pw] = hunter3', 'php_admin_value[memory_limit] = 256M', 'this is not ini', 'pm.max_children = 12',
    ].join('\n'), { scope: '' });
    expect(r.includes).toMatchObject([{ pattern: '/etc/php/fpm/pool.d/*.conf', line: 2 }]);
    expect(r.settings.map((s) => [s.scope, s.name, s.value])).toEqual([
      ['pool:api', 'pm.max_children', '10'], ['pool:api', 'env[DB_PASSWORD]', null],
      ['pool:api', 'php_admin_value[mysqli.default_pw]', null], ['pool:api', 'php_admin_value[memory_limit]', '256M'],
      ['pool:api', 'pm.max_children', '12'],
    ]);
    expect(r.errors).toMatchObject([{ line: 8, message: 'cannot read this line: expected "key = value" or "[section]"' }]);
  });
});

describe('Varnish', () => {
  it('story 4: VCL backend timeouts', () => {
    const r = readConfig(story('4-varnish-apache-maxrequestworkers', 'default.vcl'), fmt('varnish-vcl'));
    expect(r.problems).toEqual([]);
    expect(r.settings.map((s) => [s.scope, s.name, s.value, s.line])).toEqual([
      ['backend:apache', '.host', '127.0.0.1', 5], ['backend:apache', '.port', '18091', 6],
      ['backend:apache', '.connect_timeout', '1s', 7], ['backend:apache', '.first_byte_timeout', '4s', 8],
      ['backend:apache', '.between_bytes_timeout', '5s', 9],
    ]);
  });

  it('max_connections, an inline probe, comments, a cut backend', () => {
    const r = fmt('varnish-vcl').parse([
      'vcl 4.1;', '# backend old { .max_connections = 1; }', 'backend app {', '  .host = "10.0.0.5"; // the app', '  .max_connections = 50;',
      '  .probe = { .url = "/health"; .interval = 5s; }', '  .first_byte_timeout = 60s;', '}', 'backend cut {', '  .host = "x";',
    ].join('\n'), { scope: '' });
    expect(r.settings.map((s) => [s.scope, s.name, s.value, s.line])).toEqual([
      ['backend:app', '.host', '10.0.0.5', 4], ['backend:app', '.max_connections', '50', 5],
      ['backend:app/probe', '.url', '/health', 6], ['backend:app/probe', '.interval', '5s', 6],
      ['backend:app', '.first_byte_timeout', '60s', 7], ['backend:cut', '.host', 'x', 10],
    ]);
    expect(r.errors.map((e) => [e.line, e.message])).toEqual([[9, "backend cut: unexpected end of file, expecting '}' (file cut in the middle?)"]]);
  });

  it('VCL include: the included backends land where the include stands', () => {
    const dir = files(tempDir(), {
      'default.vcl': 'vcl 4.1;\nbackend a { .host = "1"; }\ninclude "backends.vcl";\nbackend c { .host = "3"; }\n',
      'backends.vcl': 'backend b { .host = "2"; .max_connections = 20; }\n',
    });
    const r = readConfig(join(dir, 'default.vcl'), fmt('varnish-vcl'));
    expect(r.problems).toEqual([]);
    expect(r.settings.map((s) => `${s.scope} ${s.name}`)).toEqual([
      'backend:a .host', 'backend:b .host', 'backend:b .max_connections', 'backend:c .host']);
  });

  it("parameters from Debian's systemd unit, a varnishd -p command line and param.show output", () => {
    const unit = readConfig(join(CONFIGS, 'debian-varnish/lib/systemd/system/varnish.service'), fmt('varnish-params'));
    expect(unit.problems).toEqual([]);
    expect(unit.settings.map((s) => [s.name, s.value, s.line])).toEqual([['storage', 'malloc,256m', 16]]);
    const cmd = fmt('varnish-params').parse('varnishd -a :80 -f /etc/varnish/default.vcl \\\n  -p first_byte_timeout=120 -p thread_pool_max=2000 -s malloc,1g\n', { scope: '' });
    expect(cmd.settings.map((s) => [s.name, s.value, s.line])).toEqual([
      ['first_byte_timeout', '120', 1], ['thread_pool_max', '2000', 1], ['storage', 'malloc,1g', 1]]);
    const show = fmt('varnish-params').parse([
      '200        1234', 'first_byte_timeout         60.000 [seconds] (default)', 'thread_pool_max            5000 [threads] (default)',
      'listen_depth               2048 [connections]',
    ].join('\n'), { scope: '' });
    expect(show.errors).toEqual([]);
    expect(show.settings.map((s) => [s.name, s.value, s.note])).toEqual([
      ['first_byte_timeout', '60.000', 'param.show: the default'], ['thread_pool_max', '5000', 'param.show: the default'], ['listen_depth', '2048', null]]);
  });
});

describe('sysctl', () => {
  it('the Server Fault case: tcp_max_syn_backlog set twice, the last one wins', () => {
    const r = readConfig(join(CONFIGS, 'seed-lighttpd-backend-overloaded', 'sysctl.conf'), fmt('sysctl'));
    const dup = find(r, 'net.ipv4.tcp_max_syn_backlog');
    expect(dup.map((s) => [s.value, s.line, s.active])).toEqual([['2048', 14, false], ['262144', 15, true]]);
    expect(dup[0].note).toMatch(/^overridden by .*seed-lighttpd-backend-overloaded\/sysctl\.conf:15$/);
    expect(one(r, 'net.ipv4.tcp_tw_recycle').note).toMatch(/removed in Linux 4\.12/);
  });

  it("Debian's procps files: sysctl.conf is all comments, sysctl.d sets kernel.pid_max", () => {
    const conf = readConfig(join(CONFIGS, 'debian-procps/etc/sysctl.conf'), fmt('sysctl'));
    expect(conf.problems).toEqual([]);
    expect(conf.settings).toEqual([]);
    const pid = readConfig(join(CONFIGS, 'debian-procps/usr/lib/sysctl.d/50-pid-max.conf'), fmt('sysctl'));
    expect(pid.settings.map((s) => [s.name, s.value, s.active])).toEqual([['kernel.pid_max', '4194304', true]]);
    const links = readConfig(join(CONFIGS, 'debian-procps/usr/lib/sysctl.d/99-protect-links.conf'), fmt('sysctl'));
    expect(links.problems).toEqual([]);
    expect(links.settings.map((s) => s.name)).toContain('fs.protected_symlinks');
  });

  it('a port range the kernel rejects is inactive; sysctl -a style keys; unreadable lines', () => {
    const r = readConfig(join(CONFIGS, 'seed-varnish-apache-syn-sent', 'varnish-sysctl.conf'), fmt('sysctl'));
    expect(find(r, 'net.ipv4.ip_local_port_range')[0]).toMatchObject({ value: '1024 65536', active: false, note: expect.stringMatching(/65536 is not a port number/) });
    const a = fmt('sysctl').parse('net/core/somaxconn=4096\nnet.ipv4.ip_local_port_range = 32768\t60999\ngarbage here\n', { scope: '' });
    expect(a.settings.map((s) => [s.name, s.value])).toEqual([['net.core.somaxconn', '4096'], ['net.ipv4.ip_local_port_range', '32768 60999']]);
    expect(a.errors).toMatchObject([{ line: 3 }]);
  });
});

describe('config detection', () => {
  it('knows each real config by content and name', () => {
    const cases: Array<[string, string]> = [
      [story('1b-lighttpd-1.4.45-fastcgi-overload', 'lighttpd.conf'), 'lighttpd-conf'],
      [story('2-nginx-proxy-tempfile-timeout', 'nginx.conf'), 'nginx-conf'],
      [story('3-nginx-phpfpm-max-children', 'php-fpm.conf'), 'php-fpm-conf'],
      [story('4-varnish-apache-maxrequestworkers', 'httpd.conf'), 'apache-conf'],
      [story('4-varnish-apache-maxrequestworkers', 'default.vcl'), 'varnish-vcl'],
      [join(CONFIGS, 'debian-apache2/etc/apache2/apache2.conf'), 'apache-conf'],
      [join(CONFIGS, 'debian-nginx/etc/nginx/nginx.conf'), 'nginx-conf'],
      [join(CONFIGS, 'debian-php-fpm/etc/php/8.2/fpm/pool.d/www.conf'), 'php-fpm-conf'],
      [join(CONFIGS, 'debian-php-fpm/etc/php/8.2/fpm/php.ini'), 'php-ini'],
      [join(CONFIGS, 'debian-varnish/etc/default/varnish'), 'varnish-params'],
      [join(CONFIGS, 'seed-varnish-apache-syn-sent/apache-sysctl.conf'), 'sysctl'],
    ];
    for (const [path, name] of cases) expect(sniffConfig(path)?.name, path).toBe(name);
    // content decides over a misleading name
    expect(detectConfigFormat('nginx.conf', 'net.core.somaxconn = 1024\n')?.name).toBe('sysctl');
  });

  it('never takes a bundled log, capture, script or README for a config (their own parsers come first)', () => {
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? (f === 'config' || f === 'configs' ? [] : walk(p)) : [p];
    });
    const all = walk(join(ROOT, 'fixtures'));
    expect(all.length).toBeGreaterThan(50);
    // configs outside config/ and configs/ (copies of the stories', the seed cases', the sparse
    // capture's) are taken, and nothing else: no log, capture, script or README
    const detected = all.filter((p) => sniffConfig(p) !== null).map((p) => p.slice(ROOT.length + 1)).sort();
    expect(detected.filter((p) => !/\.(conf|vcl)$/.test(p))).toEqual([]);
    expect(detected).toEqual(expect.arrayContaining(['fixtures/access/s1b-lighttpd.conf', 'fixtures/access/s2-nginx.conf',
      'fixtures/access/s3-nginx.conf', 'fixtures/access/s3-php-fpm.conf', 'fixtures/long/lab/nginx.conf', 'fixtures/long/lab/php-fpm.conf']));
    // ... and every .conf there is one, but for an excerpt of two LogFormat lines (no setting to store)
    expect(all.map((p) => p.slice(ROOT.length + 1)).filter((p) => /\.conf$/.test(p) && !detected.includes(p)))
      .toEqual(['fixtures/access/s4-httpd-logformat.conf']);
    // an empty or comment-only file is known by its name
    expect(sniffConfig(join(CONFIGS, 'debian-procps/etc/sysctl.conf'))?.name).toBe('sysctl');
  });
});

describe('bad input never crashes a parser', () => {
  const real: Array<[string, string]> = [
    [story('1b-lighttpd-1.4.45-fastcgi-overload', 'lighttpd.conf'), 'lighttpd-conf'],
    [story('3-nginx-phpfpm-max-children', 'nginx.conf'), 'nginx-conf'],
    [story('3-nginx-phpfpm-max-children', 'php-fpm.conf'), 'php-fpm-conf'],
    [story('4-varnish-apache-maxrequestworkers', 'httpd.conf'), 'apache-conf'],
    [story('4-varnish-apache-maxrequestworkers', 'default.vcl'), 'varnish-vcl'],
    [join(CONFIGS, 'seed-lighttpd-backend-overloaded', 'sysctl.conf'), 'sysctl'],
  ];

  it('a file cut anywhere keeps what came before the cut and says where it broke', () => {
    for (const [path, name] of real) {
      const text = readFileSync(path, 'utf8');
      const whole = fmt(name).parse(text, { scope: '' });
      expect(whole.errors, path).toEqual([]);
      for (let cut = 1; cut < text.length; cut += Math.max(1, Math.floor(text.length / 97))) {
        const part = fmt(name).parse(text.slice(0, cut), { scope: '' });
        // every setting read from the cut text is one the whole file has, on the same line,
        // except the last one, whose value the cut may have shortened
        const lastLine = text.slice(0, cut).split('\n').length;
        for (const s of part.settings.filter((x) => x.line < lastLine - 1)) {
          expect(whole.settings.some((w) => w.name === s.name && w.line === s.line && w.scope === s.scope), `${path} cut at ${cut}: ${s.name}:${s.line}`).toBe(true);
        }
        for (const e of part.errors) expect(e.line, `${path} cut at ${cut}`).toBeLessThanOrEqual(lastLine);
      }
    }
  });

  it('garbage, binary bytes and absurd nesting give errors, not exceptions', () => {
    const junk = ['('.repeat(100_000), '{'.repeat(100_000), '<IfModule x>\n'.repeat(10_000), '\u0000\u0001\u00ff"\'\\'.repeat(1000),
      '$HTTP["host"] == "x" {\n'.repeat(200), 'backend a {'.repeat(1000), '[www]\n=\n==\n'];
    for (const f of ['nginx-conf', 'apache-conf', 'lighttpd-conf', 'php-fpm-conf', 'php-ini', 'varnish-vcl', 'varnish-params', 'sysctl']) {
      for (const j of junk) {
        const r = fmt(f).parse(j, { scope: '' });
        expect(Array.isArray(r.settings), f).toBe(true);
      }
    }
    expect(fmt('lighttpd-conf').parse('x = ' + '('.repeat(100_000), { scope: '' }).errors[0].message).toMatch(/nested deeper than 64/);
    expect(fmt('nginx-conf').parse('a {'.repeat(1000), { scope: '' }).errors.some((e) => /nested deeper than 64/.test(e.message))).toBe(true);
  });
});
