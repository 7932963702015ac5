// FieldSpecs -> a record builder. Which field feeds which column is decided once per format and
// the builder is generated as straight-line JavaScript: one statement per field with the column
// and extra key names written in, the record and extra created as object literals of a fixed
// shape. Generic per-field closures were several times slower (every field shared one
// polymorphic property store); generated code keeps each site monomorphic, which is what
// 1M lines/s needs. Names from the format enter the code only through JSON.stringify.
//
// Values come from a ValueSource: an array of strings (regex splitter, key=value and JSON
// parsers) or, fused with the scanner (line-parser.ts), positions in the line itself, so numbers
// are read without cutting a string first.
//
// When two fields feed one column the higher rank wins and the other lands in extra.
import type { ParseOutcome } from '../types.js';
import type { DurationUnit, FieldSpec, Role } from './fields.js';
import { finishRecord, msRange, num, numRange, rawText, requestLine, text } from './record.js';
import { TimeSide, timeReader, type TimeReader } from './stamp.js';
import { lastMember, memberCount, sumListMs, upstreamRaw } from './upstream.js';

export interface PlanOptions {
  tz: string;
  stampSide: 'start' | 'end';
  /** nginx `escape=none` and JSON: values are stored exactly as given */
  raw?: boolean;
}

export interface Plan {
  build(values: string[]): ParseOutcome;
}

export const UNIT_TO_MS: Record<DurationUnit, number> = { s: 1000, ms: 1, us: 0.001, ns: 0.000001 };
/** the same as `* mul / div` with integers, for msRange */
const UNIT_SCALE: Record<DurationUnit, string> = { s: '1000, 1', ms: '1, 1', us: '1, 1000', ns: '1, 1000000' };

const COLUMN_ROLES = new Set<Role>([
  'client', 'method', 'url', 'path', 'query', 'protocol', 'status', 'bytes', 'request_length',
  'duration', 'upstream_time', 'upstream_connect', 'upstream_header', 'upstream_addr',
  'upstream_status', 'vhost', 'referer', 'user_agent',
]);
const COMPLETE_TIME = new Set(['clf', 'iso', 'epoch_s', 'epoch_ms', 'epoch_us', 'auto']);
const STRING_COLUMN: Partial<Record<Role, string>> = {
  client: 'client', method: 'method', url: 'url', path: 'path', protocol: 'protocol', vhost: 'vhost',
  referer: 'referer', user_agent: 'user_agent',
};
const NUMBER_COLUMN: Partial<Record<Role, string>> = { bytes: 'bytes', request_length: 'request_length' };
const LIST: Partial<Record<Role, [string, string]>> = {
  upstream_time: ['urt', 'upstream_ms'], upstream_connect: ['uct', 'upstream_connect_ms'],
  upstream_header: ['uht', 'upstream_header_ms'],
};

const EMPTY_RECORD = 'ts: 0, start_ts: null, end_ts: null, client: null, method: null, url: null, path: null, ' +
  'query: null, protocol: null, status: null, bytes: null, request_length: null, duration_ms: null, ' +
  'upstream_ms: null, upstream_connect_ms: null, upstream_header_ms: null, upstream_attempts: null, ' +
  'upstream_addr: null, upstream_status: null, upstream_raw: null, vhost: null, referer: null, ' +
  'user_agent: null, extra: null';

const q = (s: string): string => JSON.stringify(s);
const isNumeric = (f: FieldSpec): boolean => f.shape === 'number' || f.role === 'extra_number';

/** The fields that win their column (and complete time stamps their side). */
function winners(fields: FieldSpec[], sideOf: (f: FieldSpec) => string): Set<FieldSpec> {
  const best = new Map<string, FieldSpec>();
  const hasUrlSource = fields.some((f) => f.role === 'url' || f.role === 'request');
  for (const f of fields) {
    let key: string | null = null;
    if (COLUMN_ROLES.has(f.role) && !(hasUrlSource && (f.role === 'path' || f.role === 'query'))) key = f.role;
    else if (f.role === 'time' && COMPLETE_TIME.has(f.time!.parse)) key = 'time:' + sideOf(f);
    if (key === null) continue;
    const cur = best.get(key);
    if (!cur || (f.rank ?? 0) > (cur.rank ?? 0)) best.set(key, f);
  }
  return new Set(best.values());
}

