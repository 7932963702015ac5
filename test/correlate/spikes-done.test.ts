// The spikes series carries no done_hist: the module reads the done histogram of a bucket when the
// detector asks for it (after a window's load) through spikes.sql's `done` section. That read
// must give, for every bucket, what the series joined to traffic() gave it before.
import { describe, expect, it } from 'vitest';
import { openReadOnly } from '../../src/store/db.js';
import { ensureRollups, findReport, prepareSection, runSection } from '../../src/report/runner.js';
import { storyDb, STORY3 } from '../fixtures.js';

describe('spikes: a bucket\'s done histogram read alone', () => {
  const db = openReadOnly(storyDb(STORY3));
  ensureRollups(db);
  const def = findReport('spikes');
  const done = def.sections.find((s) => s.name === 'done')!;
  const range = db.prepare("SELECT min(t) AS lo, max(t) AS hi FROM rollup_second WHERE tier = 'edge'").get() as { lo: number; hi: number };

  it('is what the series joined to traffic() gave each bucket, whole, cut by the range or read from minutes', () => {
    expect(def.sections.find((s) => s.name === 'series')!.sql).not.toContain('done_hist');
    // 1 s; 10 s from a stamp off the second; 1 min from a stamp off the minute (minutes and cut
    // minutes read from different tables); a range whose last bucket `to` cuts
    const cases = [[range.lo, range.hi + 1000, 1000], [range.lo + 1234, range.hi + 1000, 10_000],
      [range.lo - 17_345, range.hi + 60_000, 60_000], [range.lo, range.lo + 150_500, 60_000]];
    let read = 0;
    for (const [from, to, step] of cases) {
      const bind = { from: BigInt(from), to: BigInt(to), bucket_ms: BigInt(step), tier: 'edge', host: null };
      const joined = prepareSection(db, `SELECT b.bucket_ts, r.done_hist FROM buckets(:from, :to, :bucket_ms) b
        LEFT JOIN traffic(:from, :to, :bucket_ms, :tier, :host) r ON r.bucket_ts = b.bucket_ts ORDER BY 1`).all(bind) as Array<{ bucket_ts: number; done_hist: string | null }>;
      expect(joined.length).toBeGreaterThan(2);
      for (const b of joined) {
        const one = runSection(db, def, done, { ...bind, from: BigInt(b.bucket_ts), to: BigInt(Math.min(b.bucket_ts + step, to)) });
        expect(one.length ? one[0].done_hist : null, `${step} ms bucket at ${b.bucket_ts}`).toBe(b.done_hist);
        if (b.done_hist) read++;
      }
    }
    expect(read).toBeGreaterThan(100);
  });
});
