// A site's access log over hours or days, streamed to disk: the `day`, `week`, `scanner` and
// `mixed` benchmark shapes. The arrival rate follows a per-minute weight curve (night, morning
// ramp, evening peak, a weekly rhythm) with a spike whose requests fail with 502/503/504; clients,
// paths, user agents and referers are drawn Zipf-like from shape-vocab.ts; rare downloads send
// tens of MB and rare requests wait out a 60 s upstream timeout. Deterministic (seeded), and the
// memory is the minute table, whatever the line count.
import { createWriteStream, type WriteStream } from 'node:fs';
import { AGENTS, DOWNLOAD_ROUTE, ROUTES, clientAddress, fillPath, referer } from './shape-vocab.js';
import { rng, zipf } from './random.js';

/** The nginx log_format of these shapes: request and upstream times, as GoAccess can read too. */
export const TRAFFIC_LOG_FORMAT =
  `'$remote_addr - $remote_user [$time_local] "$request" ' ` +
  `'$status $body_bytes_sent "$http_referer" "$http_user_agent" ' ` +
  `'rt=$request_time urt="$upstream_response_time" ua="$upstream_addr" us="$upstream_status"'`;
/** The same format for GoAccess (%T: the request time in seconds). */
export const TRAFFIC_GOACCESS_FORMAT = '%h - %^ [%d:%t %^] "%r" %s %b "%R" "%u" rt=%T %^';

/** One generated request, for shapes that write other logs beside the access log (`mixed`). */
export interface Request {
  ms: number;
  client: string;
  method: string;
  url: string;
  status: number;
  /** upstream response time, s (null: served by nginx) */
  upstreamS: number | null;
}

