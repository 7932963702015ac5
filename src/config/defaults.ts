// Documented defaults of the settings the diagnosis reads: what a server does when its config
// does not say. Seeded into `setting_defaults` by the schema migration; each row names where
// the default is documented (a doc URL, a source file, or the comment of a shipped config).
//
// `scope` (a LIKE pattern) says where a default applies: '' = host-wide (shown when the setting
// is set nowhere), 'pool:%' = in every PHP-FPM pool that does not set it, 'backend:%' = every
// VCL backend, 'fastcgi:%' = every lighttpd fastcgi host.

export interface SettingDefault {
  server: string;
  name: string;
  value: string | null;
  applies: string | null;
  doc: string;
  scope: string;
}

const NGINX_CORE = 'https://nginx.org/en/docs/ngx_core_module.html';
const NGINX_EVENTS = 'https://nginx.org/en/docs/ngx_core_module.html#worker_connections';
const NGINX_HTTP = 'https://nginx.org/en/docs/http/ngx_http_core_module.html';
const NGINX_FASTCGI = 'https://nginx.org/en/docs/http/ngx_http_fastcgi_module.html';
const NGINX_PROXY = 'https://nginx.org/en/docs/http/ngx_http_proxy_module.html';
const APACHE_MPM = 'https://httpd.apache.org/docs/2.4/mod/mpm_common.html';
const APACHE_CORE = 'https://httpd.apache.org/docs/2.4/mod/core.html';
const FPM = 'https://www.php.net/manual/en/install.fpm.configuration.php';
const FPM_WWW = 'Debian php8.2-fpm /etc/php/8.2/fpm/pool.d/www.conf (comments: Default Value)';
const PHP_INI = 'https://www.php.net/manual/en/info.configuration.php';
const LIGHTTPD_FCGI = 'https://redmine.lighttpd.net/projects/lighttpd/wiki/Docs_ModFastCGI';
const LIGHTTPD_CORE = 'https://redmine.lighttpd.net/projects/lighttpd/wiki/Server_max-connectionsDetails';
const LIGHTTPD_NEWS = 'lighttpd ChangeLog (Debian /usr/share/doc/lighttpd/changelog.gz)';
const VARNISH = 'https://varnish-cache.org/docs/trunk/reference/varnishd.html#list-of-parameters';
const VCL_BACKEND = 'https://varnish-cache.org/docs/trunk/users-guide/vcl-backends.html';
const KERNEL = 'https://www.kernel.org/doc/Documentation/networking/ip-sysctl.rst';
const KERNEL_CORE = 'https://www.kernel.org/doc/Documentation/admin-guide/sysctl/net.rst';

const d = (server: string, name: string, value: string | null, applies: string | null, doc: string, scope = ''): SettingDefault =>
  ({ server, name, value, applies, doc, scope });

