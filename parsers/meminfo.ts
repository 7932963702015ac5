// Memory snapshots: /proc/meminfo, `free` (-b, -k, -m, -g, -h), the header of `top -b`, and the
// CPU count (`nproc`) where a capture script put it beside them; one or many a file, each placed
// by the line before it (parsers/snapshot.ts). Into `samples`, every size in kB so that the
// forms make one series:
//   meminfo  subject '': MemTotal_kb, MemFree_kb, MemAvailable_kb, SwapTotal_kb, SwapFree_kb ...
//            (/proc/meminfo's names + _kb); free's row adds MemUsed_kb, Shared_kb, BuffCache_kb,
//            SwapUsed_kb; top adds Load1, Load5, Load15
//   nproc    subject '': cpus
// free prints bare numbers in the unit its option asked for, and the output does not say which:
// read only with the command line before it (`$ free -m`) or with units (-h); otherwise a
// reject `bad-field`, never a guess.
import { snapshotParser, type BodyResult, type Figures, type SnapshotBody } from './snapshot.js';
import type { FormatDefinition, FormatSample, ParserOptions } from './types.js';

const MEMINFO_RE = /^([A-Za-z][\w()]*):\s+(\d+)(?: kB)?\s*$/;
const FREE_HEAD_RE = /^\s+total\s+used\s+free\s+shared\s+(?:buff\/cache|buffers\s+cached)\s+available\s*$|^\s+total\s+used\s+free\s+shared\s+buffers\s+cached\s*$/;
const FREE_ROW_RE = /^(Mem|Swap|Total|-\/\+ buffers\/cache):\s+(.*)$/;
const TOP_LOAD_RE = /^top - \d\d:\d\d:\d\d .*load average: ([\d.]+), ([\d.]+), ([\d.]+)\s*$/;
// `MiB Mem :  24105.2 total,  19924.2 free, ...` (procps 3.3+), `Mem:   4056176k total, ...` (older)
const TOP_MEM_RE = /^(?:([KMGTPE]iB) )?(Mem|Swap)\s*:\s+(.*)$/;
const TOP_OTHER_RE = /^(?:Tasks|Threads|%?Cpu\(s\)|%Cpu\d+)\s*:/;
const NPROC_RE = /^\s*(\d{1,4})\s*$/;
const FREE_UNITS: Record<string, number> = { '-b': 1 / 1024, '--bytes': 1 / 1024, '-k': 1, '--kibi': 1, '-m': 1024, '--mebi': 1024, '-g': 1048576, '--gibi': 1048576 };
const SUFFIX: Record<string, number> = { B: 1 / 1024, K: 1, Ki: 1, M: 1024, Mi: 1024, G: 1048576, Gi: 1048576, T: 1073741824, Ti: 1073741824 };

const gauge = (snapshot: string, values: Record<string, number>): Figures => ({ snapshot, subject: '', kind: 'gauge', values });

/** `23Gi` / `512M` / `0B` (free -h) -> kB; a bare number in `unit` kB each; NaN when neither. */
function size(text: string, unit: number | null): number {
  const m = /^(\d+(?:[.,]\d+)?)([KMGT]i?|B)?$/.exec(text);
  if (!m) return NaN;
  const n = Number(m[1].replace(',', '.'));
  if (m[2]) return Math.round(n * SUFFIX[m[2]]);
  return unit === null ? NaN : Math.round(n * unit);
}

export function createMeminfoBody(): SnapshotBody {
  // kB per unit of free's bare numbers, from the command line before it; null: not said
  let freeUnit: number | null = null;
  let nproc = false;
  return {
    command(text: string): void {
      const words = text.split(/\s+/);
      nproc = words[0] === 'nproc' || (words[0] === 'getconf' && words[1] === '_NPROCESSORS_ONLN');
      if (words[0] !== 'free') return;
      freeUnit = 1;
      for (const w of words.slice(1)) if (FREE_UNITS[w] !== undefined) freeUnit = FREE_UNITS[w];
    },
    line(text: string): BodyResult {
      let m = NPROC_RE.exec(text);
      if (m) return nproc ? { figures: [gauge('nproc', { cpus: Number(m[1]) })] } : null;
      m = MEMINFO_RE.exec(text);
      if (m) return { figures: [gauge('meminfo', { [/ kB\s*$/.test(text) ? `${m[1]}_kb` : m[1]]: Number(m[2]) })] };
      if (FREE_HEAD_RE.test(text)) return 'header';
      m = / total,/.test(text) ? null : FREE_ROW_RE.exec(text);
      if (m) {
        if (m[1] === 'Total' || m[1].startsWith('-')) return 'header';
        const cells = m[2].trim().split(/\s+/).map((c) => size(c, freeUnit));
        if (cells.some((c) => Number.isNaN(c))) return { reject: 'bad-field' };
        const names = m[1] === 'Mem'
          ? ['MemTotal_kb', 'MemUsed_kb', 'MemFree_kb', 'Shared_kb', 'BuffCache_kb', 'MemAvailable_kb']
          : ['SwapTotal_kb', 'SwapUsed_kb', 'SwapFree_kb'];
        const values: Record<string, number> = {};
        names.forEach((n, i) => { if (cells[i] !== undefined) values[n] = cells[i]; });
        return { figures: [gauge('meminfo', values)] };
      }
      m = TOP_LOAD_RE.exec(text);
      if (m) return { figures: [gauge('meminfo', { Load1: Number(m[1]), Load5: Number(m[2]), Load15: Number(m[3]) })] };
      m = TOP_MEM_RE.exec(text);
      if (m) {
        const unit = m[1] ? SUFFIX[m[1].replace('B', '')] : 1;
        const values: Record<string, number> = {};
        for (const part of m[3].split(/[,.](?=\s)|,/)) {
          const p = /^\s*([\d.]+)(k)?\s+(total|free|used|buff\/cache|buffers|cached|avail Mem)\s*$/.exec(part);
          if (!p) continue;
          const name = { total: 'Total', free: 'Free', used: 'Used', 'buff/cache': 'BuffCache', buffers: 'Buffers', cached: 'Cached', 'avail Mem': 'Available' }[p[3]]!;
          const prefix = m[2] === 'Swap' && name !== 'Available' && name !== 'Cached' ? 'Swap' : 'Mem';
          const key = name === 'BuffCache' ? 'BuffCache_kb' : name === 'Cached' ? 'Cached_kb' : name === 'Buffers' ? 'Buffers_kb' : `${prefix}${name}_kb`;
          values[key] = Math.round(Number(p[1]) * unit);
        }
        return Object.keys(values).length ? { figures: [gauge('meminfo', values)] } : null;
      }
      if (TOP_OTHER_RE.test(text)) return 'header';
      return null;
    },
    reset(): void { nproc = false; },
  };
}

