// A realistic nginx access log for benchmarks: the `upstream_timing` log_format of the bundled
// nginx incidents, Zipf-distributed routes with ids, upstream retries and redirects, and a
// traffic spike with errors in the middle. Deterministic (seeded) so runs compare.
import { createWriteStream } from 'node:fs';
import { rng } from './random.js';

export const BENCH_LOG_FORMAT =
  `'$remote_addr - $remote_user [$time_local] "$request" ' ` +
  `'$status $body_bytes_sent $bytes_sent "$http_referer" "$http_user_agent" ' ` +
  `'rt=$request_time uct="$upstream_connect_time" uht="$upstream_header_time" ' ` +
  `'urt="$upstream_response_time" ua="$upstream_addr" us="$upstream_status" ' ` +
  `'ucs="$upstream_cache_status" conn=$connection reqs=$connection_requests'`;

const ROUTES = [
  '/', '/api/user/{id}', '/api/orders/{id}/items', '/product/{id}', '/search', '/static/app.{hex}.js',
  '/api/cart', '/login', '/report/{id}.pdf', '/api/session/{token}', '/img/{id}.jpg', '/checkout',
  '/api/inventory/{id}', '/feed.xml', '/download/{uuid}', '/health',
];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
  'curl/7.88.1', 'Googlebot/2.1 (+http://www.google.com/bot.html)',
];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function clf(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export interface GeneratedLog {
  path: string;
  lines: number;
  spikeStart: number;
  spikeEnd: number;
}

/** Writes `lines` lines spread at ~`rps` requests/s, with a 3x spike in the middle tenth. */
export async function generateLog(path: string, lines: number, rps = 2000): Promise<GeneratedLog> {
  const rand = rng(42);
  const zipf = ROUTES.map((_, i) => 1 / (i + 1));
  const total = zipf.reduce((a, b) => a + b, 0);
  const pick = () => {
    let x = rand() * total;
    for (let i = 0; i < zipf.length; i++) if ((x -= zipf[i]) <= 0) return ROUTES[i];
    return ROUTES[0];
  };
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const start = Date.UTC(2026, 10, 22, 9, 0, 0);
  const spikeStart = Math.floor(lines * 0.45);
  const spikeEnd = Math.floor(lines * 0.55);
  let t = start;
  let spikeStartTs = 0, spikeEndTs = 0;
  let buf = '';
  for (let i = 0; i < lines; i++) {
    const inSpike = i >= spikeStart && i < spikeEnd;
    t += (inSpike ? 1000 / (rps * 3) : 1000 / rps) * (0.5 + rand());
    if (i === spikeStart) spikeStartTs = t;
    if (i === spikeEnd) spikeEndTs = t;
    const route = pick();
    const url = route
      .replace('{id}', String(1 + Math.floor(rand() * 100000)))
      .replace('{hex}', Math.floor(rand() * 0xffffffff).toString(16).padStart(8, '0') + 'abcdef12')
      .replace('{token}', 'A1b2C3d4E5f6G7h8I9j0K' + Math.floor(rand() * 1e6))
      .replace('{uuid}', '123e4567-e89b-12d3-a456-' + String(Math.floor(rand() * 1e12)).padStart(12, '0'))
      + (rand() < 0.3 ? `?page=${Math.floor(rand() * 50)}&q=x` : '');
    const slow = inSpike ? 4 : 1;
    const upstream = route.startsWith('/static') || route.startsWith('/img') ? null : (0.002 + rand() * 0.08) * slow;
    let status = 200;
    let urt: string, ua: string, us: string, uct: string, uht: string;
    if (upstream === null) {
      urt = '-'; ua = '-'; us = '-'; uct = '-'; uht = '-';
    } else if (inSpike && rand() < 0.15) {
      // retried on the next server after a timeout
      status = rand() < 0.5 ? 504 : 502;
      urt = `1.000, ${(upstream).toFixed(3)}`; ua = '10.0.0.11:8080, 10.0.0.12:8080'; us = `504, ${status}`;
      uct = '0.000, 0.001'; uht = `-, ${(upstream * 0.9).toFixed(3)}`;
    } else if (rand() < 0.02) {
      // internal redirect
      urt = `${(upstream / 2).toFixed(3)} : ${(upstream / 2).toFixed(3)}`; ua = '10.0.0.11:8080 : 10.0.0.12:8080';
      us = '302 : 200'; uct = '0.000 : 0.000'; uht = `${(upstream / 3).toFixed(3)} : ${(upstream / 3).toFixed(3)}`;
    } else {
      urt = upstream.toFixed(3); ua = rand() < 0.5 ? '10.0.0.11:8080' : '10.0.0.12:8080'; us = '200';
      uct = '0.000'; uht = (upstream * 0.9).toFixed(3);
    }
    if (status === 200 && rand() < 0.01) status = 404;
    const rt = ((upstream ?? 0.0005) + rand() * 0.002 + (rand() < 0.001 ? 5 : 0)).toFixed(3);
    const bytes = Math.floor(200 + rand() * 30000);
    const ip = rand() < 0.05 ? `2001:db8::${Math.floor(rand() * 65535).toString(16)}` : `192.0.2.${Math.floor(rand() * 254) + 1}`;
    buf += `${ip} - - [${clf(t)}] "GET ${url} HTTP/1.1" ${status} ${bytes} ${bytes + 210} "-" "${AGENTS[i % AGENTS.length]}"` +
      ` rt=${rt} uct="${uct}" uht="${uht}" urt="${urt}" ua="${ua}" us="${us}" ucs="-" conn=${i % 5000} reqs=${1 + (i % 7)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise<void>((r) => out.end(r));
  return { path, lines, spikeStart: spikeStartTs, spikeEnd: spikeEndTs };
}
