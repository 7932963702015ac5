// The benchmark's log shapes (issue #14): one table of what each shape is, the nginx log_format
// overload is given, the format GoAccess is given for the same access log, and how to write it.
// Every generator is seeded (the same lines on every machine) and streams to disk, so 10M lines
// cost no more memory than 10k. A generated shape is kept in bench-data/ with a manifest written
// last, so an interrupted generation is never mistaken for a finished one.
// A changed generator does not invalidate what is kept: delete bench-data/ after changing one.
import { createReadStream, createWriteStream, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BENCH_LOG_FORMAT, generateLog } from './generate-log.js';
import { generateMixed } from './shape-mixed.js';
import { TRAFFIC_GOACCESS_FORMAT, TRAFFIC_LOG_FORMAT, generateTraffic, siteRate } from './shape-traffic.js';

/** GoAccess's reading of BENCH_LOG_FORMAT (the `short` and `botnet` shapes). */
const BENCH_GOACCESS_FORMAT = '%h - %^ [%d:%t %^] "%r" %s %b %^ "%R" "%u" rt=%T %^';

export interface GeneratedShape {
  /** the access log: what overload is given with --log-format, and what GoAccess reads */
  access: string;
  accessLines: number;
  /** other logs of the same hours, ingested by detection in a second command (`mixed`) */
  others: string[];
  otherLines: number;
}

export interface Shape {
  name: string;
  /** one line for the table's reader */
  summary: string;
  logFormat: string;
  goaccessFormat: string;
  /** writes the shape's files for `lines` access log lines, their names starting with `prefix` */
  write(prefix: string, lines: number): Promise<Omit<GeneratedShape, 'accessLines'>>;
}

const DAY = 1440;

/** `short`'s log with line n's client replaced by the n-th address of 10.0.0.0/8 (and, with `oneMinute`, every stamp moved into its first minute, in order). */
async function botnet(prefix: string, lines: number, oneMinute: boolean): Promise<string> {
  const short = `${prefix}-short.log`;
  await generateLog(short, lines);
  const out = `${prefix}.log`;
  const w = createWriteStream(out, { highWaterMark: 1 << 20 });
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(short), crlfDelay: Infinity })) {
    n++;
    let rest = line.slice(line.indexOf(' '));
    if (oneMinute) {
      // "[22/Nov/2026:09:00:00 +0000]": the seconds field follows the hour and minute
      const at = rest.indexOf('[');
      const sec = String(Math.floor(((n - 1) * 60) / lines)).padStart(2, '0');
      rest = rest.slice(0, at + 13) + '09:00:' + sec + rest.slice(at + 21);
    }
    if (!w.write(`10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}${rest}\n`)) await once(w, 'drain');
  }
  w.end();
  await once(w, 'finish');
  rmSync(short);
  return out;
}

const daySpike: [number, number] = [14 * 60 + 10, 14 * 60 + 30];
const weekSpike: [number, number] = [2 * DAY + 14 * 60 + 10, 2 * DAY + 14 * 60 + 30];

