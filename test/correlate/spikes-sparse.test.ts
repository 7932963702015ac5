// The sparse story (fixtures/long/8-nginx-phpfpm-sparse-two-weeks): two weeks of a small site, a
// few requests an hour, a nightly job with one refused connect every night, and one outage. A
// user ingests it with the built CLI and asks for the spikes and the postmortem: the outage must
// come first, refined to its minutes, with no routine night among the windows, and the summary
// must tell that outage with readable rates and each limit by its own server's name.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ingestStoryLogs, reportJson, ROOT } from '../fixtures.js';
import type { Story } from '../../src/demo/incidents.js';
import { rate } from '../../src/postmortem/text.js';
import { rateUnit } from '../../src/tui/format.js';
import { rankRows, refineStep } from '../../src/correlate/spikes.js';

const STORY = join(ROOT, 'fixtures/long/8-nginx-phpfpm-sparse-two-weeks');
const truth = JSON.parse(readFileSync(join(STORY, 'truth.json'), 'utf8')) as { story: string; ingest: Story['ingest'] } & {
  signatures: { nightly_job: string[]; outage: { start: string; end: string } };
};

// (not one of the bundled incidents the run ingests once: this test is its only reader)
function ingest(): string {
  const db = join(mkdtempSync(join(tmpdir(), 'overload-sparse-')), 'sparse.db');
  ingestStoryLogs({ story: truth.story, dir: STORY, phases: [], ingest: truth.ingest, snapshots: [], truth }, db, { host: null });
  return db;
}

interface Spike { window: number; start_ts: number; end_ts: number; start: string; end: string; rank: number; severity: number; resolution: string; peak_rps: number; baseline_rps: number; reasons: string; errors: number }

const HOUR = 3_600_000;
const db = ingest();
const spikes = reportJson<Spike>(db, 'spikes');
const outage = { start: Date.parse(truth.signatures.outage.start), end: Date.parse(truth.signatures.outage.end) };

describe('spikes on two sparse weeks with a nightly job and one outage', () => {
  it('reads the range in 1 h buckets (the case the time-of-day baseline is for)', () => {
    const tl = reportJson<{ bucket_ts: number }>(db, 'timeline');
    expect(tl[1].bucket_ts - tl[0].bucket_ts).toBe(HOUR);
  });

  it('ranks the outage first, refined from the hour to its minutes', () => {
    const first = spikes.find((s) => s.rank === 1);
    expect(first, JSON.stringify(spikes)).toBeDefined();
    expect(first!.start_ts, `start ${first!.start}`).toBeGreaterThanOrEqual(outage.start - 60_000);
    expect(first!.start_ts, `start ${first!.start}`).toBeLessThanOrEqual(outage.start + 60_000);
    expect(first!.end_ts, `end ${first!.end}`).toBeGreaterThanOrEqual(outage.end - 60_000);
    expect(first!.end_ts, `end ${first!.end}`).toBeLessThanOrEqual(outage.end + 60_000);
    expect(['1s', '10s', '1m']).toContain(first!.resolution);
    expect(first!.reasons.split(',')).toEqual(expect.arrayContaining(['errors', 'events']));
    // a rate a person can read: requests an hour, not 0 requests/s
    expect(first!.baseline_rps).toBeGreaterThan(0);
  });

  it('flags no routine night: no window touches a nightly job', () => {
    const jobs = truth.signatures.nightly_job.map((t) => Date.parse(t));
    expect(jobs.length).toBe(14);
    for (const s of spikes) {
      for (const j of jobs) expect(s.end_ts <= j - HOUR || s.start_ts >= j + HOUR, `window ${s.start}..${s.end} (${s.reasons}) at the nightly job ${new Date(j).toISOString()}`).toBe(true);
    }
    // and none anywhere else: the outage is the one event of the two weeks
    expect(spikes.map((s) => `${s.start}..${s.end} ${s.reasons}`)).toHaveLength(1);
  });
});

