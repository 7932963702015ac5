// Cuts a line into field values by a compiled format.
//
// The fast path is a scanner generated from the format's literal separators: each field ends
// where its following literal starts, found with indexOf (or, for quoted fields, at the first
// unescaped `"`). That never backtracks and beats one anchored regex with a capture per field.
// Formats the scanner cannot cut unambiguously (two fields with nothing between them, free text
// followed by a space) fall back to one anchored regex with a specific pattern per shape.
import type { FieldSpec, Segment, Shape } from './fields.js';

export interface Splitter {
  readonly fields: FieldSpec[];
  readonly mode: 'scan' | 'regex';
  /**
   * Writes one value per field into `out`. Returns where the format ended (line.length for a
   * full match), or -1 when the line does not fit. With `tail`, text may follow the format.
   */
  split(line: string, out: string[], tail?: boolean): number;
}

const enum Cut { Token, Quoted, Clf, List, Until, Rest }

export interface Step { cut: Cut; lit: string; spaceLed: boolean }

const CLF_WIDTH = 26; // `22/Nov/2026:09:57:26 +0000`

/** Index of the first `"` at or after `from` that no backslash escapes, or -1. */
export function closingQuote(line: string, from: number): number {
  let i = line.indexOf('"', from);
  while (i > 0 && line.charCodeAt(i - 1) === 92) {
    let back = 1;
    while (i - back - 1 >= from && line.charCodeAt(i - back - 1) === 92) back++;
    if (back % 2 === 0) break;
    i = line.indexOf('"', i + 1);
  }
  return i;
}

/** Ends an upstream list at `lit` unless that occurrence is a list separator (`, ` or ` : `). */
function listEnd(line: string, from: number, lit: string): number {
  let i = line.indexOf(lit, from);
  while (i > 0 && lit.charCodeAt(0) === 32) {
    const before = line.charCodeAt(i - 1);
    const isSep = before === 44 /* , */ || before === 58 /* : */ ||
      (line.charCodeAt(i + 1) === 58 && line.charCodeAt(i + 2) === 32);
    if (!isSep) break;
    i = line.indexOf(lit, i + 1);
  }
  return i;
}

function normalise(segments: Segment[]): { lead: string; fields: FieldSpec[]; lits: string[] } {
  let lead = '';
  const fields: FieldSpec[] = [];
  const lits: string[] = [];
  for (const s of segments) {
    if (typeof s === 'string') {
      if (fields.length === 0) lead += s;
      else lits[fields.length - 1] += s;
    } else {
      fields.push(s);
      lits.push('');
    }
  }
  return { lead, fields, lits };
}

function planSteps(lead: string, fields: FieldSpec[], lits: string[]): Step[] | null {
  const steps: Step[] = [];
  for (let i = 0; i < fields.length; i++) {
    const lit = lits[i];
    const last = i === fields.length - 1;
    const prev = i === 0 ? lead : lits[i - 1];
    const shape = fields[i].shape;
    if (lit === '' && !last) return null; // adjacent fields: only a regex can split them
    let cut: Cut;
    if (shape === 'clf') cut = Cut.Clf;
    else if (prev.endsWith('"') && lit.startsWith('"')) cut = Cut.Quoted;
    else if (shape === 'list') cut = Cut.List;
    else if (shape === 'text') {
      if (last) cut = Cut.Rest;
      else if (lit.charCodeAt(0) === 32) return null; // text then a space: ambiguous
      else cut = Cut.Until;
    } else if (shape === 'qmark') return null;
    else cut = Cut.Token;
    steps.push({ cut, lit, spaceLed: lit.charCodeAt(0) === 32 });
  }
  return steps;
}

/** `line` has `lit` at `at`+`from`.. as inline char comparisons (short literals) or startsWith. */
function litTest(lit: string, from: number, at = 'e'): string {
  if (lit.length <= from) return 'true';
  if (lit.length - from > 6) return `line.startsWith(${JSON.stringify(lit.slice(from))}, ${at} + ${from})`;
  const parts: string[] = [];
  for (let k = from; k < lit.length; k++) parts.push(`line.charCodeAt(${at} + ${k}) === ${lit.charCodeAt(k)}`);
  return parts.join(' && ');
}

/**
 * One field's cut as code: sets `e` to where the field ends (or runs `fail`), then stores the
 * value. Long runs are found with indexOf (a native scan, faster per char than a JS loop);
 * literals are compared char by char inline.
 */
