// Rows -> text, one generator per output format, so a million rows stream through in constant
// memory (writeRows) and a short result can still be one string (render). Every value that came
// from a log passes termSafe (table), mdInert (Markdown), jsonSafe (json, ndjson: JSON.stringify
// escapes C0 controls but leaves DEL, C1 and bidi controls raw) or csvCell (formula-safe CSV).
import { csvCell, jsonSafe, mdInert, termSafe, truncate } from '../util/sanitize.js';

export type Row = Record<string, unknown>;
export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'md', 'ndjson'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * How many rows the table sizes its columns from before it starts printing: the rest stream
 * behind them, and a later cell wider than its column pushes that row's next columns right
 * rather than being cut further (README: "Output formats").
 */
export const TABLE_SAMPLE_ROWS = 1000;

/** The columns given, else the keys of the rows (for a short list of rows only: it is read twice). */
function columnsOf(rows: Iterable<Row>, columns?: string[]): string[] {
  if (columns && columns.length) return columns;
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    return Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
  }
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** JSON-safe value: bigint -> number/string, Buffers -> hex. */
function jsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  return v === undefined ? null : v;
}

function jsonRow(r: Row, cols: string[]): Row {
  const out: Row = {};
  for (const c of cols) out[c] = jsonValue(r[c]);
  return out;
}

/** A CSV cell holds text: nested values (an events object, a source's sample rejects) are their JSON. */
function csvValue(v: unknown): unknown {
  const j = jsonValue(v);
  return j !== null && typeof j === 'object' ? JSON.stringify(j) : j;
}

export interface TableOptions {
  /** terminal width (unused by the table: cells are cut at maxCell) */
  width?: number;
  maxCell?: number;
}

const isNumeric = (v: unknown) => v === null || v === undefined || typeof v === 'number' || typeof v === 'bigint';

export function* tableText(rows: Iterable<Row>, columns?: string[], opts: TableOptions = {}): Generator<string> {
  const it = rows[Symbol.iterator]();
  const sample: Row[] = [];
  let next = it.next();
  for (; !next.done && sample.length < TABLE_SAMPLE_ROWS; next = it.next()) sample.push(next.value);
  const cols = columnsOf(sample, columns);
  if (cols.length === 0) { yield '(no rows)\n'; return; }
  const maxCell = opts.maxCell ?? 80;
  const cells = (r: Row) => cols.map((c) => truncate(termSafe(cellText(r[c])), maxCell));
  const numeric = cols.map((c) => sample.length > 0 && sample.every((r) => isNumeric(r[c])));
  // widths by a loop: a spread of every cell into Math.max overflowed the stack past ~125k rows
  const widths = cols.map((c) => termSafe(c).length);
  const sampleCells = sample.map(cells);
  for (const row of sampleCells) for (let i = 0; i < cols.length; i++) if (row[i].length > widths[i]) widths[i] = row[i].length;
  const line = (vals: string[]) =>
    vals.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd() + '\n';
  yield line(cols.map(termSafe));
  yield widths.map((w) => '-'.repeat(w)).join('  ') + '\n';
  for (const row of sampleCells) yield line(row);
  sampleCells.length = 0;
  for (; !next.done; next = it.next()) yield line(cells(next.value));
  if (sample.length === 0) yield '(no rows)\n';
}

export function* jsonText(rows: Iterable<Row>, columns?: string[]): Generator<string> {
  const cols = columns && columns.length ? columns : null;
  let first = true;
  for (const r of rows) {
    // the same text as JSON.stringify(array, null, 2), one element at a time
    const body = jsonSafe(JSON.stringify(jsonRow(r, cols ?? Object.keys(r)), null, 2)).replace(/\n/g, '\n  ');
    yield (first ? '[\n  ' : ',\n  ') + body;
    first = false;
  }
  yield first ? '[]\n' : '\n]\n';
}

export function* ndjsonText(rows: Iterable<Row>, columns?: string[]): Generator<string> {
  const cols = columns && columns.length ? columns : null;
  for (const r of rows) yield jsonSafe(JSON.stringify(jsonRow(r, cols ?? Object.keys(r)))) + '\n';
}

export function* csvText(rows: Iterable<Row>, columns?: string[]): Generator<string> {
  const it = rows[Symbol.iterator]();
  let next = it.next();
  // without named columns, the first row's keys are the header
  const cols = columns && columns.length ? columns : next.done ? [] : Object.keys(next.value);
  yield cols.map(csvCell).join(',') + '\r\n';
  for (; !next.done; next = it.next()) yield cols.map((c) => csvCell(csvValue(next.value[c]))).join(',') + '\r\n';
}

function mdCell(v: unknown): string {
  return mdInert(cellText(v));
}

export function* markdownText(rows: Iterable<Row>, columns?: string[]): Generator<string> {
  const it = rows[Symbol.iterator]();
  const sample: Row[] = [];
  let next = it.next();
  for (; !next.done && sample.length < TABLE_SAMPLE_ROWS; next = it.next()) sample.push(next.value);
  const cols = columnsOf(sample, columns);
  if (cols.length === 0) { yield '_no rows_\n'; return; }
  // right-aligned when the first rows are all numbers
  const numeric = cols.map((c) => sample.length > 0 && sample.every((r) => r[c] == null || typeof r[c] === 'number'));
  yield '| ' + cols.map(mdCell).join(' | ') + ' |\n';
  yield '|' + numeric.map((n) => (n ? '---:' : '---')).join('|') + '|\n';
  const line = (r: Row) => '| ' + cols.map((c) => mdCell(r[c])).join(' | ') + ' |\n';
  for (const r of sample) yield line(r);
  sample.length = 0;
  for (; !next.done; next = it.next()) yield line(next.value);
}

export function renderText(format: OutputFormat, rows: Iterable<Row>, columns?: string[], opts: TableOptions = {}): Generator<string> {
  switch (format) {
    case 'json': return jsonText(rows, columns);
    case 'ndjson': return ndjsonText(rows, columns);
    case 'csv': return csvText(rows, columns);
    case 'md': return markdownText(rows, columns);
    default: return tableText(rows, columns, opts);
  }
}

/** The whole text at once, for results that are short by construction (a report, a postmortem table). */
export function render(format: OutputFormat, rows: Row[], columns?: string[], opts: TableOptions = {}): string {
  return [...renderText(format, rows, columns, opts)].join('');
}

export const renderTable = (rows: Row[], columns?: string[], opts: TableOptions = {}) => render('table', rows, columns, opts);
export const renderJson = (rows: Row[], columns?: string[]) => render('json', rows, columns);
export const renderCsv = (rows: Row[], columns?: string[]) => render('csv', rows, columns);
export const renderMarkdown = (rows: Row[], columns?: string[]) => render('md', rows, columns);
