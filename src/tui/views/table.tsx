// A table from column definitions: fixed-width numeric columns, text columns sharing what is
// left, the selected row marked with '>' (visible without colour) and shown inverse.
import { Box, Text } from 'ink';
import { termSafe, truncate } from '../../util/sanitize.js';
import { cell } from '../format.js';
import type { Column, Row } from '../data/types.js';

export interface TableProps {
  columns: Column[];
  rows: Row[];
  /** index into rows, or -1 for no selection */
  selected: number;
  width: number;
  /** lines for the header and the rows together */
  height: number;
  tz: string;
  color: boolean;
  /** the column the rows are sorted by (its title gets a marker) */
  sortKey?: string;
}

/** numbers, and ids of digits among them, are right-aligned */
export const numeric = (c: Column) => c.kind !== 'text' || c.align === 'right';

/** Widths for each column: fixed ones as given, text ones share the rest (at least 8). */
export function columnWidths(columns: Column[], width: number): number[] {
  const gap = columns.length;
  const fixed = columns.reduce((a, c) => a + (c.width ?? 0), 0);
  const flex = columns.filter((c) => c.width === undefined).length;
  const left = Math.max(flex * 8, width - 2 - gap - fixed);
  return columns.map((c) => c.width ?? Math.floor(left / Math.max(1, flex)));
}

export function formatRow(columns: Column[], widths: number[], row: Row, tz: string): string {
  // a row that is one sentence (a spike in the Overview) spans the whole width
  if (typeof row._line === 'string') return truncate(termSafe(row._line), widths.reduce((a, w) => a + w + 1, -1));
  return columns.map((c, i) => {
    const text = termSafe(cell(row[c.key] ?? null, c.kind, tz, c.unit));
    const cut = c.cut === 'start' && text.length > widths[i] ? '…' + text.slice(text.length - widths[i] + 1) : truncate(text, widths[i]);
    return numeric(c) ? cut.padStart(widths[i]) : cut.padEnd(widths[i]);
  }).join(' ');
}

export function Table({ columns, rows, selected, width, height, tz, color, sortKey }: TableProps) {
  const widths = columnWidths(columns, width);
  const head = columns.map((c, i) => {
    const t = c.key === sortKey ? c.title + '▼' : c.title;
    return numeric(c) ? truncate(t, widths[i]).padStart(widths[i]) : truncate(t, widths[i]).padEnd(widths[i]);
  }).join(' ');
  // one line for the header, and one for "... N more" when the rows do not fit
  const overflow = rows.length > height - 1;
  const visible = Math.max(0, height - (overflow ? 2 : 1));
  // keep the selection on screen, a little below the top when scrolling down
  const start = selected < visible ? 0 : Math.min(selected - visible + 1, Math.max(0, rows.length - visible));
  const shown = rows.slice(start, start + visible);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">{'  ' + head}</Text>
      {shown.map((r, i) => {
        const idx = start + i;
        const sel = idx === selected;
        return (
          <Text key={idx} inverse={sel && color} bold={sel && !color} wrap="truncate-end">
            {(sel ? '> ' : '  ') + formatRow(columns, widths, r, tz)}
          </Text>
        );
      })}
      {overflow ? (
        <Text dimColor wrap="truncate-end">{`  ${start + 1}-${start + shown.length} of ${rows.length} (↑ ↓ PgUp PgDn)`}</Text>
      ) : null}
    </Box>
  );
}
