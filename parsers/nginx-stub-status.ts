// nginx stub_status, one or many pages a file, each placed by the line before it
// (parsers/snapshot.ts: a date line or a `# <time>` heading, --at, the file name's stamp):
//   Active connections: 9
//   server accepts handled requests
//    11 11 571
//   Reading: 0 Writing: 1 Waiting: 8
// Into `samples`, snapshot 'nginx-stub-status', subject '': gauges active, reading, writing,
// waiting (connections now); counters accepts, handled, requests (since nginx started; accepts
// minus handled are connections dropped at worker_connections).
import { snapshotParser, type BodyResult, type SnapshotBody } from './snapshot.js';
import type { FormatDefinition, FormatSample, ParserOptions } from './types.js';

const ACTIVE_RE = /^Active connections:\s*(\d+)\s*$/;
const HEAD_RE = /^server accepts handled requests(?: request_time)?\s*$/;
const TRIPLE_RE = /^\s*(\d+) (\d+) (\d+)(?: \d+)?\s*$/;
const RWW_RE = /^Reading: (\d+) Writing: (\d+) Waiting: (\d+)\s*$/;

export function createStubStatusBody(): SnapshotBody {
  // the counters line follows its heading line
  let afterHead = false;
  return {
    line(text: string): BodyResult {
      const wasHead = afterHead;
      afterHead = false;
      let m = ACTIVE_RE.exec(text);
      if (m) return { figures: [{ snapshot: 'nginx-stub-status', subject: '', kind: 'gauge', values: { active: Number(m[1]) } }] };
      if (HEAD_RE.test(text)) { afterHead = true; return 'header'; }
      m = TRIPLE_RE.exec(text);
      if (m && wasHead) {
        return { figures: [{ snapshot: 'nginx-stub-status', subject: '', kind: 'counter', values: { accepts: Number(m[1]), handled: Number(m[2]), requests: Number(m[3]) } }] };
      }
      m = RWW_RE.exec(text);
      if (m) return { figures: [{ snapshot: 'nginx-stub-status', subject: '', kind: 'gauge', values: { reading: Number(m[1]), writing: Number(m[2]), waiting: Number(m[3]) } }] };
      return null;
    },
    reset(): void { afterHead = false; },
  };
}

// story 2's capture (nginx 1.22.1)
const HEAD = '# 2026-11-22T09:50:48.206+0000 phase C';
const T = Date.UTC(2026, 10, 22, 9, 50, 48, 206);
const SAMPLES: FormatSample[] = [
  { line: 'Active connections: 25 ', before: [HEAD], expect: { ts: T, snapshot: 'nginx-stub-status', subject: '', kind: 'gauge', values: { active: 25 } } },
  { line: ' 47 47 2931 ', before: [HEAD, 'Active connections: 25 ', 'server accepts handled requests'], expect: { ts: T, kind: 'counter', values: { accepts: 47, handled: 47, requests: 2931 } } },
  { line: 'Reading: 0 Writing: 11 Waiting: 14 ', before: [HEAD], expect: { kind: 'gauge', values: { reading: 0, writing: 11, waiting: 14 } } },
  { line: ' 47 47 2931 ', before: [HEAD], reject: 'no-match', note: 'numbers without their heading' },
  { line: 'Active connections: 25 ', reject: 'unplaced-time', note: 'no time: kept, not guessed' },
];

export const nginxStubStatus: FormatDefinition = {
  name: 'nginx-stub-status',
  role: 'web',
  title: 'nginx stub_status pages, each after a date line or stamped in the file name',
  produces: 'samples',
  example: 'Active connections: 25',
  detectable: true,
  specificity: 40,
  create: (options: ParserOptions) => snapshotParser(options, createStubStatusBody()),
  samples: SAMPLES,
};
