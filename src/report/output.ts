// A report result -> text. Flat formats (json, ndjson, csv) print every row with the same keys;
// table and Markdown print a report with sections as one table per section, each with only the
// columns its rows use, under a heading.
import { render, type OutputFormat, type Row } from './render.js';
import { termSafe } from '../util/sanitize.js';
import type { ReportResult } from './runner.js';

function usedColumns(rows: Row[], columns: string[]): string[] {
  return columns.filter((c) => c !== 'section' && rows.some((r) => r[c] !== null && r[c] !== undefined));
}

/** CSV cells hold text: nested values (an events object) become their JSON. */
function flattenObjects(rows: Row[]): Row[] {
  return rows.map((r) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(r)) out[k] = v !== null && typeof v === 'object' && !(v instanceof Uint8Array) ? JSON.stringify(v) : v;
    return out;
  });
}

export function paramLine(result: ReportResult): string {
  const parts = Object.entries(result.params).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`);
  return parts.join('  ');
}

export function renderResult(result: ReportResult, format: OutputFormat, width?: number): string {
  if (format === 'json' || format === 'ndjson') return render(format, result.rows, result.columns);
  if (format === 'csv') return render('csv', flattenObjects(result.rows), result.columns);
  const md = format === 'md';
  const head = md ? `## ${termSafe(result.title)}\n\n_${termSafe(paramLine(result))}_\n\n` : `${termSafe(result.title)}  (${termSafe(paramLine(result))})\n\n`;
  if (!result.sections) return head + render(format, result.rows, result.columns, { width });
  let out = head;
  for (const name of result.sections) {
    const rows = result.rows.filter((r) => r.section === name);
    out += md ? `### ${termSafe(name)}\n\n` : `${termSafe(name)}\n`;
    const cols = usedColumns(rows, result.columns);
    out += rows.length ? render(format, rows, cols, { width }) : md ? '_no rows_\n' : '(no rows)\n';
    out += '\n';
  }
  return out;
}