const DATE = '2026-12-07T09:42:08+00:00';
const T = Date.UTC(2026, 11, 7, 9, 42, 8);
// this machine's /proc/meminfo, free (procps-ng 4.0) and top; the older top header is the one in
// ../shared/samples/seed-configs/serverfault-lighttpd-backend-overloaded/top.txt
const SAMPLES: FormatSample[] = [
  { line: 'MemAvailable:   23575240 kB', before: [DATE, 'MemTotal:       24683772 kB'], expect: { ts: T, snapshot: 'meminfo', subject: '', kind: 'gauge', values: { MemAvailable_kb: 23575240 } }, note: '/proc/meminfo' },
  { line: 'HugePages_Total:       0', before: [DATE], expect: { values: { HugePages_Total: 0 } }, note: 'a count, not a size' },
  { line: 'Mem:           24105        1082       19924          10        3414       23022', before: [DATE, '$ free -m', '               total        used        free      shared  buff/cache   available'],
    expect: { ts: T, values: { MemTotal_kb: 24105 * 1024, MemAvailable_kb: 23022 * 1024, MemUsed_kb: 1082 * 1024 } }, note: 'free -m' },
  { line: 'Mem:     25276182528  1135136768 20891992064    10608640  3580059648 24141045760', before: [DATE, '$ free -b'],
    expect: { values: { MemTotal_kb: 24683772 } }, note: 'free -b' },
  { line: 'Swap:              0           0           0', before: [DATE, '$ free'], expect: { values: { SwapTotal_kb: 0, SwapFree_kb: 0 } }, note: 'free: kibibytes' },
  { line: 'Mem:            23Gi       1.1Gi        19Gi        10Mi       3.3Gi        22Gi', before: [DATE], expect: { values: { MemTotal_kb: 23 * 1048576 } }, note: 'free -h: the units say' },
  { line: 'Mem:           24105        1082       19924          10        3414       23022', before: [DATE], reject: 'bad-field', note: 'free without its command line: the unit is not known' },
  { line: 'top - 09:42:09 up  1:13,  0 user,  load average: 6.84, 7.16, 7.85', before: [DATE], expect: { values: { Load1: 6.84, Load5: 7.16, Load15: 7.85 } }, note: 'top -b' },
  { line: 'MiB Mem :  24105.2 total,  19924.2 free,   1082.4 used,   3414.3 buff/cache     ', before: [DATE], expect: { values: { MemTotal_kb: Math.round(24105.2 * 1024), MemFree_kb: Math.round(19924.2 * 1024) } } },
  { line: 'Mem:   4056176k total,  3716120k used,   340056k free,   631600k buffers', before: [DATE], expect: { values: { MemTotal_kb: 4056176, MemFree_kb: 340056, Buffers_kb: 631600 } }, note: 'top of procps 3.2' },
  { line: '4', before: [DATE, '$ nproc'], expect: { ts: T, snapshot: 'nproc', values: { cpus: 4 } }, note: 'nproc' },
  { line: '4', before: [DATE], reject: 'no-match', note: 'a number without its command' },
  { line: 'MemTotal:       24683772 kB', reject: 'unplaced-time', note: 'no time: kept, not guessed' },
];

export const meminfo: FormatDefinition = {
  name: 'meminfo',
  role: null,
  title: 'Memory snapshots: /proc/meminfo, free (-b/-k/-m/-g after its command line, or -h), top -b header, nproc',
  produces: 'samples',
  example: 'MemAvailable:   23575240 kB',
  detectable: true,
  specificity: 40,
  create: (options: ParserOptions) => snapshotParser(options, createMeminfoBody()),
  samples: SAMPLES,
};