/** Where field i's value comes from, as code. */
export interface ValueSource {
  /** an expression giving the value as a string */
  str(i: number): string;
  /** expressions for a string holding the value and its start and end in it */
  range(i: number): [string, string, string];
  /** an expression giving the stored text: null for `-`/empty, escapes undone unless raw */
  text(i: number): string;
  /** an expression true when the value needs no unescaping */
  clean(i: number): string;
}

export const ARRAY_SOURCE: ValueSource = {
  str: (i) => `v[${i}]`,
  range: (i) => [`v[${i}]`, '0', `v[${i}].length`],
  text: (i) => `T(v[${i}])`,
  clean: () => 'O.raw',
};

export interface PlanCode {
  /** statements filling `rec` and `ex` and returning the outcome; expects `PLAN_PRELUDE` in scope */
  body: string;
  /** the TR argument of the generated code */
  readers: TimeReader[];
}

/** Names the plan code uses, bound once when the code is made (see planScope). */
export const PLAN_PRELUDE = `'use strict';
  const N = H.num, NR = H.numRange, MS = H.msRange, T = H.text, REQ = H.requestLine, SUM = H.sumListMs, LAST = H.lastMember,
    COUNT = H.memberCount, UPRAW = H.upstreamRaw, FIN = H.finishRecord;`;

