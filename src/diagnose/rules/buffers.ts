// Buffers: a reverse proxy that reads the whole response from the backend before the client
// takes it. nginx keeps proxy_buffers in memory and spills the rest to a temp file (up to
// proxy_max_temp_file_size, then it stops reading the backend); lighttpd's mod_proxy keeps the
// whole response in memory unless server.stream-response-body says otherwise.
import { sizeBytes, count } from '../../config/values.js';
import type { Facts, Finding } from '../types.js';
import { edgeDemand, eventsOf, finding, limitRef, setting, span, sum, unknownRef } from './common.js';

const mib = (b: number | null) => (b === null ? '?' : `${Math.round(b / 1048576 * 10) / 10} MiB`);

export function nginxBuffering(f: Facts): Finding[] {
  const ev = sum(eventsOf(f, 'response_buffered_to_disk', 'nginx'));
  if (!ev.count) return [];
  const buffering = setting(f, 'nginx', 'proxy_buffering');
  const buffers = setting(f, 'nginx', 'proxy_buffers');
  const bufSize = setting(f, 'nginx', 'proxy_buffer_size');
  const maxTemp = setting(f, 'nginx', 'proxy_max_temp_file_size');
  const edge = edgeDemand(f);
  const arithmetic: string[] = [];
  // proxy_buffers is 'number size' ('4 4k'); the values parser reads each part
  const parts = buffers?.value?.trim().split(/\s+/) ?? [];
  const n = parts.length === 2 ? count(parts[0]) : null;
  const each = parts.length === 2 ? sizeBytes(parts[1], 'nginx') : null;
  const head = bufSize ? sizeBytes(bufSize.value, 'nginx') : null;
  if (n !== null && each !== null) arithmetic.push(`proxy_buffers ${n} x ${each} B${head !== null ? ` + proxy_buffer_size ${head} B` : ''} = ${n * each + (head ?? 0)} B in memory per response; the rest goes to a temp file`);
  const maxT = maxTemp ? sizeBytes(maxTemp.value, 'nginx') : 1024 ** 3;
  arithmetic.push(`proxy_max_temp_file_size ${maxTemp?.value ?? '1024m (default)'}: ${maxT === 0 ? 'no temp file: nginx reads the backend only as fast as the client' : `a response up to ${mib(maxT)} is spooled to disk while the client reads slowly`}`);
  const evidence = [span(ev, '"an upstream response is buffered to a temporary file" warnings')];
  if (edge?.maxBytes) evidence.push(`access log: ${edge.over1MiB} responses over 1 MiB in the window, the largest ${mib(edge.maxBytes)}`);
  return [finding({
    rule: 'buffers.nginx_proxy_temp_file', family: 'buffers', server: 'nginx', severity: 'warning',
    title: `nginx: ${ev.count} large responses buffered to temp files`,
    limits: [buffering ? limitRef(buffering) : { ...unknownRef('nginx', 'proxy_buffering'), value: 'on', where: 'default', basis: 'default', doc: 'https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_buffering' },
      ...[buffers, bufSize, maxTemp].filter((s) => s !== null).map((s) => limitRef(s!))],
    evidence, arithmetic, missing: f.configured.has('nginx') ? [] : ['no nginx config given: the buffer sizes are the defaults'],
    recommendation: 'Buffering frees the backend while slow clients download, at the cost of temp-file I/O: keep proxy_buffering on for the backend\'s sake, put proxy_temp_path on fast storage, and serve large files directly (X-Accel-Redirect, sendfile) instead of through the backend; proxy_max_temp_file_size 0 would hold a backend worker for the whole download.',
    first: ev.first, last: ev.last, numbers: { buffered_to_disk: ev.count, max_response_bytes: edge?.maxBytes ?? null, responses_over_1mib: edge?.over1MiB ?? null,
      proxy_buffers_bytes: n !== null && each !== null ? n * each : null, proxy_max_temp_file_size: maxT },
  })];
}

export function lighttpdProxyMemory(f: Facts): Finding[] {
  const proxied = f.effective.some((s) => s.server === 'lighttpd' && /(^|\/)proxy:/.test(s.scope) && !s.isDefault);
  if (!proxied) return [];
  const edge = edgeDemand(f);
  if (!edge?.maxBytes || edge.over1MiB === 0) return [];
  const stream = setting(f, 'lighttpd', 'server.stream-response-body');
  const mode = count(stream?.value ?? '0') ?? 0;
  if (mode !== 0) return [];
  return [finding({
    rule: 'buffers.lighttpd_proxy_memory', family: 'buffers', server: 'lighttpd', severity: 'warning',
    title: `lighttpd mod_proxy holds whole responses in memory (largest ${mib(edge.maxBytes)})`,
    limits: [stream ? limitRef(stream) : { ...unknownRef('lighttpd', 'server.stream-response-body'), value: '0', where: 'default', basis: 'default', doc: 'https://redmine.lighttpd.net/projects/lighttpd/wiki/Server_stream-response-bodyDetails' }],
    evidence: [`access log: ${edge.over1MiB} proxied responses over 1 MiB, the largest ${mib(edge.maxBytes)}`],
    arithmetic: [`with server.stream-response-body 0 each such response is held whole in lighttpd's memory until the client has it: ${edge.over1MiB} x up to ${mib(edge.maxBytes)}`],
    recommendation: 'Set server.stream-response-body = 2 (stream, read the backend only as fast as the client takes it) or 1 (stream, buffer to temp files), or serve large files without the proxy.',
    numbers: { responses_over_1mib: edge.over1MiB, max_response_bytes: edge.maxBytes, 'server.stream-response-body': mode },
  })];
}

export function bufferRules(f: Facts): Finding[] {
  return [...nginxBuffering(f), ...lighttpdProxyMemory(f)];
}
