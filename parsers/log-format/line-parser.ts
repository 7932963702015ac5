// A compiled format -> one function from a line to its outcome. When the scanner can cut the
// format, the scanner and the record builder are generated as ONE function: fields stay
// positions in the line until a column needs them, numbers are read in place, and nothing
// passes through an intermediate array. Formats only a regex can cut use the regex splitter
// and the array-fed builder.
import type { ParseOutcome } from '../types.js';
import type { Segment } from './fields.js';
import { compilePlan, PLAN_PRELUDE, planCode, planScope, type PlanOptions, type ValueSource } from './plan.js';
import { compileSplitter, scanCode, scanPlan, SCAN_HELPERS } from './split.js';

export type ParseLine = (line: string) => ParseOutcome;

// BS is the line's first backslash (len when none): a field ending before it needs no
// unescaping, which spares an indexOf per text field on the usual line
const RANGE_SOURCE: ValueSource = {
  str: (i) => `line.slice(b${i}, e${i})`,
  range: (i) => ['line', `b${i}`, `e${i}`],
  text: (i) => `(e${i} === b${i} || (e${i} - b${i} === 1 && line.charCodeAt(b${i}) === 45) ? null : ` +
    `e${i} <= BS ? line.slice(b${i}, e${i}) : T(line.slice(b${i}, e${i})))`,
  clean: (i) => `e${i} <= BS`,
};

export function compileLineParser(segments: Segment[], opts: PlanOptions, noMatch: ParseOutcome): ParseLine {
  const scan = scanPlan(segments);
  if (!scan) {
    const splitter = compileSplitter(segments);
    const plan = compilePlan(splitter.fields, opts);
    const values = new Array<string>(splitter.fields.length).fill('');
    return (line) => (splitter.split(line, values) < 0 ? noMatch : plan.build(values));
  }
  const n = scan.fields.length;
  const { body, readers } = planCode(scan.fields, opts, RANGE_SOURCE);
  const scope = planScope(opts, readers);
  const positions = Array.from({ length: n }, (_, i) => `b${i} = 0, e${i} = 0`).join(', ');
  const source = `${PLAN_PRELUDE}
    const LE = SH.LE, CQ = SH.CQ;
    return function parseLine(line) {
      const len = line.length, tail = false;
      let p = 0, e = 0, c = 0${n ? ', ' + positions : ''};
      ${scanCode(scan, 'return NM;', (i) => `b${i} = p; e${i} = e;`)}
      if (p !== len) return NM;
      ${opts.raw ? 'const BS = len;' : "let BS = line.indexOf('\\\\'); if (BS < 0) BS = len;"}
      ${body}
    };`;
  const make = new Function(...scope.names, 'SH', 'NM', source) as (...a: unknown[]) => ParseLine;
  return make(...scope.values, SCAN_HELPERS, noMatch);
}
