// lighttpd mod_status `server-statistics` (status.statistics-url), one or many a file, each placed
// by the line before it (parsers/snapshot.ts). Lines `fastcgi.backend.<name>.<proc>.<field>: N`.
// Into `samples`, snapshot 'lighttpd-statistics':
//   subject '<module>.<backend>/<proc>' ('fastcgi.php-local/0'): load (requests on the proc now),
//     connected, died, overloaded, disabled (counters since start; disabled is 0/1 now: a gauge);
//   subject '<module>.<backend>': load (the backend's sum);
//   subject '<module>': active-requests (gauge), requests (counter).
// One proc overloaded while another idles is the max-procs x PHP_FCGI_CHILDREN story (1b).
import { snapshotParser, type BodyResult, type SnapshotBody } from './snapshot.js';
import type { FormatDefinition, FormatSample, ParserOptions } from './types.js';

const PROC_RE = /^(fastcgi|scgi|proxy|sockproxy|ajp13)\.backend\.(.+)\.(\d+)\.(connected|died|overloaded|disabled|load)\s*:\s*(\d+)\s*$/;
const BACKEND_RE = /^(fastcgi|scgi|proxy|sockproxy|ajp13)\.backend\.(.+)\.load\s*:\s*(\d+)\s*$/;
const MODULE_RE = /^(fastcgi|scgi|proxy|sockproxy|ajp13)\.(active-requests|requests)\s*:\s*(\d+)\s*$/;

export function createLighttpdStatisticsBody(): SnapshotBody {
  return {
    line(text: string): BodyResult {
      let m = PROC_RE.exec(text);
      if (m) {
        const kind = m[4] === 'load' || m[4] === 'disabled' ? 'gauge' : 'counter';
        return { figures: [{ snapshot: 'lighttpd-statistics', subject: `${m[1]}.${m[2]}/${m[3]}`, kind, values: { [m[4]]: Number(m[5]) } }] };
      }
      m = BACKEND_RE.exec(text);
      if (m) return { figures: [{ snapshot: 'lighttpd-statistics', subject: `${m[1]}.${m[2]}`, kind: 'gauge', values: { load: Number(m[3]) } }] };
      m = MODULE_RE.exec(text);
      if (m) return { figures: [{ snapshot: 'lighttpd-statistics', subject: m[1], kind: m[2] === 'requests' ? 'counter' : 'gauge', values: { [m[2]]: Number(m[3]) } }] };
      return null;
    },
  };
}

// story 1b's capture (lighttpd 1.4.45)
const T = Date.UTC(2026, 10, 22, 9, 41, 2);
const DATE = '2026-11-22T09:41:02Z';
const SAMPLES: FormatSample[] = [
  { line: 'fastcgi.backend.php-local.0.overloaded: 4', before: [DATE], expect: { ts: T, snapshot: 'lighttpd-statistics', subject: 'fastcgi.php-local/0', kind: 'counter', values: { overloaded: 4 } } },
  { line: 'fastcgi.backend.php-local.3.load: 5', before: [DATE], expect: { subject: 'fastcgi.php-local/3', kind: 'gauge', values: { load: 5 } } },
  { line: 'fastcgi.backend.php-local.1.disabled: 0', before: [DATE], expect: { subject: 'fastcgi.php-local/1', kind: 'gauge', values: { disabled: 0 } } },
  { line: 'fastcgi.backend.php-local.load: 19', before: [DATE], expect: { subject: 'fastcgi.php-local', values: { load: 19 } }, note: 'the backend\'s sum' },
  { line: 'fastcgi.active-requests: 19', before: [DATE], expect: { subject: 'fastcgi', kind: 'gauge', values: { 'active-requests': 19 } } },
  { line: 'fastcgi.requests: 331', before: [DATE], expect: { subject: 'fastcgi', kind: 'counter', values: { requests: 331 } } },
  { line: 'fastcgi.requests: 331', options: { at: T }, expect: { ts: T }, note: '--at or the file name\'s stamp' },
  { line: 'fastcgi.requests: 331', reject: 'unplaced-time', note: 'no time: kept, not guessed' },
];

export const lighttpdStatistics: FormatDefinition = {
  name: 'lighttpd-statistics',
  role: 'web',
  title: 'lighttpd server-statistics (fastcgi.backend.*.load, connected, died, overloaded, disabled), each after a date line',
  produces: 'samples',
  example: 'fastcgi.backend.php-local.0.overloaded: 4',
  detectable: true,
  specificity: 40,
  create: (options: ParserOptions) => snapshotParser(options, createLighttpdStatisticsBody()),
  samples: SAMPLES,
};
