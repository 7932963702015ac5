// `varnishstat -1` (NAME VALUE RATE DESCRIPTION), one or many a file, each placed by the line
// before it (parsers/snapshot.ts). The RATE column tells the kinds apart: a counter has a rate
// per second, a gauge (MAIN.threads, MAIN.sess_conn's neighbours that go down) prints '.'.
// Into `samples`, snapshot 'varnishstat': MAIN.backend_busy, MAIN.backend_fail, MAIN.threads,
// MAIN.sess_queued, MAIN.sess_dropped ... under their own names, subject ''; per backend
// (VBE.<vcl>.<backend>.<field>) subject '<vcl>.<backend>' ('boot.apache'), metric the field
// (conn, req, busy, fail, unhealthy ...).
import { snapshotParser, type BodyResult, type SnapshotBody } from './snapshot.js';
import type { FormatDefinition, FormatSample, ParserOptions } from './types.js';

const ROW_RE = /^([A-Z][A-Z0-9_]*\.[\w.:()-]+)\s+(\d+)\s+(\d+(?:\.\d+)?|\.)(?:\s+.*)?$/;
const VBE_RE = /^VBE\.([^.]+)\.(.+)\.(\w+)$/;

export function createVarnishstatBody(): SnapshotBody {
  return {
    line(text: string): BodyResult {
      const m = ROW_RE.exec(text);
      if (!m) return /^NAME\s+CURRENT\s+CHANGE\s+AVERAGE/.test(text) ? 'header' : null;
      const kind = m[3] === '.' ? 'gauge' : 'counter';
      const vbe = VBE_RE.exec(m[1]);
      const subject = vbe ? `${vbe[1]}.${vbe[2]}` : '';
      const metric = vbe ? vbe[3] : m[1];
      return { figures: [{ snapshot: 'varnishstat', subject, kind, values: { [metric]: Number(m[2]) } }] };
    },
  };
}

// story 4's capture (Varnish 7.1)
const DATE = '2026-11-22T09:58:31Z';
const T = Date.UTC(2026, 10, 22, 9, 58, 31);
const SAMPLES: FormatSample[] = [
  { line: 'MAIN.backend_fail               483        13.05 Backend conn. failures', before: [DATE],
    expect: { ts: T, snapshot: 'varnishstat', subject: '', kind: 'counter', values: { 'MAIN.backend_fail': 483 } } },
  { line: 'MAIN.backend_busy                 0         0.00 Backend conn. too many', before: [DATE], expect: { values: { 'MAIN.backend_busy': 0 } } },
  { line: 'MAIN.threads                    200          .   Total number of threads', before: [DATE], expect: { kind: 'gauge', values: { 'MAIN.threads': 200 } }, note: 'a gauge: no rate' },
  { line: 'VBE.boot.apache.happy             0          .   Happy health probes', before: [DATE], expect: { subject: 'boot.apache', kind: 'gauge', values: { happy: 0 } } },
  { line: 'VBE.boot.apache.conn               12          .   Concurrent connections used', before: [DATE], expect: { subject: 'boot.apache', kind: 'gauge', values: { conn: 12 } }, note: 'backend connections in use' },
  { line: 'VBE.boot.apache.bereq_hdrbytes        35840       968.65 Request header bytes', before: [DATE], expect: { subject: 'boot.apache', kind: 'counter', values: { bereq_hdrbytes: 35840 } } },
  { line: 'MAIN.backend_fail               483        13.05 Backend conn. failures', reject: 'unplaced-time', note: 'no time: kept, not guessed' },
  { line: 'MAIN.backend_fail 483 13.05 Backend conn. failures', options: { at: T }, expect: { ts: T } },
];

export const varnishstat: FormatDefinition = {
  name: 'varnishstat',
  role: 'cache',
  title: 'varnishstat -1 (MAIN.*, VBE.<vcl>.<backend>.*), each after a date line or stamped in the file name',
  produces: 'samples',
  example: 'MAIN.backend_fail               483        13.05 Backend conn. failures',
  detectable: true,
  specificity: 40,
  create: (options: ParserOptions) => snapshotParser(options, createVarnishstatBody()),
  samples: SAMPLES,
};