describe('the postmortem of the sparse story', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'overload-sparse-pm-')), 'pm.md');
  const r = cli(['postmortem', '--db', db, '-o', out]);
  const md = r.code === 0 ? readFileSync(out, 'utf8') : '';
  const summary = md.slice(md.indexOf('## Summary'), md.indexOf('## Timeline'));

  it('tells the outage in the summary, and only the outage', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(md).toMatch(/^# Postmortem: overload on 2026-11-26, 21:0\d:\d\d–21:1\d:\d\d UTC/);
    expect(summary).toMatch(/- \*\*When:\*\* 2026-11-26, 21:0\d:\d\d–21:1\d:\d\d \(\d+ min( \d+ s)?\) UTC(; the aftermath \([^)]*\) lasted until 21:1\d:\d\d)?\./);
    expect(summary).not.toMatch(/02:[0-5]\d:\d\d/);
    expect(summary).not.toContain('Lesser windows');
  });

  it('gives rates in a unit a person reads, never 0 requests/s', () => {
    expect(summary).toMatch(/- \*\*Peak rate:\*\* \d+(\.\d)? requests\/(s|min) in window 1 \(its busiest 1s\), against a baseline of \d+(\.\d)? requests\/h\./);
    expect(md).not.toMatch(/\b0 requests\/s/);
  });

  it('names each limit by its own server: nginx worker_connections, PHP-FPM pm.max_children, never MaxRequestWorkers', () => {
    expect(md).toMatch(/nginx's worker_connections \(16\) \("worker_connections are not enough"\) was reached [\d,]+ times/);
    // PHP-FPM logged its limit once; the 78 nginx alerts are not pm.max_children warnings
    expect(md).toMatch(/PHP-FPM's pm\.max_children \(3\) of pool `www` was reached 1 time \(21:05:01\)/);
    expect(md).not.toContain('MaxRequestWorkers');
  });

  it('tells the nightly refused connect as one recurring finding outside the windows', () => {
    expect(md).toMatch(/Connecting to `127\.0\.0\.1:18098` failed 14 times \(refused or timed out[^)]*\) in 14 episodes \(2026-11-16 02:30:\d\d … 2026-11-29 02:30:\d\d\); 0 of them inside the spike windows/);
  });
});

describe('readable rates', () => {
  it('per second from 1/s, per minute from 1/min, else per hour', () => {
    expect(rate(12.5)).toBe('13 requests/s');
    expect(rate(2.25)).toBe('2.3 requests/s');
    expect(rate(0.05)).toBe('3 requests/min');
    expect(rate(0.00111)).toBe('4 requests/h');
    expect(rate(null)).toBe('–');
    expect(rateUnit(0.00111)).toBe('4.0 req/h');
    expect(rateUnit(3)).toBe('3.0 req/s');
  });
});

describe('refinement step and rank', () => {
  it('refines to the finest step the window fills with 2 requests + events a bucket', () => {
    const H = 3_600_000;
    expect(refineStep(H, H, 2400)).toBe(10_000);          // an hour's window: 6.7 per 10 s
    expect(refineStep(10_000, 420_000, 2400)).toBe(1000);  // the same load within 7 min: 5.7 a second
    expect(refineStep(H, H, 3)).toBeNull();                // three requests: no step is filled
    expect(refineStep(1000, 60_000, 5000)).toBeNull();     // nothing is finer than 1 s
  });

  it('ranks by severity, then 5xx, then time', () => {
    const rows = rankRows([
      { window: 1, severity: 5, errors: 0, start_ts: 1 },
      { window: 2, severity: 9, errors: 0, start_ts: 2 },
      { window: 3, severity: 5, errors: 3, start_ts: 3 },
    ]);
    expect(rows.map((r) => [r.window, r.rank])).toEqual([[1, 3], [2, 1], [3, 2]]);
  });
});
