// Process tables with RSS: `ps aux`, `ps -eo pid,rss,comm,args`, `ps -o pid,rss,comm -C php-fpm8.2`
// (any column set with PID and RSS), one or many a file, each placed by the line before it
// (parsers/snapshot.ts). Summed per process name at the table's end into `samples`, snapshot
// 'ps', subject the name (the COMM column, else the command's first word without its path and a
// trailing ':', so `php-fpm: pool www` counts as php-fpm): processes, rss_kb (the largest one's:
// a per-process figure, what the pool's size must be multiplied by), rss_kb_avg, rss_kb_sum.
import { snapshotParser, type BodyResult, type Figures, type SnapshotBody } from './snapshot.js';
import type { FormatDefinition, FormatSample, ParserOptions } from './types.js';

const HEAD_RE = /^\s*(?:[A-Z%]+\s+)*PID\s+(?:[A-Z%]+\s+)*RSS(?:\s+[A-Z%]+)*\s*$|^\s*(?:[A-Z%]+\s+)*RSS\s+(?:[A-Z%]+\s+)*PID(?:\s+[A-Z%]+)*\s*$/;
const TAIL_COLUMNS = new Set(['COMMAND', 'CMD', 'ARGS']);

export function createPsBody(): SnapshotBody {
  let columns: string[] | null = null;
  let sums = new Map<string, { n: number; rss: number; max: number }>();
  return {
    line(text: string): BodyResult {
      if (HEAD_RE.test(text)) { columns = text.trim().split(/\s+/); return 'header'; }
      if (!columns) return null;
      const cols = columns;
      const cells = text.trim().split(/\s+/);
      // every column but a last COMMAND/ARGS is one word; the last takes the rest
      const fixed = TAIL_COLUMNS.has(cols[cols.length - 1]) ? cols.length - 1 : cols.length;
      if (cells.length < fixed || (fixed === cols.length && cells.length !== fixed)) return null;
      const at = (name: string) => cols.indexOf(name);
      const pid = cells[at('PID')];
      const rss = Number(cells[at('RSS')]);
      if (!/^\d+$/.test(pid) || !Number.isInteger(rss) || rss < 0) return null;
      // COMM is one word; COMMAND may be comm (ps -o comm's header) or the args (the last column)
      const commIdx = cols.findIndex((c, i) => c === 'COMM' || (c === 'COMMAND' && i < fixed));
      const args = fixed < cols.length ? cells.slice(fixed).join(' ') : '';
      let name = commIdx >= 0 ? cells[commIdx] : args.split(' ')[0] ?? '';
      if (!name.startsWith('[')) name = name.slice(name.lastIndexOf('/') + 1).replace(/:$/, '');
      if (!name) return null;
      const s = sums.get(name) ?? { n: 0, rss: 0, max: 0 };
      s.n++; s.rss += rss; s.max = Math.max(s.max, rss);
      sums.set(name, s);
      return { summed: true };
    },
    end(): Figures[] {
      const out = [...sums].sort((a, b) => a[0].localeCompare(b[0])).map(([subject, s]): Figures => ({
        snapshot: 'ps', subject, kind: 'gauge',
        values: { processes: s.n, rss_kb: s.max, rss_kb_avg: Math.round(s.rss / s.n), rss_kb_sum: s.rss },
      }));
      sums = new Map();
      return out;
    },
    reset(): void { columns = null; sums = new Map(); },
  };
}

// Apache 2.4 on this machine (fixtures/snapshots/ps-apache2.txt, procps-ng 4.0)
const DATE = '2026-12-07T09:42:16+00:00';
const T = Date.UTC(2026, 11, 7, 9, 42, 16);
const AUX = 'USER       PID %CPU %MEM    VSZ   RSS TT       STAT  STARTED     TIME COMMAND';
const SAMPLES: FormatSample[] = [
  { line: 'www-data 24992  0.0  0.0 1211448 4428 ?        Sl   09:42:14 00:00:00 apache2 -f /tmp/snap-apache/httpd.conf -k start',
    before: [DATE, AUX, 'root     24990  0.0  0.0   5476  3412 ?        Ss   09:42:14 00:00:00 apache2 -f /tmp/snap-apache/httpd.conf -k start'], after: [],
    expect: { ts: T, snapshot: 'ps', subject: 'apache2', kind: 'gauge', values: { processes: 2, rss_kb: 4428, rss_kb_avg: 3920, rss_kb_sum: 7840 } }, note: 'ps aux' },
  { line: '24992  4428 apache2         apache2 -f /tmp/snap-apache/httpd.conf -k start', before: [DATE, '  PID   RSS COMMAND         COMMAND'], after: [],
    expect: { subject: 'apache2', values: { processes: 1, rss_kb: 4428, rss_kb_sum: 4428 } }, note: 'ps -eo pid,rss,comm,args' },
  { line: ' 9057 30212 php-fpm: pool www', before: [DATE, '  PID   RSS COMMAND'], after: ['', '$ nproc'],
    expect: { subject: 'php-fpm', values: { rss_kb: 30212 } }, note: 'ps -eo pid,rss,args: the name from the command' },
  { line: '24992  4428 apache2', before: [DATE, '  PID   RSS COMMAND', '24993 4428 apache2'], after: [DATE],
    expect: { subject: 'apache2', values: { processes: 2, rss_kb: 4428 } }, note: 'the next date line ends the table' },
  { line: '24992  4428 apache2', reject: 'no-match', note: 'a row without its header' },
  { line: '24992  4428 apache2', before: [AUX.replace('USER', 'X')], reject: 'no-match', note: 'a row that does not fit its header' },
  { line: '24992  x apache2', before: [DATE, '  PID   RSS COMMAND'], reject: 'no-match' },
  { line: '24992  4428 apache2', before: ['  PID   RSS COMMAND'], reject: 'unplaced-time', note: 'no time: kept, not guessed' },
];

export const ps: FormatDefinition = {
  name: 'ps',
  role: null,
  title: 'Process tables with RSS (ps aux, ps -eo pid,rss,comm,args ...) per process name (count, largest, average, sum), each after a date line',
  produces: 'samples',
  example: 'www-data 24992  0.0  0.0 1211448 4428 ?        Sl   09:42:14 00:00:00 apache2 -k start',
  detectable: true,
  specificity: 40,
  create: (options: ParserOptions) => snapshotParser(options, createPsBody()),
  samples: SAMPLES,
};
