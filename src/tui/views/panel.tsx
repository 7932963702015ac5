// The open panel: its note line and its table, filtered and sorted as the keys asked.
import { Box, Text } from 'ink';
import { Table } from './table.js';
import { termSafe } from '../../util/sanitize.js';
import type { Row, Table as TableData } from '../data/types.js';

/** Rows that contain the filter text in any column (case-insensitive), sorted by `sortKey`. */
export function visibleRows(t: TableData, filter: string, sortIndex: number): Row[] {
  const f = filter.toLowerCase();
  let rows = f ? t.rows.filter((r) => [...t.columns.map((c) => c.key), '_line'].some((k) => String(r[k] ?? '').toLowerCase().includes(f))) : t.rows;
  const key = t.sorts[sortIndex];
  // the first sort is the order the query returned; the others sort numbers down, text up
  if (sortIndex > 0 && key) {
    rows = [...rows].sort((a, b) => {
      const x = a[key], y = b[key];
      if (typeof x === 'number' || typeof y === 'number') return Number(y ?? -Infinity) - Number(x ?? -Infinity);
      return String(x ?? '').localeCompare(String(y ?? ''));
    });
  }
  return rows;
}

export interface PanelProps {
  table: TableData | null;
  rows: Row[];
  selected: number;
  sortKey: string | undefined;
  width: number;
  height: number;
  tz: string;
  color: boolean;
  loading: boolean;
  error: string | null;
}

export function Panel(p: PanelProps) {
  if (p.error) return <Text color={p.color ? 'red' : undefined} wrap="truncate-end">{`query failed: ${termSafe(p.error)}`}</Text>;
  if (!p.table) return <Text dimColor>{p.loading ? 'loading...' : ''}</Text>;
  // the match count first: the note is cut at the screen's edge
  const note = (p.rows.length !== p.table.rows.length ? `${p.rows.length} of ${p.table.rows.length} rows match | ` : '') + (p.table.note ?? '');
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate-end">{termSafe(note)}{p.loading ? ' ...' : ''}</Text>
      <Table columns={p.table.columns} rows={p.rows} selected={p.rows.length ? p.selected : -1} width={p.width}
        height={p.height - 1} tz={p.tz} color={p.color} sortKey={p.sortKey} />
    </Box>
  );
}