export interface TrafficProfile {
  seed: number;
  /** first minute, ms since the epoch (UTC) */
  start: number;
  minutes: number;
  /** relative arrival rate of minute m (spike included) */
  rate(minute: number): number;
  /** [from, to) in minutes: requests here fail with 5xx and are slower */
  spike: [number, number];
  /** share of 5xx inside the spike */
  spikeErrors: number;
  /** distinct clients in the population (the tail is Zipf-like) */
  clients: number;
  /** share of lines from a vulnerability scanner walking distinct paths */
  scanner?: number;
  /** the upstream(s) behind nginx */
  upstreams: string[];
  /** called for each request after its line is written (the `mixed` shape's other logs) */
  onRequest?: (r: Request) => void;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

export function clf(ms: number): string {
  const d = new Date(ms);
  return `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}

/** Relative traffic by hour of day (0-23): quiet night, morning ramp, lunch, evening peak. */
const HOURLY = [0.30, 0.20, 0.14, 0.11, 0.10, 0.12, 0.22, 0.40, 0.62, 0.75, 0.80, 0.82,
  0.85, 0.80, 0.78, 0.76, 0.78, 0.82, 0.90, 0.97, 1.00, 0.92, 0.70, 0.45];
/** Relative traffic by weekday, Monday first: a Monday peak, a lower weekend. */
const WEEKDAY = [1.25, 1.05, 1.0, 1.0, 0.95, 0.6, 0.55];

/** The diurnal curve at minute-of-day m, linear between hourly points. */
export function diurnal(m: number): number {
  const h = (m / 60) % 24;
  const i = Math.floor(h);
  return HOURLY[i] + (HOURLY[(i + 1) % 24] - HOURLY[i]) * (h - i);
}

/** `day`/`week` rate: diurnal x weekday (`firstDay` 0 = the log starts on a Monday), x4 inside the spike. */
export function siteRate(spike: [number, number], firstDay = 0): (m: number) => number {
  return (m) => diurnal(m % 1440) * WEEKDAY[(firstDay + Math.floor(m / 1440)) % 7] * (m >= spike[0] && m < spike[1] ? 4 : 1);
}

// A scanner's word lists: 100 directories x 500 names x 20 extensions = a million distinct paths.
const SCAN_DIRS = ['admin', 'wp-admin', 'wp-content/plugins', 'wp-includes', 'backup', 'backups', 'old', 'new', 'test', 'tmp',
  'cgi-bin', 'phpmyadmin', 'pma', 'mysql', 'db', 'sql', 'api', 'v1', 'v2', 'private', 'config', 'conf', 'include', 'inc',
  'uploads', 'files', 'download', 'data', 'logs', 'log', 'debug', 'dev', 'staging', 'vendor', 'lib', 'src', 'app', 'bin',
  'scripts', 'static', 'assets', 'js', 'css', 'images', 'img', 'cache', 'install', 'setup', 'system', 'user', 'users',
  'account', 'login', 'panel', 'cpanel', 'webmail', 'mail', 'server-status', 'console', 'manager', 'jenkins', 'solr',
  'actuator', 'druid', 'nacos', 'jmx-console', 'web-console', 'owa', 'ecp', 'autodiscover', 'remote', 'xmlrpc', 'rest',
  'graphql', 'swagger', 'docs', 'portal', 'shop', 'store', 'cms', 'blog', 'forum', 'wiki', 'support', 'help', 'service',
  'services', 'internal', 'secret', 'secure', 'ssl', 'keys', 'git', 'svn', 'env', 'etc', 'var', 'home', 'root', 'www'];
const SCAN_WORDS = ['index', 'config', 'settings', 'database', 'db', 'dump', 'backup', 'site', 'web', 'admin', 'login',
  'info', 'phpinfo', 'test', 'shell', 'cmd', 'upload', 'readme', 'license', 'changelog', 'install', 'setup', 'wp-config',
  'credentials', 'secrets', 'passwords', 'users', 'id_rsa', 'server', 'app', 'main', 'default', 'home', 'status', 'debug',
  'console', 'api', 'auth', 'token', 'key', 'old', 'new', 'copy', 'temp', 'tmp', 'local', 'prod', 'dev', 'stage', 'data'];
const SCAN_SUFFIXES = ['', '1', '2', '_old', '_bak', '-backup', '.orig', '~', '_2023', '_2024'];
const SCAN_EXTS = ['php', 'bak', 'sql', 'zip', 'tar.gz', 'txt', 'env', 'json', 'yml', 'xml', 'ini', 'log', 'conf', 'old',
  'asp', 'aspx', 'jsp', 'cgi', 'html', 'swp'];
const SCAN_AGENTS = ['Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))',
  'Mozilla/5.0 zgrab/0.x', 'Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0'];

/** The n-th path of the scanner's walk: distinct for the first million, then the walk repeats under /.v{round}. */
export function scanPath(n: number): string {
  const words = SCAN_WORDS.length * SCAN_SUFFIXES.length;
  const dir = SCAN_DIRS[n % SCAN_DIRS.length];
  const w = Math.floor(n / SCAN_DIRS.length) % words;
  const ext = SCAN_EXTS[Math.floor(n / (SCAN_DIRS.length * words)) % SCAN_EXTS.length];
  const round = Math.floor(n / (SCAN_DIRS.length * words * SCAN_EXTS.length));
  const name = SCAN_WORDS[w % SCAN_WORDS.length] + SCAN_SUFFIXES[Math.floor(w / SCAN_WORDS.length)];
  return `${round ? `/.v${round}` : ''}/${dir}/${name}.${ext}`;
}

/** Route popularity: Zipf over the templates, so a few pages carry most requests. */
function pickRoute(rand: () => number): (typeof ROUTES)[number] {
  return ROUTES[zipf(rand, ROUTES.length, 1.05) - 1];
}

async function flush(out: WriteStream, buf: string): Promise<void> {
  if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
}

/** Writes `lines` access log lines following `profile`. */
export async function generateTraffic(path: string, lines: number, profile: TrafficProfile): Promise<void> {
  const rand = rng(profile.seed);
  // Cumulative weights of the minutes: line i lands where the cumulative curve reaches (i + 0.5) / lines.
  const cum = new Float64Array(profile.minutes + 1);
  for (let m = 0; m < profile.minutes; m++) cum[m + 1] = cum[m] + profile.rate(m);
  const total = cum[profile.minutes];
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const sitePath = () => fillPath(pickRoute(rand).template, rand);
  let minute = 0;
  let scanned = 0;
  let buf = '';
  for (let i = 0; i < lines; i++) {
    const target = ((i + 0.5) / lines) * total;
    while (minute < profile.minutes - 1 && cum[minute + 1] < target) minute++;
    const frac = (target - cum[minute]) / (cum[minute + 1] - cum[minute] || 1);
    const ms = profile.start + Math.floor((minute + frac) * 60_000);
    const inSpike = minute >= profile.spike[0] && minute < profile.spike[1];
    let req: Request;
    let line: string;
    if (profile.scanner !== undefined && rand() < profile.scanner) {
      // a scanner from a few addresses, each walking its word list for a while
      const n = scanned++;
      const client = `203.0.113.${1 + (Math.floor(n / 50_000) % 3)}`;
      const u = rand();
      const status = u < 0.92 ? 404 : u < 0.96 ? 403 : u < 0.98 ? 301 : 200;
      const url = scanPath(n);
      const bytes = status === 404 ? 153 : status === 403 ? 146 : status === 301 ? 162 : 1024 + Math.floor(rand() * 4000);
      req = { ms, client, method: 'GET', url, status, upstreamS: null };
      line = `${client} - - [${clf(ms)}] "GET ${url} HTTP/1.1" ${status} ${bytes} "-" "${SCAN_AGENTS[Math.floor(n / 50_000) % 3]}"` +
        ` rt=${(0.0002 + rand() * 0.001).toFixed(3)} urt="-" ua="-" us="-"\n`;
    } else {
      const client = clientAddress(zipf(rand, profile.clients, 1));
      // one line in 2,500 downloads tens of MB: on a schedule rather than by chance, so that even a
      // few thousand lines have one
      const huge = i % 2500 === 1234;
      const route = huge ? { template: DOWNLOAD_ROUTE, isStatic: false } : pickRoute(rand);
      let url = fillPath(route.template, rand);
      if (!route.isStatic && !huge && rand() < 0.2) url += `?page=${zipf(rand, 40, 1.2)}&sort=${rand() < 0.5 ? 'price' : 'new'}`;
      const method = route.template.startsWith('/api/') && rand() < 0.25 ? 'POST' : rand() < 0.005 ? 'HEAD' : 'GET';
      let status = 200;
      let upstreamS: number | null = null;
      let rt: number;
      let bytes: number;
      let us = '-';
      let ua = '-';
      if (route.isStatic) {
        status = rand() < 0.15 ? 304 : 200;
        bytes = status === 304 ? 0 : Math.floor(2000 + rand() * 180_000);
        rt = 0.0001 + rand() * 0.002;
      } else {
        ua = profile.upstreams[Math.floor(rand() * profile.upstreams.length)];
        // an exponential service time, a 1% tail of 1-5 s, five times slower in the spike
        upstreamS = (0.004 + -Math.log(1 - rand()) * 0.04) * (inSpike ? 5 : 1) + (rand() < 0.01 ? 1 + rand() * 4 : 0);
        const fail = inSpike && !huge ? rand() < profile.spikeErrors : false;
        const timeout = huge ? false : inSpike ? fail && rand() < 0.4 : rand() < 1 / 1500;
        if (timeout) {
          status = 504;
          upstreamS = 60 + rand() * 0.005;
        } else if (fail) {
          status = rand() < 0.6 ? 502 : 503;
          if (status === 502) upstreamS = rand() * 0.002;
        } else if (!huge) {
          const u = rand();
          status = u < 0.015 ? 404 : u < 0.02 ? 301 : u < 0.021 ? 500 : u < 0.03 && method === 'POST' ? 201 : 200;
        }
        us = String(status);
        bytes = status >= 500 ? 150 + Math.floor(rand() * 400) : status === 301 ? 0 : Math.floor(Math.exp(6 + rand() * 5));
        if (huge) {
          bytes = Math.floor((10 + rand() * 70) * 1_000_000);
          upstreamS = 0.05 + rand() * 0.2;
        }
        rt = upstreamS + rand() * 0.002 + (huge ? bytes / 4_000_000 : 0);
      }
      const agent = AGENTS[zipf(rand, AGENTS.length, 1.1) - 1];
      req = { ms, client, method, url, status, upstreamS };
      line = `${client} - - [${clf(ms)}] "${method} ${url} HTTP/1.1" ${status} ${bytes} "${referer(rand, sitePath)}" "${agent}"` +
        ` rt=${rt.toFixed(3)} urt="${upstreamS === null ? '-' : upstreamS.toFixed(3)}" ua="${ua}" us="${us}"\n`;
    }
    buf += line;
    profile.onRequest?.(req);
    if (buf.length > 1 << 20) {
      await flush(out, buf);
      buf = '';
    }
  }
  out.write(buf);
  await new Promise<void>((r) => out.end(r));
}