export const SHAPES: readonly Shape[] = [
  {
    name: 'short', summary: '~2,000 req/s (8 min at 1M lines), 16 routes, 4 user agents (the original benchmark log)',
    logFormat: BENCH_LOG_FORMAT, goaccessFormat: BENCH_GOACCESS_FORMAT,
    write: async (prefix, lines) => ({ access: (await generateLog(`${prefix}.log`, lines)).path, others: [], otherLines: 0 }),
  },
  {
    name: 'day', summary: '24 h diurnal curve, 236 route templates, 60k-client Zipf population, 312 user agents, huge bodies, 60 s timeouts, a 20-min 5xx spike',
    logFormat: TRAFFIC_LOG_FORMAT, goaccessFormat: TRAFFIC_GOACCESS_FORMAT,
    write: async (prefix, lines) => {
      await generateTraffic(`${prefix}.log`, lines, { seed: 1, start: Date.UTC(2026, 10, 24), minutes: DAY, spike: daySpike,
        rate: siteRate(daySpike, 1), spikeErrors: 0.3, clients: 60_000, upstreams: ['10.0.1.11:8080', '10.0.1.12:8080'] });
      return { access: `${prefix}.log`, others: [], otherLines: 0 };
    },
  },
  {
    name: 'week', summary: 'the day shape over 7 days from a Monday: Monday peak, quieter weekend, a spike on Wednesday',
    logFormat: TRAFFIC_LOG_FORMAT, goaccessFormat: TRAFFIC_GOACCESS_FORMAT,
    write: async (prefix, lines) => {
      await generateTraffic(`${prefix}.log`, lines, { seed: 2, start: Date.UTC(2026, 10, 23), minutes: 7 * DAY, spike: weekSpike,
        rate: siteRate(weekSpike), spikeErrors: 0.3, clients: 150_000, upstreams: ['10.0.1.11:8080', '10.0.1.12:8080'] });
      return { access: `${prefix}.log`, others: [], otherLines: 0 };
    },
  },
  {
    name: 'botnet', summary: 'the short log with a different client on every line',
    logFormat: BENCH_LOG_FORMAT, goaccessFormat: BENCH_GOACCESS_FORMAT,
    write: async (prefix, lines) => ({ access: await botnet(prefix, lines, false), others: [], otherLines: 0 }),
  },
  {
    name: 'scanner', summary: '3 h, 95% of lines a scanner walking distinct paths (mostly 404) from 3 addresses, 5% site traffic',
    logFormat: TRAFFIC_LOG_FORMAT, goaccessFormat: TRAFFIC_GOACCESS_FORMAT,
    write: async (prefix, lines) => {
      await generateTraffic(`${prefix}.log`, lines, { seed: 3, start: Date.UTC(2026, 10, 27, 1), minutes: 180, spike: [0, 0],
        rate: () => 1, spikeErrors: 0, clients: 5_000, scanner: 0.95, upstreams: ['10.0.1.11:8080'] });
      return { access: `${prefix}.log`, others: [], otherLines: 0 };
    },
  },
  {
    name: 'mixed', summary: '3 h of a PHP shop with a 20-min PHP-FPM saturation: access log + nginx error log + PHP-FPM error log and slowlog',
    logFormat: TRAFFIC_LOG_FORMAT, goaccessFormat: TRAFFIC_GOACCESS_FORMAT,
    write: async (prefix, lines) => {
      const m = await generateMixed(prefix, lines);
      return { access: m.access, others: [m.nginxError, m.fpmError, m.fpmSlow], otherLines: m.otherLines };
    },
  },
  {
    name: 'botnet-minute', summary: 'the botnet log with every stamp in one minute (not part of `all`)',
    logFormat: BENCH_LOG_FORMAT, goaccessFormat: BENCH_GOACCESS_FORMAT,
    write: async (prefix, lines) => ({ access: await botnet(prefix, lines, true), others: [], otherLines: 0 }),
  },
];

/** The shapes `--shape all` runs. */
export const ALL_SHAPES = ['short', 'day', 'week', 'botnet', 'scanner', 'mixed'];

export function findShape(name: string): Shape {
  const s = SHAPES.find((x) => x.name === name);
  if (!s) throw new Error(`unknown shape ${JSON.stringify(name)} (known: ${SHAPES.map((x) => x.name).join(', ')}, all)`);
  return s;
}

/** The shape's files for `lines` access lines in `dir`, generated unless a finished set is there. */
export async function shapeFiles(dir: string, shape: Shape, lines: number): Promise<GeneratedShape> {
  const prefix = join(dir, `${shape.name}-${lines}`);
  const manifest = `${prefix}.json`;
  if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')) as GeneratedShape;
  const g = { ...(await shape.write(prefix, lines)), accessLines: lines };
  writeFileSync(manifest + '.tmp', JSON.stringify(g));
  renameSync(manifest + '.tmp', manifest);
  return g;
}
