// A drill-down: its title, the route's own timeline when it has one, then its tables as one
// scrolling list of lines (↑ ↓ scroll it).
import { Box, Text } from 'ink';
import { drawTimeline } from './timeline-draw.js';
import { Line } from './segments.js';
import { columnWidths, formatRow, numeric } from './table.js';
import { termSafe } from '../../util/sanitize.js';
import type { DrillData } from '../data/types.js';

const CHART_HEIGHT = 3;

/** The drill-down's tables as lines: a title, a header and the rows of each. */
export function drillLines(d: DrillData, width: number, tz: string): Array<{ text: string; bold?: boolean }> {
  const out: Array<{ text: string; bold?: boolean }> = [];
  for (const { title, table } of d.tables) {
    const widths = columnWidths(table.columns, width);
    out.push({ text: `${title} (${table.rows.length})`, bold: true });
    out.push({ text: '  ' + table.columns.map((c, i) => (numeric(c) ? c.title.padStart(widths[i]) : c.title.padEnd(widths[i]))).join(' '), bold: true });
    for (const r of table.rows) out.push({ text: '  ' + formatRow(table.columns, widths, r, tz) });
    if (table.rows.length === 0) out.push({ text: '  (none in this window)' });
  }
  return out;
}

export interface DrillProps {
  data: DrillData | null;
  scroll: number;
  width: number;
  height: number;
  tz: string;
  color: boolean;
  loading: boolean;
  error: string | null;
}

export function Drill({ data, scroll, width, height, tz, color, loading, error }: DrillProps) {
  if (error) return <Text wrap="truncate-end">{`query failed: ${termSafe(error)}`}</Text>;
  if (!data) return <Text dimColor>{loading ? 'loading...' : ''}</Text>;
  const chart = data.chart && height >= 12
    ? drawTimeline({ buckets: data.chart.buckets, bucketMs: data.chart.bucketMs, spikes: [], cursor: -1, mark: null, offset: 0,
      width, height: CHART_HEIGHT, tz }).filter((_, i) => i !== CHART_HEIGHT) // no event-marker row: routes have none
    : [];
  const lines = drillLines(data, width, tz);
  const room = Math.max(1, height - 1 - chart.length);
  const shown = lines.slice(scroll, scroll + room);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">{termSafe(data.title)}{loading ? ' ...' : ''}{'  (Esc back)'}</Text>
      {chart.map((segs, i) => <Line key={'c' + i} segments={segs} color={color} />)}
      {shown.map((l, i) => <Text key={i} bold={l.bold} wrap="truncate-end">{termSafe(l.text)}</Text>)}
    </Box>
  );
}