export function planCode(fields: FieldSpec[], opts: PlanOptions, src: ValueSource): PlanCode {
  const sideOf = (f: FieldSpec): 'start' | 'end' => (f.time!.side === 'stamp' ? opts.stampSide : f.time!.side);
  const won = winners(fields, sideOf);
  const explicit = new Set([...won].map((f) => f.role));
  const readers: TimeReader[] = [];
  const extraKeys = new Set<string>();
  const body: string[] = [];
  const lists: Record<string, string> = {};
  const numberInto = (target: string, expr: string, name: string, scale = 1, integer = false): void => {
    body.push(`x = ${expr}; if (x !== x${integer ? ' || (x !== null && x % 1 !== 0)' : ''}) bad = bad || ${q(name)}; ` +
      (scale === 1 ? `else ${target} = x;` : `else ${target} = x === null ? null : Math.round(x * ${scale * 1000}) / 1000;`));
  };
  const numOf = (i: number): string => `NR(${src.range(i).join(', ')})`;
  const toExtra = (f: FieldSpec, i: number, numeric: boolean): void => {
    extraKeys.add(f.name);
    if (numeric) numberInto(`ex[${q(f.name)}]`, numOf(i), f.name, f.scale ?? 1);
    else body.push(`ex[${q(f.name)}] = ${src.text(i)};`);
  };

  fields.forEach((f, i) => {
    if (f.role === 'skip') return;
    if (f.role === 'request') {
      body.push(`x = REQ(rec, ${src.range(i).join(', ')}, ${!explicit.has('method')}, ${!explicit.has('url')}, ${!explicit.has('protocol')}, ${src.clean(i)});`,
        `if (x !== null) { ex = ex || {}; ex[${q(f.name)}] = x; }`);
    } else if (f.role === 'time') {
      if (COMPLETE_TIME.has(f.time!.parse) && !won.has(f)) return toExtra(f, i, false);
      readers.push(timeReader(f.time!));
      body.push(`TR[${readers.length - 1}](${src.range(i).join(', ')}, ${sideOf(f) === 'start' ? 'S' : 'E'}, O.tz);`);
    } else if (!won.has(f)) {
      toExtra(f, i, isNumeric(f) && !LIST[f.role] && f.role !== 'upstream_addr' && f.role !== 'upstream_status');
    } else if (STRING_COLUMN[f.role]) {
      body.push(`rec.${STRING_COLUMN[f.role]} = ${src.text(i)};`);
    } else if (f.role === 'query') {
      body.push(`x = ${src.text(i)}; rec.query = x !== null && x.charCodeAt(0) === 63 ? x.slice(1) || null : x;`);
    } else if (NUMBER_COLUMN[f.role]) {
      numberInto(`rec.${NUMBER_COLUMN[f.role]}`, numOf(i), f.name);
    } else if (f.role === 'status') {
      numberInto('rec.status', numOf(i), f.name, 1, true);
    } else if (f.role === 'duration') {
      numberInto('rec.duration_ms', `MS(${src.range(i).join(', ')}, ${UNIT_SCALE[f.unit ?? 's']})`, f.name);
    } else {
      // upstream lists: kept whole for upstream_raw, summarised into their columns
      const key = LIST[f.role]?.[0] ?? (f.role === 'upstream_addr' ? 'ua' : 'us');
      lists[key] = `l${i}`;
      body.push(`const l${i} = ${src.str(i)};`);
      if (LIST[f.role]) {
        body.push(`x = SUM(l${i}, ${UNIT_SCALE[f.unit ?? 's']}); if (x === undefined) bad = bad || ${q(f.name)}; else rec.${LIST[f.role]![1]} = x;`);
      } else if (f.role === 'upstream_addr') {
        // (a list that needs no unescaping skips text()'s search for a backslash)
        body.push(`x = LAST(l${i}); rec.upstream_addr = ${src.clean(i)} ? (x === '-' || x === '' ? null : x) : T(x);`);
      } else numberInto('rec.upstream_status', `N(LAST(l${i}))`, f.name);
    }
  });
  if (Object.keys(lists).length) {
    // attempts = members of the first list the line has: a line cut after uct= or uht= still counts
    const arg = (k: string): string => lists[k] ?? 'undefined';
    body.push(`x = UPRAW(${['urt', 'uct', 'uht', 'ua', 'us'].map(arg).join(', ')});`,
      `if (x !== null) { rec.upstream_raw = x; rec.upstream_attempts = COUNT(${lists.ua ?? lists.urt ?? lists.us ?? lists.uct ?? lists.uht}); }`);
  }
  const extraInit = extraKeys.size ? `{ ${[...extraKeys].map((k) => `${q(k)}: null`).join(', ')} }` : 'null';
  return {
    body: [
      'let bad = null, x;', 'S.reset(); E.reset();', `const rec = { ${EMPTY_RECORD} };`, `let ex = ${extraInit};`,
      ...body, 'return FIN(rec, ex, S, E, bad, O);',
    ].join('\n'),
    readers,
  };
}

/** The values the generated code's free names (H, TR, S, E, O) are bound to. */
export function planScope(opts: PlanOptions, readers: TimeReader[]): { names: string[]; values: unknown[] } {
  const H = {
    num, numRange, msRange, text: opts.raw ? rawText : text, requestLine, sumListMs, lastMember, memberCount, upstreamRaw, finishRecord,
  };
  return {
    names: ['H', 'TR', 'S', 'E', 'O'],
    values: [H, readers, new TimeSide(), new TimeSide(), { tz: opts.tz, stampSide: opts.stampSide, raw: !!opts.raw }],
  };
}

/** A builder from an array of value strings. */
export function compilePlan(fields: FieldSpec[], opts: PlanOptions): Plan {
  const { body, readers } = planCode(fields, opts, ARRAY_SOURCE);
  const scope = planScope(opts, readers);
  const source = `${PLAN_PRELUDE}\n return function build(v) {\n${body}\n};`;
  const make = new Function(...scope.names, source) as (...a: unknown[]) => Plan['build'];
  return { build: make(...scope.values) };
}
