// The `mixed` benchmark shape: an incident seen by several sources at once. Three hours of a PHP
// shop's nginx access log with a 20-minute saturation of its PHP-FPM pool, and beside it what
// nginx and PHP-FPM wrote about the same requests: nginx's error log (connect() EAGAIN for a
// 502, upstream timed out for a 504), PHP-FPM's error log (max_children reached, slow requests
// traced, a 60 s request killed and its child respawned) and its slowlog (an entry with a stack
// per traced request). The wordings and layouts are those of the real lines in
// fixtures/incidents/3-nginx-phpfpm-max-children.
import { createWriteStream, type WriteStream } from 'node:fs';
import { rng } from './random.js';
import { generateTraffic, type Request } from './shape-traffic.js';

const SOCK = 'unix:/run/php/php8.2-fpm-www.sock';
const ROOT = '/var/www/shop/public';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** nginx error log stamp: `2026/11/26 09:31:02` */
function nginxStamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

/** PHP-FPM stamp: `26-Nov-2026 09:31:02` */
function fpmStamp(ms: number): string {
  const d = new Date(ms);
  return `${p2(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

// Stacks of a PHP application waiting on its backends, innermost first, as the slowlog prints them.
const STACKS: Array<Array<[string, string, number]>> = [
  [['PDOStatement->execute', '/src/Db/Connection.php', 88], ['App\\Repository\\OrderRepository->findByCustomer', '/src/Repository/OrderRepository.php', 41],
    ['App\\Controller\\OrderController->history', '/src/Controller/OrderController.php', 57], ['App\\Kernel->handle', '/src/Kernel.php', 112], ['{main}', '/public/index.php', 20]],
  [['curl_exec', '/vendor/guzzlehttp/guzzle/src/Handler/CurlHandler.php', 44], ['GuzzleHttp\\Client->send', '/vendor/guzzlehttp/guzzle/src/Client.php', 123],
    ['App\\Payment\\Gateway->authorize', '/src/Payment/Gateway.php', 66], ['App\\Controller\\CheckoutController->pay', '/src/Controller/CheckoutController.php', 90],
    ['App\\Kernel->handle', '/src/Kernel.php', 112], ['{main}', '/public/index.php', 20]],
  [['usleep', '/src/Cache/Lock.php', 31], ['App\\Cache\\Lock->acquire', '/src/Cache/Lock.php', 29], ['App\\Catalog\\PriceIndex->rebuild', '/src/Catalog/PriceIndex.php', 140],
    ['App\\Controller\\ProductController->show', '/src/Controller/ProductController.php', 38], ['App\\Kernel->handle', '/src/Kernel.php', 112], ['{main}', '/public/index.php', 20]],
];

export interface MixedFiles {
  access: string;
  nginxError: string;
  fpmError: string;
  fpmSlow: string;
  /** lines written to each of the other three */
  otherLines: number;
}

/** A buffered writer that waits for the disk when its buffer is full. */
class Sink {
  private buf = '';
  readonly out: WriteStream;
  lines = 0;
  constructor(path: string) {
    this.out = createWriteStream(path, { highWaterMark: 1 << 20 });
  }
  add(text: string, lines: number): void {
    this.buf += text;
    this.lines += lines;
    if (this.buf.length > 1 << 18) {
      // onRequest is synchronous: the traffic generator awaits its own drains, which bounds ours
      this.out.write(this.buf);
      this.buf = '';
    }
  }
  async close(): Promise<void> {
    this.out.write(this.buf);
    await new Promise<void>((r) => this.out.end(r));
  }
}

/** Writes the four logs of `lines` access lines (the others follow from the requests). */
export async function generateMixed(prefix: string, lines: number): Promise<MixedFiles> {
  const files = { access: `${prefix}-access.log`, nginxError: `${prefix}-nginx-error.log`, fpmError: `${prefix}-php-fpm-error.log`, fpmSlow: `${prefix}-php-fpm-slow.log` };
  const rand = rng(7);
  const nginxError = new Sink(files.nginxError);
  const fpmError = new Sink(files.fpmError);
  const fpmSlow = new Sink(files.fpmSlow);
  const start = Date.UTC(2026, 10, 26, 8, 0, 0);
  const spike: [number, number] = [90, 110];
  let conn = 100_000;
  let nextChild = 4200;
  let lastFpm = start;
  let lastMaxChildren = 0;
  // The stamps of each log only move forward, as a log written in order does.
  const fpmAt = (ms: number) => (lastFpm = Math.max(lastFpm, ms));
  fpmError.add(`[${fpmStamp(start - 300_000)}] NOTICE: fpm is running, pid 4100\n[${fpmStamp(start - 300_000)}] NOTICE: ready to handle connections\n`, 2);
  const onRequest = (r: Request) => {
    conn++;
    const worker = 4101 + (conn % 4);
    const request = `${r.method} ${r.url} HTTP/1.1`;
    const tail = `client: ${r.client}, server: shop.example.com, request: "${request}", upstream: "fastcgi://${SOCK}:", host: "shop.example.com"`;
    if (r.status === 502 && r.upstreamS !== null) {
      nginxError.add(`${nginxStamp(r.ms)} [error] ${worker}#${worker}: *${conn} connect() to ${SOCK} failed (11: Resource temporarily unavailable) while connecting to upstream, ${tail}\n`, 1);
      if (r.ms - lastMaxChildren > 30_000) {
        lastMaxChildren = r.ms;
        fpmError.add(`[${fpmStamp(fpmAt(r.ms))}] WARNING: [pool www] server reached pm.max_children setting (50), consider raising it\n`, 1);
      }
    } else if (r.status === 504) {
      nginxError.add(`${nginxStamp(r.ms)} [error] ${worker}#${worker}: *${conn} upstream timed out (110: Connection timed out) while reading response header from upstream, ${tail}\n`, 1);
    }
    if (r.upstreamS === null || r.upstreamS < 1) return;
    // request_slowlog_timeout = 1s: PHP-FPM traces the child one second into the request
    const child = 4101 + Math.floor(rand() * 50);
    const traced = fpmAt(r.ms - r.upstreamS * 1000 + 1000);
    const script = `${ROOT}/index.php`;
    const path = r.url.split('?')[0];
    fpmError.add(`[${fpmStamp(traced)}] WARNING: [pool www] child ${child}, script '${script}' (request: "${r.method} /index.php${path === '/' ? '' : `?route=${path}`}") executing too slow (${(1 + rand() * 0.05).toFixed(6)} sec), logging\n` +
      `[${fpmStamp(traced)}] NOTICE: child ${child} stopped for tracing\n[${fpmStamp(traced)}] NOTICE: about to trace ${child}\n[${fpmStamp(traced)}] NOTICE: finished trace of ${child}\n`, 4);
    const stack = STACKS[Math.floor(rand() * STACKS.length)];
    let addr = 0x7f3a1c213350 - Math.floor(rand() * 16) * 0x70;
    const frames = stack.map(([fn, file, line]) => `[0x0000${(addr -= 0x70).toString(16)}] ${fn}() ${ROOT.replace('/public', '')}${file}:${line}\n`).join('');
    fpmSlow.add(`\n[${fpmStamp(traced)}]  [pool www] pid ${child}\nscript_filename = ${script}\n${frames}`, 3 + stack.length);
    if (r.status === 504 && rand() < 0.25) {
      // request_terminate_timeout = 60s: the child is killed and the pool forks a new one
      const killed = fpmAt(r.ms);
      fpmError.add(`[${fpmStamp(killed)}] WARNING: [pool www] child ${child}, script '${script}' (request: "${r.method} /index.php") execution timed out (${(60 + rand() * 0.02).toFixed(6)} sec), terminating\n` +
        `[${fpmStamp(killed)}] WARNING: [pool www] child ${child} exited on signal 15 (SIGTERM) after ${(60 + rand() * 3000).toFixed(6)} seconds from start\n` +
        `[${fpmStamp(killed)}] NOTICE: [pool www] child ${nextChild++} started\n`, 3);
    }
  };
  await generateTraffic(files.access, lines, {
    seed: 11, start, minutes: 180, spike, spikeErrors: 0.35, clients: 20_000, upstreams: [SOCK], onRequest,
    rate: (m) => (0.6 + m / 300) * (m >= spike[0] && m < spike[1] ? 3 : 1),
  });
  await Promise.all([nginxError.close(), fpmError.close(), fpmSlow.close()]);
  return { ...files, otherLines: nginxError.lines + fpmError.lines + fpmSlow.lines };
}
