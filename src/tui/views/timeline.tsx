// The timeline strip plus one line about the bucket under the cursor (or the marked window).
import { Box, Text } from 'ink';
import { drawTimeline } from './timeline-draw.js';
import { Line } from './segments.js';
import { bucketName, clock, int, ms, rate, span } from '../format.js';
import { termSafe } from '../../util/sanitize.js';
import type { Bucket, CursorDetail, Spike } from '../data/types.js';

export interface TimelineProps {
  buckets: Bucket[];
  bucketMs: number;
  spikes: Spike[];
  cursor: number;
  mark: { a: number; b: number } | null;
  offset: number;
  width: number;
  height: number;
  tz: string;
  color: boolean;
  detail: CursorDetail | null;
}

function cursorLine(p: TimelineProps): string {
  const b = p.buckets[p.cursor];
  if (!b) return '';
  const spanMs = p.buckets.length * p.bucketMs;
  if (p.mark) {
    const lo = Math.min(p.mark.a, p.mark.b), hi = Math.max(p.mark.a, p.mark.b);
    const from = p.buckets[lo]?.t ?? b.t;
    const to = (p.buckets[hi]?.t ?? b.t) + p.bucketMs;
    const reqs = p.buckets.slice(lo, hi + 1).reduce((a, x) => a + x.requests, 0);
    const errs = p.buckets.slice(lo, hi + 1).reduce((a, x) => a + x.s5xx, 0);
    return `window ${clock(from, p.tz, spanMs)}-${clock(to, p.tz, spanMs)} (${span(to - from)}): ${int(reqs)} requests, ${int(errs)} 5xx | Enter zoom in, Esc clear`;
  }
  const parts = [`${clock(b.t, p.tz, spanMs)} +${bucketName(p.bucketMs)}`, `${rate((b.requests * 1000) / p.bucketMs)} req/s`,
    `5xx ${int(b.s5xx)}${b.requests ? ` (${Math.round((100 * b.s5xx) / b.requests)}%)` : ''}`];
  const d = p.detail && p.detail.t === b.t ? p.detail : null;
  if (d && d.p50 !== null) parts.push(`p50 ${ms(d.p50)} p95 ${ms(d.p95 ?? 0)} p99 ${ms(d.p99 ?? 0)}`);
  if (b.inflight) parts.push(`in flight ${b.inflight}`);
  const ev = Object.entries(b.events).sort((x, y) => y[1] - x[1]).slice(0, 3).map(([k, n]) => `${termSafe(k)} ${n}`);
  if (ev.length) parts.push(ev.join(', '));
  const sp = p.spikes.find((s) => b.t < s.to && b.t + p.bucketMs > s.from);
  if (sp) parts.push('in spike');
  return parts.join(' | ');
}

export function Timeline(p: TimelineProps) {
  const lines = drawTimeline(p);
  return (
    <Box flexDirection="column">
      {lines.map((segs, i) => <Line key={i} segments={segs} color={p.color} />)}
      <Text wrap="truncate-end">{cursorLine(p)}</Text>
    </Box>
  );
}