function stepCode(step: Step, i: number, fail: string, store: (i: number) => string): string {
  const { cut, lit } = step;
  const c0 = lit.charCodeAt(0);
  const rest = (from: number): string => (lit.length > from ? `if (!(${litTest(lit, from)})) ${fail}` : '');
  let code: string;
  switch (cut) {
    case Cut.Token:
      if (lit === '') code = `e = line.indexOf(' ', p); if (e < 0) e = len; else if (!tail) ${fail}`;
      else if (step.spaceLed) code = `e = line.indexOf(' ', p); if (e < 0) ${fail} ${rest(1)}`;
      else {
        // up to the literal, never across a space: tokens have none
        code = `e = p; for (;;) { c = line.charCodeAt(e); if (c === ${c0}${lit.length > 1 ? ` && ${litTest(lit, 1)}` : ''}) break;` +
          ` if (c === 32 || e >= len) ${fail} e++; }`;
      }
      break;
    case Cut.Quoted:
      // the first `"` no backslash escapes (nginx writes \x22, Apache and JSON \"); the slow
      // path only when the quote found has a backslash before it
      code = `e = line.indexOf('"', p); if (e > p && line.charCodeAt(e - 1) === 92) e = CQ(line, p); if (e < 0) ${fail}` +
        ` ${rest(1)}`;
      break;
    case Cut.Clf: code = `e = p + ${CLF_WIDTH}; if (e > len) ${fail} ${rest(0)}`; break;
    case Cut.List: code = lit === '' ? 'e = len;' : `e = LE(line, p, ${JSON.stringify(lit)}); if (e < 0) ${fail}`; break;
    case Cut.Until: code = `e = line.indexOf(${JSON.stringify(lit)}, p); if (e < 0) ${fail}`; break;
    default: code = `e = tail ? len : len - ${lit.length}; if (e < p) ${fail} ${rest(0)}`;
  }
  return `${code} ${store(i)} p = e + ${lit.length};`;
}

/**
 * The scanner as straight-line code with the literals written in: no per-field dispatch, so
 * V8 compiles it like a hand-written parser for this one format. Expects `line`, `len`, `tail`,
 * `p`, `e`, `c` in scope; `fail` is the statement that gives up, `store` keeps field i (p..e).
 */
export function scanCode(scan: ScanPlan, fail: string, store: (i: number) => string): string {
  const lead = scan.lead ? [`if (!line.startsWith(${JSON.stringify(scan.lead)})) ${fail}`] : [];
  return lead.concat(`p = ${scan.lead.length};`, scan.steps.map((st, i) => stepCode(st, i, fail, store))).join('\n');
}

function scanner(scan: ScanPlan): Splitter {
  const source = `
    return function split(line, out, tail) {
      const len = line.length;
      let p = 0, e = 0, c = 0;
      ${scanCode(scan, 'return -1;', (i) => `out[${i}] = line.slice(p, e);`)}
      return tail || p === len ? p : -1;
    };`;
  const split = new Function('LE', 'CQ', source)(listEnd, closingQuote) as Splitter['split'];
  return { fields: scan.fields, mode: 'scan', split };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function shapePattern(shape: Shape, quoted: boolean): string {
  if (quoted && (shape === 'text' || shape === 'token' || shape === 'list')) return '((?:[^"\\\\]|\\\\.)*)';
  switch (shape) {
    case 'token': return '(\\S*)';
    case 'number': return '(-|-?\\d+(?:\\.\\d*)?)';
    case 'list': return '(\\S*(?:(?:, | : )\\S*)*)';
    case 'clf': return '(\\d\\d/[A-Za-z]{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d [+-]\\d{4})';
    case 'path': return '([^?\\s"]*)';
    case 'target': return '((?:/|\\*|-)[^\\s"]*|)';
    case 'host': return '([^\\s/"]*)';
    case 'qmark': return '(\\??)';
    case 'query': return '([^\\s"]*)';
    default: return '(.*?)';
  }
}

function regexSplitter(lead: string, fields: FieldSpec[], lits: string[]): Splitter {
  let src = '^' + escapeRe(lead);
  fields.forEach((f, i) => {
    const prev = i === 0 ? lead : lits[i - 1];
    src += shapePattern(f.shape, prev.endsWith('"') && lits[i].startsWith('"')) + escapeRe(lits[i]);
  });
  const full = new RegExp(src + '$');
  const open = new RegExp(src);
  return {
    fields,
    mode: 'regex',
    split(line, out, tail = false) {
      const m = (tail ? open : full).exec(line);
      if (!m) return -1;
      for (let i = 0; i < fields.length; i++) out[i] = m[i + 1];
      return m[0].length;
    },
  };
}

export interface ScanPlan {
  lead: string;
  fields: FieldSpec[];
  steps: Step[];
}

/** The scanner's steps for a format, or null when only a regex can cut it. */
export function scanPlan(segments: Segment[]): ScanPlan | null {
  const { lead, fields, lits } = normalise(segments);
  const steps = planSteps(lead, fields, lits);
  return steps ? { lead, fields, steps } : null;
}

export function compileSplitter(segments: Segment[], forceRegex = false): Splitter {
  const scan = forceRegex ? null : scanPlan(segments);
  if (scan) return scanner(scan);
  const { lead, fields, lits } = normalise(segments);
  return regexSplitter(lead, fields, lits);
}

/** Helpers scanCode's output calls. */
export const SCAN_HELPERS = { LE: listEnd, CQ: closingQuote };
