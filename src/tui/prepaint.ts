// The first paint, before ink has loaded. Loading ink and React takes ~0.3-0.6 s, longer than
// the header and the whole range's bars take to compute at 10M requests; so the bars are drawn
// straight to the terminal as soon as they are known, in the rows ink will draw them in, and ink
// loads after that (index.ts). ink's first frame then writes over them from the top (its output
// fills all rows but the last).
import { headerLines } from './views/header-text.js';
import { drawTimeline } from './views/timeline-draw.js';
import { layout } from './layout.js';
import { termSafe, truncate } from '../util/sanitize.js';
import type { HeaderData, TimelineData } from './data/types.js';

export function prepaint(out: NodeJS.WriteStream, header: HeaderData, tl: TimelineData, tz: string, host: string | null): void {
  const columns = out.columns || 80;
  const rows = out.rows || 24;
  const w = tl.window;
  const lines = [...headerLines({ header, window: w, zoomDepth: 0, tz, live: null, loading: true, host })];
  const bars = drawTimeline({ buckets: tl.buckets, bucketMs: w.bucketMs, spikes: [], cursor: tl.buckets.length - 1, mark: null,
    offset: 0, width: columns, height: layout(rows).chart, tz });
  for (const segs of bars) lines.push(segs.map((s) => s.text).join(''));
  // home, each line cleared to its end, and home again: ink starts its frame where the cursor is
  out.write('\x1b[H' + lines.map((l) => termSafe(truncate(l, columns)) + '\x1b[K').join('\r\n') + '\x1b[H');
}
