// Sample lines for nginx-error: the first block is copied from the two nginx 1.22.1 captures
// (fixtures/incidents/2-nginx-proxy-tempfile-timeout, 3-nginx-phpfpm-max-children); the rest
// are nginx's wordings for the other situations, in the same layout.
import type { FormatSample } from './types.js';

const T = 1795341039000; // 2026-11-22T09:50:39Z
const TAIL = ', client: 10.0.0.7, server: shop, request: "GET /checkout?id=1 HTTP/1.1", upstream: "http://10.0.0.21:8080/checkout?id=1", host: "shop"';

export const NGINX_SAMPLES: FormatSample[] = [
  // --- real ---
  { line: '2026/11/22 09:50:03 [warn] 7826#7826: *588 an upstream response is buffered to a temporary file /tmp/lab-s2/tmp/proxy/1/00/0000000001 while reading upstream, client: 127.0.0.1, server: lab-s2.local, request: "GET /big.php?mb=30&client=slow1 HTTP/1.1", upstream: "http://127.0.0.1:18084/big.php?mb=30&client=slow1", host: "127.0.0.1:18082"',
    expect: { ts: 1795341003000, component: 'nginx', kind: 'response_buffered_to_disk', severity: 'warn', pid: 7826,
      client: '127.0.0.1', request: 'GET /big.php?mb=30&client=slow1', backend: '127.0.0.1:18084' } },
  { line: '2026/11/22 09:50:39 [error] 7827#7827: *2404 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: lab-s2.local, request: "GET /slow.php?id=889680 HTTP/1.1", upstream: "http://127.0.0.1:18083/slow.php?id=889680", host: "127.0.0.1:18082"',
    expect: { ts: T, kind: 'upstream_timeout', severity: 'error', pid: 7827, request: 'GET /slow.php?id=889680', backend: '127.0.0.1:18083',
      message: '[error] 7827#7827: *2404 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: lab-s2.local, request: "GET /slow.php?id=889680 HTTP/1.1", upstream: "http://127.0.0.1:18083/slow.php?id=889680", host: "127.0.0.1:18082"' } },
  { line: '2026/11/22 09:50:39 [warn] 7826#7826: *2412 upstream server temporarily disabled while reading response header from upstream, client: 127.0.0.1, server: lab-s2.local, request: "GET /slow.php?id=224549 HTTP/1.1", upstream: "http://127.0.0.1:18084/slow.php?id=224549", host: "127.0.0.1:18082"',
    expect: { kind: 'backend_disabled', backend: '127.0.0.1:18084' } },
  { line: '2026/11/22 09:50:39 [error] 7826#7826: *2417 no live upstreams while connecting to upstream, client: 127.0.0.1, server: lab-s2.local, request: "GET /slow.php?id=932202 HTTP/1.1", upstream: "http://app_backend/slow.php?id=932202", host: "127.0.0.1:18082"',
    expect: { kind: 'no_live_upstreams', backend: 'app_backend', request: 'GET /slow.php?id=932202' } },
  { line: '2026/11/22 09:52:42 [error] 9076#9076: *300 connect() to unix:/tmp/lab-s3/run/php-fpm.sock failed (11: Resource temporarily unavailable) while connecting to upstream, client: 127.0.0.1, server: lab-s3.local, request: "GET /fast.php?p=251633 HTTP/1.1", upstream: "fastcgi://unix:/tmp/lab-s3/run/php-fpm.sock:", host: "127.0.0.1:18085"',
    expect: { ts: 1795341162000, kind: 'backlog_full', backend: 'unix:/tmp/lab-s3/run/php-fpm.sock', request: 'GET /fast.php?p=251633' } },
  { line: '2026/11/22 09:52:35 [error] 9076#9076: *230 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 127.0.0.1, server: lab-s3.local, request: "GET /poll.php?cart=55860 HTTP/1.1", upstream: "fastcgi://unix:/tmp/lab-s3/run/php-fpm.sock:", host: "127.0.0.1:18085"',
    expect: { ts: 1795341155000, kind: 'upstream_reset', backend: 'unix:/tmp/lab-s3/run/php-fpm.sock' } },
  // --- other wordings ---
  { line: `2026/11/22 09:50:39 [error] 811#811: *9 upstream timed out (110: Connection timed out) while connecting to upstream${TAIL}`, expect: { kind: 'upstream_timeout', backend: '10.0.0.21:8080' } },
  { line: `2026/11/22 09:50:39 [error] 811#811: *9 upstream timed out (110: Connection timed out) while reading upstream${TAIL}`, expect: { kind: 'upstream_timeout' } },
  { line: '2026/11/22 09:50:39 [error] 811#811: *9 upstream prematurely closed FastCGI stdout while reading response header from upstream, client: 10.0.0.7, server: shop, request: "GET /poll.php HTTP/1.1", upstream: "fastcgi://unix:/run/php/php8.2-fpm.sock:", host: "shop"',
    expect: { kind: 'upstream_closed', backend: 'unix:/run/php/php8.2-fpm.sock' } },
  { line: `2026/11/22 09:50:39 [error] 811#811: *9 upstream prematurely closed connection while reading response header from upstream${TAIL}`, expect: { kind: 'upstream_closed' } },
  { line: `2026/11/22 09:50:39 [error] 811#811: *9 connect() failed (111: Connection refused) while connecting to upstream${TAIL}`, expect: { kind: 'connect_failed', backend: '10.0.0.21:8080' } },
  { line: `2026/11/22 09:50:39 [error] 811#811: *9 connect() failed (110: Connection timed out) while connecting to upstream${TAIL}`, expect: { kind: 'connect_failed' } },
  { line: '2026/11/22 09:50:39 [crit] 811#811: *9 connect() to unix:/run/php/php8.2-fpm.sock failed (2: No such file or directory) while connecting to upstream, client: 10.0.0.7, server: shop, request: "GET / HTTP/1.1", upstream: "fastcgi://unix:/run/php/php8.2-fpm.sock:", host: "shop"',
    expect: { kind: 'connect_failed', severity: 'crit', backend: 'unix:/run/php/php8.2-fpm.sock' } },
  { line: `2026/11/22 09:50:39 [error] 811#811: *9 readv() failed (104: Connection reset by peer) while reading upstream${TAIL}`, expect: { kind: 'upstream_reset' } },
  { line: `2026/11/22 09:50:39 [error] 811#811: *9 writev() failed (32: Broken pipe) while sending request to upstream${TAIL}`, expect: { kind: 'upstream_closed' } },
  { line: '2026/11/22 09:50:39 [info] 811#811: *9 recv() failed (104: Connection reset by peer) while reading client request line, client: 10.0.0.7, server: 0.0.0.0:80',
    expect: { kind: 'other', severity: 'info', client: '10.0.0.7' }, note: 'a reset by the client is not an upstream reset' },
  { line: '2026/11/22 09:50:39 [warn] 811#811: *9 a client request body is buffered to a temporary file /var/lib/nginx/body/0000000007, client: 10.0.0.7, server: shop, request: "POST /upload HTTP/1.1", host: "shop"',
    expect: { kind: 'request_body_buffered', request: 'POST /upload', backend: null } },
  { line: '2026/11/22 09:50:39 [alert] 811#811: *9 1024 worker_connections are not enough while connecting to upstream, client: 10.0.0.7, server: shop, request: "GET / HTTP/1.1", upstream: "http://10.0.0.21:8080/", host: "shop"',
    expect: { kind: 'worker_limit_reached', limit_value: 1024, severity: 'alert' } },
  { line: '2026/11/22 09:50:39 [warn] 811#811: 768 worker_connections are not enough, reusing connections', expect: { kind: 'worker_limit_reached', limit_value: 768 } },
  { line: '2026/11/22 09:50:39 [crit] 811#811: accept4() failed (24: Too many open files)', expect: { kind: 'fd_limit', severity: 'crit' } },
  { line: '2026/11/22 09:50:39 [error] 811#811: *9 limiting requests, excess: 10.520 by zone "perip", client: 10.0.0.7, server: shop, request: "GET /api HTTP/1.1", host: "shop"',
    expect: { kind: 'rate_limited', value: 10.52, client: '10.0.0.7' } },
  { line: '2026/11/22 09:50:39 [warn] 811#811: *9 delaying request, excess: 0.540, by zone "perip", client: 10.0.0.7, server: shop, request: "GET /api HTTP/1.1", host: "shop"',
    expect: { kind: 'rate_limited', value: 0.54 } },
  { line: '2026/11/22 09:50:39 [error] 811#811: *9 limiting connections by zone "addr", client: 10.0.0.7, server: shop, request: "GET /dl HTTP/1.1", host: "shop"',
    expect: { kind: 'rate_limited' } },
  { line: '2026/11/22 09:50:39 [info] 811#811: *9 client timed out (110: Connection timed out) while reading client request headers, client: 10.0.0.7, server: shop',
    expect: { kind: 'client_timeout', severity: 'info' } },
  // clients that gave up (status 499 in the access log); the first two are real lines quoted in public repositories
  { line: '2018/06/29 01:33:05 [info] 38#38: *114 epoll_wait() reported that client prematurely closed connection, so upstream connection is closed too while sending request to upstream, client: 127.0.0.1, server: , request: "GET /en_US/taxons/category/gear HTTP/1.0", upstream: "fastcgi://127.0.0.1:9000", host: "35.193.153.87", referrer: "https://35.193.153.87/en_US/pages/blog"',
    expect: { kind: 'client_gave_up', severity: 'info', client: '127.0.0.1', request: 'GET /en_US/taxons/category/gear' } },
  { line: '2017/06/14 09:42:12 [info] 70237#0: *5527 kevent() reported that client prematurely closed connection, so upstream connection is closed too while sending request to upstream, client: 127.0.0.1, server: admin.afd56.local, request: "GET /card/recharge-order/add HTTP/1.1", upstream: "fastcgi://127.0.0.1:9000", host: "127.0.0.1:8085"',
    expect: { kind: 'client_gave_up' } },
  { line: '2026/11/22 09:50:39 [info] 811#811: *9 client prematurely closed connection while reading client request body, client: 10.0.0.7, server: shop, request: "POST /upload HTTP/1.1", host: "shop"',
    expect: { kind: 'client_gave_up', request: 'POST /upload' } },
  { line: '2026/11/22 09:50:39 [info] 811#811: *9 writev() failed (32: Broken pipe) while sending to client, client: 10.0.0.7, server: shop, request: "GET /big.iso HTTP/1.1", host: "shop"',
    expect: { kind: 'client_gave_up' } },
  { line: '2026/11/22 09:50:39 [error] 811#811: *9 FastCGI sent in stderr: "PHP message: PHP Fatal error:  Maximum execution time of 30 seconds exceeded in /var/www/report.php on line 9" while reading response header from upstream, client: 10.0.0.7, server: shop, request: "GET /report.php HTTP/1.1", upstream: "fastcgi://unix:/run/php/php8.2-fpm.sock:", host: "shop"',
    expect: { kind: 'php_timeout', value: 30, severity: 'error', request: 'GET /report.php', backend: 'unix:/run/php/php8.2-fpm.sock' } },
  { line: '2026/11/22 09:50:39 [alert] 810#810: worker process 811 exited on signal 11 (core dumped)', expect: { kind: 'worker_crashed', pid: 811, value: 11 } },
  { line: '2026/11/22 09:50:39 [notice] 810#810: signal 17 (SIGCHLD) received from 811', expect: { kind: 'lifecycle', severity: 'notice' } },
  { line: '2026/11/22 09:50:39 [notice] 810#810: start worker process 812', expect: { kind: 'lifecycle' } },
  { line: '2026/11/22 09:50:39 [emerg] 810#810: bind() to 0.0.0.0:80 failed (98: Address already in use)', expect: { kind: 'other', severity: 'emerg' } },
  { line: 'nginx: [emerg] unknown directive "foo"', reject: 'no-match' },
];
