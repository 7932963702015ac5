// The timeline strip as characters: one column per bucket (or several, when the buckets are
// fewer than the columns), bar heights in eighths of a cell, 5xx as the lower part of the bar
// in its own glyph, spike windows shaded, event markers, the cursor and the marked window.
import { push, type Segment } from './runs.js';
import { markerLetter } from '../markers.js';
import { clock, rate } from '../format.js';
import type { Bucket, Spike } from '../data/types.js';

const BLOCKS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
import { AXIS, plotWidth } from '../window.js';

export { AXIS, plotWidth };

export interface TimelineDrawInput {
  buckets: Bucket[];
  bucketMs: number;
  spikes: Spike[];
  cursor: number;
  mark: { a: number; b: number } | null;
  /** first bucket shown when there are more buckets than columns */
  offset: number;
  width: number;
  height: number;
  tz: string;
}

/** Which bucket each plot column shows, and where each shown bucket starts. */
export function columnMap(n: number, plotW: number, offset: number): { bucketAt: number[]; startCol: Map<number, number> } {
  const bucketAt: number[] = [];
  const startCol = new Map<number, number>();
  if (n === 0 || plotW <= 0) return { bucketAt, startCol };
  const stretched = n <= plotW;
  for (let c = 0; c < plotW; c++) {
    const b = stretched ? Math.floor((c * n) / plotW) : offset + c;
    if (b >= n) break;
    bucketAt.push(b);
    if (!startCol.has(b)) startCol.set(b, c);
  }
  return { bucketAt, startCol };
}

export function drawTimeline(x: TimelineDrawInput): Segment[][] {
  const plotW = plotWidth(x.width);
  const n = x.buckets.length;
  const { bucketAt, startCol } = columnMap(n, plotW, x.offset);
  const max = Math.max(1, ...bucketAt.map((b) => x.buckets[b].requests));
  const inSpike = (b: number) => {
    const t = x.buckets[b].t;
    return x.spikes.some((s) => t < s.to && t + x.bucketMs > s.from);
  };
  const spikeCol = bucketAt.map(inSpike);
  const H = x.height;
  const lines: Segment[][] = [];
  const label = (s: string) => s.padStart(AXIS - 1).slice(-(AXIS - 1));
  for (let r = 0; r < H; r++) {
    const level = H - 1 - r;
    const line: Segment[] = [];
    const axis = r === 0 ? label(rate((max * 1000) / x.bucketMs)) + '┤' : r === H - 1 ? label('0') + '┤' : ' '.repeat(AXIS - 1) + '│';
    push(line, axis, 'dim');
    bucketAt.forEach((b, c) => {
      const bk = x.buckets[b];
      const h8 = bk.requests > 0 ? Math.max(1, Math.round((bk.requests / max) * H * 8)) : 0;
      const e8 = bk.s5xx > 0 ? Math.min(h8, Math.max(1, Math.round((bk.s5xx / max) * H * 8))) : 0;
      const fill = Math.max(0, Math.min(8, h8 - level * 8));
      const efill = Math.max(0, Math.min(8, e8 - level * 8));
      if (fill === 0) push(line, spikeCol[c] ? '░' : ' ', spikeCol[c] ? 'spike' : undefined);
      else if (efill > 0 && efill * 2 >= fill) push(line, fill === 8 ? '▓' : BLOCKS[fill], 'error');
      else push(line, BLOCKS[fill], 'bar');
    });
    lines.push(line);
  }
  // event markers on the first column of their bucket
  const ev: Segment[] = [];
  push(ev, ' ev  │', 'dim');
  bucketAt.forEach((b, c) => {
    const letter = startCol.get(b) === c ? markerLetter(x.buckets[b].events) : ' ';
    push(ev, letter, letter === ' ' ? undefined : 'marker');
  });
  lines.push(ev);
  // the axis carries the marked window and the cursor
  const sel: Segment[] = [];
  push(sel, ' '.repeat(AXIS - 1) + '└', 'dim');
  const lo = x.mark ? Math.min(x.mark.a, x.mark.b) : -1;
  const hi = x.mark ? Math.max(x.mark.a, x.mark.b) : -2;
  bucketAt.forEach((b, c) => {
    const first = startCol.get(b) === c;
    const lastOf = bucketAt[c + 1] !== b;
    if (b === x.cursor && first) push(sel, '▲', 'cursor');
    else if (b === lo && first) push(sel, '[', 'mark');
    else if (b === hi && lastOf) push(sel, ']', 'mark');
    else if (b >= lo && b <= hi) push(sel, '═', 'mark');
    else push(sel, '─', 'dim');
  });
  lines.push(sel);
  // time labels where they fit, each at the start of its bucket
  const spanMs = n * x.bucketMs;
  let text = ' '.repeat(AXIS);
  bucketAt.forEach((b, c) => {
    if (startCol.get(b) !== c || text.length > AXIS + c) return;
    const l = clock(x.buckets[b].t, x.tz, spanMs);
    if (c + l.length > bucketAt.length) return;
    text = text.padEnd(AXIS + c) + l + '  ';
  });
  lines.push([{ text: text.trimEnd(), tone: 'dim' }]);
  return lines;
}
