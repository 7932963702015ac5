// The proof that overload explains the bundled real incidents: each story's logs as the run
// ingested them with the built CLI (test/global-setup.ts), the reports read as JSON (run
// in-process), and the answers held against the story's truth.json. A failure names the story and
// what was expected. The spike windows against the phases: test/correlate/spikes-fixtures.test.ts.
import { describe, expect, it, beforeAll } from 'vitest';
import type { Story } from '../../src/demo/incidents.js';
import { reportJson, sql, storyDb, STORY_LIST } from '../fixtures.js';

type Row = Record<string, unknown>;

function report(db: string, name: string, host: string, extra: string[] = []): Row[] {
  return reportJson(db, name, ['--host', host, ...extra]);
}

/** Incident phases that touch or overlap merged into periods (story 3's burst D runs inside C). */
function incidentPeriods(story: Story): Array<{ start: number; end: number; names: string[] }> {
  const phases = story.phases.filter((p) => p.incident)
    .map((p) => ({ start: Date.parse(p.start), end: Date.parse(p.end), names: [p.name] }))
    .sort((a, b) => a.start - b.start);
  const out: typeof phases = [];
  for (const p of phases) {
    const last = out[out.length - 1];
    if (last && p.start <= last.end + 1000) {
      last.end = Math.max(last.end, p.end);
      last.names.push(...p.names);
    } else out.push({ ...p });
  }
  return out;
}

const stories = STORY_LIST;

describe.each(stories.map((s) => [s.story, s] as const))('story %s', (name, story) => {
  const db = storyDb(name);
  const truth = story.truth as { signatures: Record<string, unknown> & { files?: Record<string, { role?: string; status?: Record<string, number> }> }; settings: Record<string, unknown> };
  const signatures = truth.signatures;
  let bucketMs = 1000;
  let spikes: Row[] = [];

  beforeAll(() => {
    const timeline = report(db, 'timeline', name);
    bucketMs = Number(timeline[1].bucket_ts) - Number(timeline[0].bucket_ts);
    spikes = report(db, 'spikes', name);
  }, 300_000);

  it('reads every line of every log (no rejects)', () => {
    const sources = sql<{ path: string; rejected: number; parsed: number }>(db, 'SELECT path, rejected, parsed FROM sources');
    expect(sources.length, `${name}: one source per file of truth.json`).toBe(story.ingest.length);
    for (const s of sources) expect(s.rejected, `${name}: rejects in ${s.path}`).toBe(0);
  });

  it('finds the events truth.json counts, kind by kind', () => {
    const rows = sql<{ kind: string; n: number }>(db, `SELECT kind, count(*) n FROM events WHERE host = '${name}' GROUP BY kind`);
    const got = Object.fromEntries(rows.map((r) => [r.kind, r.n]));
    expect(got, `${name}: event kinds`).toEqual(signatures.event_kinds);
  });

  it('finds the status codes truth.json counts, file by file', () => {
    const files = Object.entries(signatures.files ?? {}).filter(([, f]) => f.role?.includes('access') && f.status);
    expect(files.length, `${name}: truth.json counts the status codes of its access logs`).toBeGreaterThan(0);
    for (const [file, facts] of files) {
      const rows = sql<{ status: number; n: number }>(db,
        `SELECT r.status, count(*) n FROM requests r JOIN sources s ON s.id = r.source_id WHERE s.path LIKE '%/${file}' GROUP BY r.status`);
      expect(Object.fromEntries(rows.map((r) => [String(r.status), r.n])), `${name}: status of ${file}`).toEqual(facts.status);
    }
  });

  it('names the slow route first in the incident report of one of its spikes', () => {
    const tops = spikes.map((s) => {
      const rows = report(db, 'incident', name, ['--from', String(s.start), '--to', String(s.end)]);
      return rows.find((r) => r.section === 'routes')?.item;
    });
    expect(tops, `${name}: ${String(signatures.slow_route)} first among the routes of a spike window`).toContain(signatures.slow_route);
  });

  it('shows more requests in flight during the incident than the server could serve', () => {
    const limit = Number(truth.settings['pm.max_children'] ?? truth.settings.php_workers_total ?? truth.settings.MaxRequestWorkers ?? NaN);
    if (Number.isNaN(limit)) return; // a proxy story: no worker limit to exceed
    const periods = incidentPeriods(story);
    const rows = report(db, 'concurrency', name, ['--param', `limit=${limit}`]);
    const during = rows.filter((r) => periods.some((p) => Number(r.bucket_ts) >= p.start - bucketMs && Number(r.bucket_ts) <= p.end));
    const peak = Math.max(...during.map((r) => Number(r.peak)));
    expect(peak, `${name}: peak in flight during the incident vs the limit ${limit}`).toBeGreaterThan(limit);
    expect(during.some((r) => Number(r.over_limit_s) > 0), `${name}: time above the limit`).toBe(true);
  });

  it.runIf(name.startsWith('3-'))('ranks the guilty script\'s slowlog stack first and joins it to its route', () => {
    const top = report(db, 'slowlog-top', name)[0];
    expect(top, `${name}: top slowlog fingerprint`).toMatchObject({ routes: signatures.slow_route, top_frame: 'sleep()', app_frame: 'runQuery()' });
    const joined = sql<{ n: number }>(db, `SELECT count(*) n FROM slow_traces WHERE host = '${name}' AND route IS NULL`);
    expect(joined[0].n, `${name}: slow traces without a request`).toBe(0);
  });

  it.runIf(name.startsWith('2-'))('joins the oversized responses to their disk buffering', () => {
    const rows = report(db, 'oversized', name, ['--limit', '100']);
    const buffered = rows.filter((r) => r.section === 'buffered');
    expect(buffered.length, `${name}: one row per "buffered to a temporary file" event`).toBe(
      (signatures.event_kinds as Record<string, number>).response_buffered_to_disk);
    for (const b of buffered) {
      expect(b.route, `${name}: buffered response joined to its request`).toBe(signatures.large_response_route);
      expect(Number(b.bytes)).toBeGreaterThan(4_000_000);
    }
    // the slow clients: they took far longer to read than the backend took to answer
    expect(buffered.some((b) => Number(b.client_ms) > 10 * Number(b.upstream_ms))).toBe(true);
  });
});
