// Web servers that stamp the END of a request with whole seconds (nginx $time_local, lighttpd %t)
// put every request that ended within one second on the same instant. Taken literally, the
// requests of a second all end together and start `duration` before that: dozens of 30 ms
// requests appear to overlap (a false in-flight peak), and each lands a second early.
//
// The log's line order is the completion order, so within one stamped second the k-th of m
// lines ended at about ts + (k + 0.5) / m seconds: spread them evenly in that order, then
// start = end - duration. Durations stay exact; each end moves by less than the stamp's own
// resolution. Sources with sub-second stamps, and start-stamped rows (ts != end_ts), are left alone.

export interface Timed {
  source: number;
  ts: number;
  start: number | null;
  end: number | null;
}

/** Which sources stamp in whole seconds: every sampled ts is a multiple of 1000. */
export function wholeSecondSources(samples: Array<{ source_id: number; frac: number | null }>): Set<number> {
  return new Set(samples.filter((s) => s.frac === 0).map((s) => s.source_id));
}

/**
 * Feed rows in log order (by id); `emit` receives each row with its refined start and end, in
 * the same order per source. Call flush() at the end.
 */
export class StampSpreader<T extends Timed> {
  private groups = new Map<number, T[]>();

  constructor(private whole: Set<number>, private emit: (row: T, start: number | null, end: number | null) => void) {}

  push(row: T): void {
    const endStamped = row.end !== null && row.end === row.ts;
    if (!this.whole.has(row.source) || !endStamped) {
      this.emit(row, row.start, row.end);
      return;
    }
    const g = this.groups.get(row.source);
    if (g && g[0].ts !== row.ts) this.flushGroup(row.source);
    const cur = this.groups.get(row.source);
    if (cur) cur.push(row);
    else this.groups.set(row.source, [row]);
  }

  flush(): void {
    for (const source of [...this.groups.keys()]) this.flushGroup(source);
  }

  private flushGroup(source: number): void {
    const g = this.groups.get(source);
    this.groups.delete(source);
    if (!g) return;
    const m = g.length;
    g.forEach((row, k) => {
      const end = row.ts + Math.floor(((k + 0.5) / m) * 1000);
      const dur = row.end! - (row.start ?? row.end!);
      this.emit(row, end - dur, end);
    });
  }
}
