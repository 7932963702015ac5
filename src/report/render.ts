// Rows -> text, one function per output format. Every value that came from a log passes
// termSafe (table, md, ndjson/json keep JSON escaping which already neutralises controls) or
// csvCell (formula-safe CSV).
import { csvCell, termSafe, truncate } from '../util/sanitize.js';

export type Row = Record<string, unknown>;
export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'md', 'ndjson'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

function columnsOf(rows: Row[], columns?: string[]): string[] {
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

export interface TableOptions {
  /** terminal width; long cells are cut so a row fits */
  width?: number;
  maxCell?: number;
}

export function renderTable(rows: Row[], columns?: string[], opts: TableOptions = {}): string {
  const cols = columnsOf(rows, columns);
  if (cols.length === 0) return '(no rows)\n';
  const maxCell = opts.maxCell ?? 80;
  const cells = rows.map((r) => cols.map((c) => truncate(termSafe(cellText(r[c])), maxCell)));
  const numeric = cols.map((c) => rows.length > 0 && rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === 'number' || typeof r[c] === 'bigint'));
  const widths = cols.map((c, i) => Math.max(termSafe(c).length, ...cells.map((row) => row[i].length)));
  const line = (vals: string[]) =>
    vals.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(cols.map(termSafe)), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of cells) out.push(line(row));
  if (rows.length === 0) out.push('(no rows)');
  return out.join('\n') + '\n';
}

export function renderJson(rows: Row[], columns?: string[]): string {
  const cols = columnsOf(rows, columns);
  return JSON.stringify(rows.map((r) => jsonRow(r, cols)), null, 2) + '\n';
}

export function renderNdjson(rows: Row[], columns?: string[]): string {
  const cols = columnsOf(rows, columns);
  return rows.map((r) => JSON.stringify(jsonRow(r, cols))).join('\n') + (rows.length ? '\n' : '');
}

export function renderCsv(rows: Row[], columns?: string[]): string {
  const cols = columnsOf(rows, columns);
  const out = [cols.map(csvCell).join(',')];
  for (const r of rows) out.push(cols.map((c) => csvCell(jsonValue(r[c]))).join(','));
  return out.join('\r\n') + '\r\n';
}

function mdCell(v: unknown): string {
  return termSafe(cellText(v)).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
}

export function renderMarkdown(rows: Row[], columns?: string[]): string {
  const cols = columnsOf(rows, columns);
  if (cols.length === 0) return '_no rows_\n';
  const numeric = cols.map((c) => rows.length > 0 && rows.every((r) => r[c] == null || typeof r[c] === 'number'));
  const out = [
    '| ' + cols.map(mdCell).join(' | ') + ' |',
    '|' + numeric.map((n) => (n ? '---:' : '---')).join('|') + '|',
  ];
  for (const r of rows) out.push('| ' + cols.map((c) => mdCell(r[c])).join(' | ') + ' |');
  return out.join('\n') + '\n';
}

export function render(format: OutputFormat, rows: Row[], columns?: string[], opts: TableOptions = {}): string {
  switch (format) {
    case 'json': return renderJson(rows, columns);
    case 'ndjson': return renderNdjson(rows, columns);
    case 'csv': return renderCsv(rows, columns);
    case 'md': return renderMarkdown(rows, columns);
    default: return renderTable(rows, columns, opts);
  }
}
