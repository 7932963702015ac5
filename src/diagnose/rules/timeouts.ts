// Timeouts along a chain: a layer that gives up earlier than the one behind it answers the
// client with an error while the layer behind keeps the worker busy for nobody. The front's
// timeout should be at least the back's, which should be at least the application's own.
import { durationMs } from '../../config/values.js';
import type { ConfigServer } from '../../../parsers/config/types.js';
import type { Facts, Finding, Setting } from '../types.js';
import { eventsOf, finding, limitRef, says, setting, span, sum, unknownRef } from './common.js';

const ms = (s: Setting | null) => (s ? durationMs(s.value, s.server as ConfigServer) : null);
const secs = (v: number | null) => (v === null ? '?' : v === 0 ? 'off' : `${v / 1000} s`);

/** Does nginx talk FastCGI or HTTP to its backend (the directive the config uses, else the messages)? */
function nginxMode(f: Facts): 'fastcgi' | 'proxy' | null {
  const names = new Set(f.effective.filter((s) => s.server === 'nginx' && !s.isDefault).map((s) => s.name));
  if (names.has('fastcgi_pass')) return 'fastcgi';
  if (names.has('proxy_pass')) return 'proxy';
  const backends = sum(eventsOf(f, ['upstream_timeout', 'backlog_full', 'upstream_reset'], 'nginx')).backends;
  if (backends.some((b) => b.startsWith('unix:')) || f.logFormats.some((x) => /fpm/.test(x))) return 'fastcgi';
  return backends.length ? 'proxy' : null;
}

export function nginxChain(f: Facts): Finding[] {
  const mode = nginxMode(f);
  if (!mode) return [];
  const out: Finding[] = [];
  const read = setting(f, 'nginx', `${mode}_read_timeout`);
  const readMs = ms(read) ?? 60_000;
  const timeouts = sum(eventsOf(f, 'upstream_timeout', 'nginx'));
  if (mode === 'fastcgi') {
    const term = setting(f, 'php-fpm', 'request_terminate_timeout', 'pool:');
    const maxExec = setting(f, 'php', 'max_execution_time');
    const termMs = ms(term);
    const execMs = ms(maxExec);
    const killed = sum(eventsOf(f, 'request_killed', 'php-fpm'));
    const reset = sum(eventsOf(f, 'upstream_reset', 'nginx'));
    const frontFirst = termMs !== null && (termMs === 0 || termMs > readMs);
    if (frontFirst || timeouts.count) {
      out.push(finding({
        rule: 'timeouts.nginx_fastcgi', family: 'timeouts', server: 'nginx', severity: timeouts.count ? 'critical' : 'warning',
        title: `nginx fastcgi_read_timeout ${secs(readMs)} ends requests before PHP-FPM does (request_terminate_timeout ${secs(termMs)})`,
        limits: [read ? limitRef(read) : { ...unknownRef('nginx', 'fastcgi_read_timeout'), value: '60s', where: 'default', basis: 'default', doc: 'https://nginx.org/en/docs/http/ngx_http_fastcgi_module.html#fastcgi_read_timeout' },
          term ? limitRef(term) : unknownRef('php-fpm', 'request_terminate_timeout', 'pool:')],
        evidence: [span(timeouts, 'nginx "upstream timed out" errors (504)')].filter(() => timeouts.count > 0),
        arithmetic: [`fastcgi_read_timeout ${secs(readMs)} < request_terminate_timeout ${secs(termMs)}: for up to ${termMs === 0 ? 'ever' : secs((termMs ?? 0) - readMs)} after nginx answers 504, the PHP worker keeps running for nobody`],
        recommendation: `Set request_terminate_timeout a little below fastcgi_read_timeout (e.g. ${Math.max(1, readMs / 1000 - 5)} s against ${readMs / 1000} s), so PHP-FPM frees the worker when nginx stops waiting.`,
        first: timeouts.first, last: timeouts.last, numbers: { fastcgi_read_timeout_s: readMs / 1000, request_terminate_timeout_s: termMs === null ? null : termMs / 1000, upstream_timeouts: timeouts.count },
      }));
    }
    if (killed.count) {
      const evidence = [span(killed, `PHP-FPM "execution timed out ... terminating" kills${killed.maxValue ? ` (after up to ${killed.maxValue} s)` : ''}`)];
      if (reset.count) evidence.push(span(reset, 'nginx "Connection reset by peer" errors: the killed requests\' 502s'));
      const arithmetic = [`request_terminate_timeout ${secs(termMs)} <= fastcgi_read_timeout ${secs(readMs)}: PHP-FPM gives up first, as it should`];
      if (execMs !== null && termMs) arithmetic.push(`max_execution_time ${secs(execMs)} ${execMs > termMs ? '>' : '<='} request_terminate_timeout ${secs(termMs)}${execMs > termMs ? ': PHP\'s own limit never fires; the worker is killed without a PHP error' : ''}`);
      out.push(finding({
        rule: 'timeouts.php_fpm_terminate', family: 'timeouts', server: 'php-fpm', severity: 'warning',
        title: `PHP-FPM request_terminate_timeout ${secs(termMs)} killed ${killed.count} requests`,
        limits: [term ? limitRef(term) : unknownRef('php-fpm', 'request_terminate_timeout', 'pool:'), ...(maxExec ? [limitRef(maxExec)] : [])],
        evidence, arithmetic,
        missing: maxExec ? [] : ['no php.ini given: max_execution_time (default 30 s, CPU time on Linux) is not compared'],
        recommendation: `These requests ran past ${secs(termMs)}: find them in the slowlog and make them faster; raise request_terminate_timeout only if such requests are legitimate, and keep it at most fastcgi_read_timeout (${secs(readMs)}).`,
        first: killed.first, last: killed.last, numbers: { request_terminate_timeout_s: termMs === null ? null : termMs / 1000, killed: killed.count, upstream_reset: reset.count },
      }));
    }
    return out;
  }
  if (!timeouts.count) return out;
  const disabled = sum(eventsOf(f, 'backend_disabled', 'nginx'));
  const none = sum(eventsOf(f, 'no_live_upstreams', 'nginx'));
  // an upstream's `server` lines repeat in one scope: every active one counts, not the effective last
  const servers = f.settings.filter((s) => s.server === 'nginx' && s.active && s.name === 'server' && s.scope.startsWith('upstream:'));
  const evidence = [span(timeouts, `"upstream timed out ... while reading response header" errors on ${timeouts.backends.join(', ')}`)];
  if (disabled.count) evidence.push(span(disabled, '"upstream server temporarily disabled" warnings (max_fails reached)'));
  if (none.count) evidence.push(span(none, '"no live upstreams" errors: every server disabled, each of these a 502 without trying'));
  const arithmetic = [`proxy_read_timeout ${secs(readMs)}: any response slower than that is a timeout, and counts as a failure towards max_fails`];
  for (const s of servers) {
    const m = /max_fails=(\d+)/.exec(s.value ?? '');
    const t = /fail_timeout=(\S+)/.exec(s.value ?? '');
    if (m || t) arithmetic.push(`${s.value}: ${m?.[1] ?? 1} failures within fail_timeout ${t?.[1] ?? '10s'} take the server out for fail_timeout`);
  }
  if (none.count) arithmetic.push(`${timeouts.count} timeouts -> ${disabled.count} disablings -> ${none.count} requests refused with no live upstream`);
  out.push(finding({
    rule: 'timeouts.nginx_proxy_read', family: 'timeouts', server: 'nginx', severity: 'critical',
    title: `nginx proxy_read_timeout ${secs(readMs)}: ${timeouts.count} upstream timeouts${none.count ? `, ${none.count} "no live upstreams"` : ''}`,
    limits: [read ? limitRef(read) : { ...unknownRef('nginx', 'proxy_read_timeout'), value: '60s', where: 'default', basis: 'default', doc: 'https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_read_timeout' },
      ...servers.map(limitRef)],
    evidence, arithmetic, missing: f.configured.has('nginx') ? [] : ['no nginx config given: proxy_read_timeout is taken as the default 60 s'],
    recommendation: `Set proxy_read_timeout above the slowest legitimate response of the route that timed out (it is ${secs(readMs)} now), or serve that route from its own location with its own timeout, so that slow responses do not mark the whole upstream down (max_fails / fail_timeout).`,
    first: timeouts.first, last: timeouts.last,
    numbers: { proxy_read_timeout_s: readMs / 1000, upstream_timeouts: timeouts.count, backend_disabled: disabled.count, no_live_upstreams: none.count },
  }));
  return out;
}

