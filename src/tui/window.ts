// Windows and buckets: which buckets a time range is drawn in, and how zooming and the +/- keys
// move between them. Bucket sizes come from a list of round steps so labels stay readable.
import type { Window } from './data/types.js';

/** the timeline's y-axis labels take this many columns */
export const AXIS = 6;

/** How many buckets fit across a terminal this wide without scrolling. */
export function plotWidth(width: number): number {
  return Math.max(10, width - AXIS - 1);
}

export const STEPS_MS = [
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

/** The smallest step that draws `spanMs` in at most `columns` buckets. */
export function fitBucket(spanMs: number, columns: number): number {
  for (const s of STEPS_MS) if (Math.ceil(spanMs / s) <= columns) return s;
  return STEPS_MS[STEPS_MS.length - 1];
}

/** A window on the bucket grid: `from` floored and `to` ceiled to whole buckets. */
export function makeWindow(from: number, to: number, bucketMs: number, host: string | null): Window {
  const f = Math.floor(from / bucketMs) * bucketMs;
  const t = Math.max(f + bucketMs, Math.ceil(to / bucketMs) * bucketMs);
  return { from: f, to: t, bucketMs, host };
}

export function bucketCount(w: Window): number {
  return Math.max(0, Math.round((w.to - w.from) / w.bucketMs));
}

/** Same range, next finer (dir -1) or coarser (dir +1) step; null at either end of the list. */
export function rebucket(w: Window, dir: -1 | 1, span: { from: number; to: number }): Window | null {
  const i = STEPS_MS.findIndex((s) => s >= w.bucketMs);
  const next = STEPS_MS[(i < 0 ? STEPS_MS.length - 1 : i) + dir];
  if (!next) return null;
  // finer steps could mean millions of buckets on a long range: cap at 20k per window
  if (Math.ceil((span.to - span.from) / next) > 20_000) return null;
  return makeWindow(span.from, span.to, next, w.host);
}
