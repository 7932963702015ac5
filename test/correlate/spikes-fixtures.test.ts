// End to end on the real captures: ingest each bundled incident with the built CLI, run
// `report spikes --format json`, and hold the windows against truth.json's phases: every incident
// phase found, starting and ending within two buckets, and no window inside a quiet phase.
import { describe, expect, it } from 'vitest';
import { ingestStory, reportJson, truthOf, incidentWindows, STORIES } from '../report/fixture-db.js';

const KEYS = ['window', 'start_ts', 'end_ts', 'start', 'end', 'duration_s', 'peak_rps', 'baseline_rps', 'requests', 'errors',
  'error_rate', 'p95_ms', 'baseline_p95_ms', 'peak_inflight', 'events', 'event_kinds', 'reasons', 'aftermath_end_ts', 'aftermath_end', 'severity'];

interface Spike { start_ts: number; end_ts: number; start: string; end: string; reasons: string }

// The done-when names the three captures from shared/samples: two buckets there. The lab's
// later stories are held to five: in story 4 requests that arrive after the burst still queue
// behind it for ~3 s (Varnish stamps the start, so they count as slow arrivals), and in story 5
// lighttpd's cached clock puts stamps 1-2 s early (docs/reports.md "Spikes", known limits).
// The quiet-phase check below applies to the three as well.
const STRICT = new Set(['1b-lighttpd-1.4.45-fastcgi-overload', '2-nginx-proxy-tempfile-timeout', '3-nginx-phpfpm-max-children']);

describe.each(STORIES)('spikes on %s', (story) => {
  const db = ingestStory(story);
  const spikes = reportJson<Spike & Record<string, unknown>>(db, 'spikes');
  const bucketMs = 1000; // every capture is 1-2 minutes: auto picks 1 s buckets (checked below)
  const truth = truthOf(story);
  const tolerance = (STRICT.has(story) ? 2 : 5) * bucketMs;

  it('uses 1 s buckets and stable keys', () => {
    const tl = reportJson<{ bucket_ts: number }>(db, 'timeline');
    expect(tl[1].bucket_ts - tl[0].bucket_ts).toBe(bucketMs);
    for (const s of spikes) expect(Object.keys(s)).toEqual(KEYS);
  });

  it.each(incidentWindows(truth).map((w) => [w.name, w] as const))('finds %s, its start and end within tolerance', (_name, w) => {
    const hit = spikes.find((s) => s.end_ts > w.start && s.start_ts < w.end);
    expect(hit, `no window overlaps ${new Date(w.start).toISOString()}..${new Date(w.end).toISOString()}: ${JSON.stringify(spikes.map((s) => [s.start, s.end]))}`).toBeDefined();
    console.log(`${story} ${_name}: start ${(hit!.start_ts - w.start) / 1000} s, end ${(hit!.end_ts - w.end) / 1000} s (${hit!.reasons})`);
    expect(Math.abs(hit!.start_ts - w.start)).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(hit!.end_ts - w.end)).toBeLessThanOrEqual(tolerance);
  });

  // story 4's recovery really is slower for a few seconds (profile.cgi at 0.2-1.1 s against
  // 60 ms): a window there is a finding, not noise, so only the done-when stories are held to it
  it.runIf(STRICT.has(story))('opens no window in a quiet phase', () => {
    const incidents = incidentWindows(truth);
    for (const s of spikes) {
      const near = incidents.some((w) => s.end_ts > w.start - tolerance && s.start_ts < w.end + tolerance);
      expect(near, `window ${s.start}..${s.end} (${s.reasons}) lies in a quiet phase`).toBe(true);
    }
  });
});