/** Varnish first_byte_timeout against the backend's own time (Apache Timeout) and what the logs show. */
export function varnishChain(f: Facts): Finding[] {
  const timeouts = sum(eventsOf(f, 'upstream_timeout', 'varnish'));
  if (!timeouts.count) return [];
  const fbt = setting(f, 'varnish', '.first_byte_timeout', 'backend:') ?? setting(f, 'varnish', 'first_byte_timeout');
  const fbtMs = ms(fbt) ?? 60_000;
  const apacheT = setting(f, 'apache', 'Timeout');
  const apacheMs = ms(apacheT);
  const arithmetic = [`first_byte_timeout ${secs(fbtMs)}: a backend response whose first byte takes longer is a 503`];
  if (apacheMs !== null) arithmetic.push(`Apache Timeout ${secs(apacheMs)} > ${secs(fbtMs)}: after Varnish gives up the Apache worker runs on, so the pool stays full for nobody`);
  return [finding({
    rule: 'timeouts.varnish_first_byte', family: 'timeouts', server: 'varnish', severity: 'critical',
    title: `Varnish first_byte_timeout ${secs(fbtMs)}: ${timeouts.count} backend fetches timed out`,
    limits: [fbt ? limitRef(fbt) : { ...unknownRef('varnish', 'first_byte_timeout'), value: '60s', where: 'default', basis: 'default', doc: 'varnishd -p first_byte_timeout (default 60 s)' },
      ...(apacheT ? [limitRef(apacheT)] : [])],
    evidence: [span(timeouts, '"first byte timeout" fetch errors')],
    arithmetic, missing: fbt ? [] : ['no VCL given: first_byte_timeout is taken as the default 60 s'],
    recommendation: `Keep first_byte_timeout above the slowest legitimate response plus the time it may queue behind a full pool; time spent waiting for an Apache worker counts against it. With ${fbt ? says(fbt) : 'first_byte_timeout 60 s (default)'}, requests that queue behind slow ones fail even when each is fast enough alone.`,
    first: timeouts.first, last: timeouts.last, numbers: { first_byte_timeout_s: fbtMs / 1000, apache_timeout_s: apacheMs === null ? null : apacheMs / 1000, fetch_timeouts: timeouts.count },
  })];
}

export function timeoutRules(f: Facts): Finding[] {
  return [...nginxChain(f), ...varnishChain(f)];
}