export const SETTING_DEFAULTS: SettingDefault[] = [
  // nginx
  d('nginx', 'worker_processes', '1', null, NGINX_CORE + '#worker_processes'),
  d('nginx', 'worker_connections', '512', null, NGINX_EVENTS),
  d('nginx', 'multi_accept', 'off', null, NGINX_CORE + '#multi_accept'),
  d('nginx', 'listen.backlog', '511', 'Linux (NGX_LISTEN_BACKLOG; -1 on FreeBSD, DragonFly and macOS), capped by net.core.somaxconn', NGINX_HTTP + '#listen'),
  d('nginx', 'keepalive_timeout', '75s', null, NGINX_HTTP + '#keepalive_timeout'),
  d('nginx', 'keepalive_requests', '1000', 'nginx >= 1.19.10 (100 before)', NGINX_HTTP + '#keepalive_requests'),
  d('nginx', 'send_timeout', '60s', null, NGINX_HTTP + '#send_timeout'),
  d('nginx', 'client_max_body_size', '1m', null, NGINX_HTTP + '#client_max_body_size'),
  d('nginx', 'fastcgi_connect_timeout', '60s', null, NGINX_FASTCGI + '#fastcgi_connect_timeout'),
  d('nginx', 'fastcgi_read_timeout', '60s', null, NGINX_FASTCGI + '#fastcgi_read_timeout'),
  d('nginx', 'fastcgi_send_timeout', '60s', null, NGINX_FASTCGI + '#fastcgi_send_timeout'),
  d('nginx', 'fastcgi_buffering', 'on', null, NGINX_FASTCGI + '#fastcgi_buffering'),
  d('nginx', 'fastcgi_max_temp_file_size', '1024m', null, NGINX_FASTCGI + '#fastcgi_max_temp_file_size'),
  d('nginx', 'proxy_connect_timeout', '60s', null, NGINX_PROXY + '#proxy_connect_timeout'),
  d('nginx', 'proxy_read_timeout', '60s', null, NGINX_PROXY + '#proxy_read_timeout'),
  d('nginx', 'proxy_send_timeout', '60s', null, NGINX_PROXY + '#proxy_send_timeout'),
  d('nginx', 'proxy_buffering', 'on', null, NGINX_PROXY + '#proxy_buffering'),
  d('nginx', 'proxy_max_temp_file_size', '1024m', null, NGINX_PROXY + '#proxy_max_temp_file_size'),
  d('nginx', 'proxy_buffer_size', '4k', 'one memory page: 4k or 8k by platform', NGINX_PROXY + '#proxy_buffer_size'),
  d('nginx', 'proxy_buffers', '8 4k', 'one memory page each: 8 4k or 8 8k by platform', NGINX_PROXY + '#proxy_buffers'),
  // Apache: MPM defaults per MPM (mpm_common); MaxRequestWorkers = ServerLimit x ThreadsPerChild for threaded MPMs
  ...(['event', 'worker'] as const).flatMap((m) => [
    d('apache', 'MaxRequestWorkers', '400', `mpm_${m} (ServerLimit 16 x ThreadsPerChild 25)`, APACHE_MPM + '#maxrequestworkers'),
    d('apache', 'ServerLimit', '16', `mpm_${m}`, APACHE_MPM + '#serverlimit'),
    d('apache', 'ThreadsPerChild', '25', `mpm_${m}`, APACHE_MPM + '#threadsperchild'),
    d('apache', 'ThreadLimit', '64', `mpm_${m}`, APACHE_MPM + '#threadlimit'),
    d('apache', 'StartServers', '3', `mpm_${m}`, APACHE_MPM + '#startservers'),
    d('apache', 'MinSpareThreads', '75', `mpm_${m}`, APACHE_MPM + '#minsparethreads'),
    d('apache', 'MaxSpareThreads', '250', `mpm_${m}`, APACHE_MPM + '#maxsparethreads'),
  ]),
  d('apache', 'AsyncRequestWorkerFactor', '2', 'mpm_event', 'https://httpd.apache.org/docs/2.4/mod/event.html#asyncrequestworkerfactor'),
  d('apache', 'MaxRequestWorkers', '256', 'mpm_prefork', APACHE_MPM + '#maxrequestworkers'),
  d('apache', 'ServerLimit', '256', 'mpm_prefork', APACHE_MPM + '#serverlimit'),
  d('apache', 'StartServers', '5', 'mpm_prefork', APACHE_MPM + '#startservers'),
  d('apache', 'MinSpareServers', '5', 'mpm_prefork', 'https://httpd.apache.org/docs/2.4/mod/prefork.html#minspareservers'),
  d('apache', 'MaxSpareServers', '10', 'mpm_prefork', 'https://httpd.apache.org/docs/2.4/mod/prefork.html#maxspareservers'),
  d('apache', 'MaxConnectionsPerChild', '0', null, APACHE_MPM + '#maxconnectionsperchild'),
  d('apache', 'ListenBacklog', '511', 'capped by net.core.somaxconn', APACHE_MPM + '#listenbacklog'),
  d('apache', 'Timeout', '60', null, APACHE_CORE + '#timeout'),
  d('apache', 'KeepAlive', 'On', null, APACHE_CORE + '#keepalive'),
  d('apache', 'KeepAliveTimeout', '5', null, APACHE_CORE + '#keepalivetimeout'),
  d('apache', 'MaxKeepAliveRequests', '100', null, APACHE_CORE + '#maxkeepaliverequests'),
  // lighttpd
  d('lighttpd', 'max-procs', '4', null, LIGHTTPD_FCGI, 'fastcgi:%'),
  d('lighttpd', 'listen-backlog', '1024', null, LIGHTTPD_FCGI, 'fastcgi:%'),
  d('lighttpd', 'PHP_FCGI_CHILDREN', '0', 'php-cgi: unset means no children, the one process serves one request at a time (php-src sapi/cgi/cgi_main.c)', 'https://www.php.net/manual/en/install.unix.lighttpd-14.php', 'fastcgi:%'),
  d('lighttpd', 'server.max-fds', '4096', 'lighttpd >= 1.4.46 (before: the process limit, often 1024)', LIGHTTPD_NEWS),
  d('lighttpd', 'server.max-connections', '1365', 'server.max-fds / 3 (1365 with the default 4096); a value above max-fds / 2 is lowered to it', LIGHTTPD_CORE + ' and lighttpd1.4 source (server start-up: "set max-conns")'),
  d('lighttpd', 'server.max-keep-alive-requests', '1000', 'lighttpd >= 1.4.65 (100 before)', LIGHTTPD_NEWS),
  d('lighttpd', 'server.max-keep-alive-idle', '5', null, 'https://redmine.lighttpd.net/projects/lighttpd/wiki/Server_max-keep-alive-idleDetails'),
  d('lighttpd', 'server.max-read-idle', '60', null, 'https://redmine.lighttpd.net/projects/lighttpd/wiki/Server_max-read-idleDetails'),
  d('lighttpd', 'server.max-write-idle', '360', null, 'https://redmine.lighttpd.net/projects/lighttpd/wiki/Server_max-write-idleDetails'),
  // PHP-FPM (per pool unless global)
  d('php-fpm', 'listen.backlog', '-1', 'Linux, FreeBSD, OpenBSD: listen(-1), which the kernel caps at net.core.somaxconn', FPM_WWW, 'pool:%'),
  d('php-fpm', 'listen.backlog', '511', 'other systems', FPM_WWW, 'pool:%'),
  d('php-fpm', 'request_terminate_timeout', '0', '0 = off', FPM_WWW, 'pool:%'),
  d('php-fpm', 'request_slowlog_timeout', '0', '0 = off', FPM, 'pool:%'),
  d('php-fpm', 'pm.max_requests', '0', '0 = never respawn', FPM, 'pool:%'),
  d('php-fpm', 'pm.process_idle_timeout', '10s', 'pm = ondemand', FPM, 'pool:%'),
  d('php-fpm', 'process.max', '0', '0 = no limit (global)', FPM),
  d('php-fpm', 'emergency_restart_threshold', '0', '0 = off (global)', FPM),
  // php.ini
  d('php', 'max_execution_time', '30', 'php.ini default (0 in the CLI)', PHP_INI + '#ini.max-execution-time'),
  d('php', 'max_input_time', '-1', '-1 = max_execution_time', PHP_INI + '#ini.max-input-time'),
  d('php', 'memory_limit', '128M', null, PHP_INI + '#ini.memory-limit'),
  d('php', 'post_max_size', '8M', null, PHP_INI + '#ini.post-max-size'),
  d('php', 'upload_max_filesize', '2M', null, PHP_INI + '#ini.upload-max-filesize'),
  d('php', 'default_socket_timeout', '60', null, 'https://www.php.net/manual/en/filesystem.configuration.php#ini.default-socket-timeout'),
  // Varnish parameters, and the backend attributes that default to them
  d('varnish', 'first_byte_timeout', '60.000', 'seconds', VARNISH + '#first-byte-timeout'),
  d('varnish', 'connect_timeout', '3.500', 'seconds', VARNISH + '#connect-timeout'),
  d('varnish', 'between_bytes_timeout', '60.000', 'seconds', VARNISH + '#between-bytes-timeout'),
  d('varnish', 'backend_idle_timeout', '60.000', 'seconds', VARNISH + '#backend-idle-timeout'),
  d('varnish', 'thread_pools', '2', null, VARNISH + '#thread-pools'),
  d('varnish', 'thread_pool_min', '100', 'per pool', VARNISH + '#thread-pool-min'),
  d('varnish', 'thread_pool_max', '5000', 'per pool', VARNISH + '#thread-pool-max'),
  d('varnish', 'listen_depth', '1024', 'capped by net.core.somaxconn', VARNISH + '#listen-depth'),
  d('varnish', 'timeout_idle', '5.000', 'seconds', VARNISH + '#timeout-idle'),
  d('varnish', 'send_timeout', '600.000', 'seconds', VARNISH + '#send-timeout'),
  d('varnish', 'default_ttl', '120.000', 'seconds', VARNISH + '#default-ttl'),
  d('varnish', '.max_connections', null, 'no limit', VCL_BACKEND, 'backend:%'),
  d('varnish', '.first_byte_timeout', '60s', 'the first_byte_timeout parameter', VCL_BACKEND, 'backend:%'),
  d('varnish', '.connect_timeout', '3.5s', 'the connect_timeout parameter', VCL_BACKEND, 'backend:%'),
  d('varnish', '.between_bytes_timeout', '60s', 'the between_bytes_timeout parameter', VCL_BACKEND, 'backend:%'),
  // Linux
  d('kernel', 'net.core.somaxconn', '4096', 'Linux >= 5.4', KERNEL_CORE),
  d('kernel', 'net.core.somaxconn', '128', 'Linux < 5.4', KERNEL_CORE),
  d('kernel', 'net.core.netdev_max_backlog', '1000', null, KERNEL_CORE),
  d('kernel', 'net.ipv4.tcp_max_syn_backlog', '128', 'the minimum: the kernel sizes it from RAM (1024 and more on most servers)', KERNEL),
  d('kernel', 'net.ipv4.ip_local_port_range', '32768 60999', 'current kernels; 32768 61000 in older ones', KERNEL),
  d('kernel', 'net.ipv4.tcp_fin_timeout', '60', null, KERNEL),
  d('kernel', 'net.ipv4.tcp_tw_reuse', '2', 'current kernels (2 = reuse for loopback only); 0 in older ones', KERNEL),
  d('kernel', 'net.ipv4.tcp_tw_recycle', '0', 'Linux < 4.12 (removed in 4.12)', KERNEL),
  d('kernel', 'net.ipv4.tcp_syncookies', '1', null, KERNEL),
];

const q = (v: string | null) => (v === null ? 'NULL' : `'${v.replace(/'/g, "''")}'`);

/** The INSERT the migration runs. */
export function settingDefaultsInsertSql(): string {
  return 'INSERT INTO setting_defaults (server, name, value, applies, doc, scope) VALUES\n' +
    SETTING_DEFAULTS.map((r) => `(${q(r.server)}, ${q(r.name)}, ${q(r.value)}, ${q(r.applies)}, ${q(r.doc)}, ${q(r.scope)})`).join(',\n') + ';';
}
