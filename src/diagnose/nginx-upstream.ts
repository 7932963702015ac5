// nginx's `upstream { server ... }` lines as the replay's UpstreamModel: the marking of failed
// servers (max_fails, fail_timeout) is per server in nginx; the model takes one setting for all,
// and says so when the servers differ. Defaults as ngx_http_upstream_server() sets them:
// max_fails=1, fail_timeout=10s.
import type { UpstreamModel } from './replay.js';

/** nginx time: bare seconds, or with ms, s, m, h */
function nginxTimeMs(text: string): number | null {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
}

/**
 * `["127.0.0.1:18083 max_fails=3 fail_timeout=5s", ...]` (the parameters after `server`) and the
 * proxy_next_upstream value (nginx's default `error timeout`; `off` tries nothing again) -> the
 * model. Throws when a parameter cannot be read or the servers disagree (the model has one
 * setting for all of them).
 */
export function upstreamFromServers(servers: string[], proxyNextUpstream = 'error timeout'): UpstreamModel {
  const next = new Set(proxyNextUpstream.trim().split(/\s+/));
  let model: UpstreamModel | null = null;
  for (const line of servers) {
    let maxFails = 1;
    let failTimeoutMs = 10_000;
    for (const word of line.trim().replace(/;$/, '').split(/\s+/).slice(1)) {
      const [k, v] = word.split('=');
      if (k === 'max_fails') {
        if (!/^\d+$/.test(v ?? '')) throw new Error(`upstream server ${line}: max_fails=${v}`);
        maxFails = Number(v);
      } else if (k === 'fail_timeout') {
        const ms = nginxTimeMs(v ?? '');
        if (ms === null) throw new Error(`upstream server ${line}: fail_timeout=${v}`);
        failTimeoutMs = ms;
      }
    }
    if (model && (model.maxFails !== maxFails || model.failTimeoutMs !== failTimeoutMs)) {
      throw new Error('upstream servers with different max_fails/fail_timeout: the replay takes one setting for all');
    }
    model = { maxFails, failTimeoutMs, nextOnError: next.has('error'), nextOnTimeout: next.has('timeout') };
  }
  if (!model) throw new Error('upstream: no server');
  return model;
}
