// A report result -> text. Flat formats (json, ndjson, csv) print every row with the same keys;
// table and Markdown print a report with sections as one table per section, each with only the
// columns its rows use, under a heading.
import { renderText, type OutputFormat, type Row } from './render.js';
import { mdInert, termSafe } from '../util/sanitize.js';
import type { ReportResult } from './runner.js';

function usedColumns(rows: Row[], columns: string[]): string[] {
  return columns.filter((c) => c !== 'section' && rows.some((r) => r[c] !== null && r[c] !== undefined));
}

export function paramLine(result: ReportResult): string {
  const parts = Object.entries(result.params).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`);
  return parts.join('  ');
}

/** The result as text, chunk by chunk (writeOut streams it). */
export function* resultText(result: ReportResult, format: OutputFormat, width?: number): Generator<string> {
  if (format === 'json' || format === 'ndjson' || format === 'csv') { yield* renderText(format, result.rows, result.columns); return; }
  const md = format === 'md';
  yield md ? `## ${mdInert(result.title)}\n\n_${mdInert(paramLine(result))}_\n\n` : `${termSafe(result.title)}  (${termSafe(paramLine(result))})\n`;
  for (const note of result.notes ?? []) yield md ? `_Note: ${mdInert(note)}._\n\n` : `note: ${termSafe(note)}\n`;
  if (!md) yield '\n';
  if (!result.sections) { yield* renderText(format, result.rows, result.columns, { width }); return; }
  for (const name of result.sections) {
    const rows = result.rows.filter((r) => r.section === name);
    yield md ? `### ${mdInert(name)}\n\n` : `${termSafe(name)}\n`;
    const cols = usedColumns(rows, result.columns);
    if (rows.length) yield* renderText(format, rows, cols, { width });
    else yield md ? '_no rows_\n' : '(no rows)\n';
    yield '\n';
  }
}
