import { describe, expect, it } from 'vitest';
import { kernelCounters } from '../../parsers/kernel-counters.js';
import { readDateLine } from '../../parsers/snapshot.js';
import { FORMATS } from '../../parsers/index.js';
import { detectFormat } from '../../src/ingest/detect.js';
import type { ParseOutcome } from '../../parsers/types.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { feed, incidentLines } from './feed.js';

const STORY = '6-nginx-proxy-backend-accept-queue';
// the capture's own account of itself: a new lab run changes the numbers, not the test
const truth = JSON.parse(readFileSync(fileURLToPath(new URL(`../../fixtures/incidents/${STORY}/truth.json`, import.meta.url)), 'utf8')) as {
  phases: Array<{ name: string; start: string; end: string; incident: boolean }>;
  signatures: { counters: { increase: Record<string, number> } };
};
const rose = truth.signatures.counters.increase;

function snapshots(outcomes: ParseOutcome[]): Map<number, Record<string, number>> {
  const out = new Map<number, Record<string, number>>();
  for (const o of outcomes) {
    if (o.type !== 'samples') continue;
    for (const r of o.records) out.set(r.ts, { ...out.get(r.ts), ...r.values });
  }
  return out;
}

describe('kernel-counters on the story 6 capture', () => {
  const files = ['nstat.log', 'proc-net-netstat.txt', 'netstat-s.txt'];

  it('detects each form as counter snapshots and rejects no line', () => {
    for (const f of files) {
      const lines = incidentLines(STORY, f);
      expect(detectFormat(FORMATS, lines.slice(0, 200), { tz: 'UTC' }).best?.format.name, f).toBe('kernel-counters');
      expect(feed(kernelCounters, lines).filter((o) => o.type === 'reject'), f).toEqual([]);
    }
  });

  it('reads the same counters from the three forms: the overflows and SYN cookies of the burst', () => {
    expect(rose.TcpExtListenOverflows).toBeGreaterThan(0);
    for (const f of files) {
      const snaps = [...snapshots(feed(kernelCounters, incidentLines(STORY, f))).values()];
      // netstat -s leaves out the TcpExt counters that are 0: its first snapshot has none of them
      if (f === 'netstat-s.txt') expect(snaps[0].TcpExtListenOverflows, f).toBeUndefined();
      else expect(snaps[0], f).toMatchObject({ TcpExtListenOverflows: 0, TcpExtListenDrops: 0 });
      // a fresh network namespace: every counter starts at 0, so each form's last value is the rise
      expect(snaps[snaps.length - 1], f).toMatchObject({ TcpExtListenOverflows: rose.TcpExtListenOverflows, TcpExtListenDrops: rose.TcpExtListenDrops, TcpExtSyncookiesSent: rose.TcpExtSyncookiesSent });
    }
  });

  it('sees the overflows rise during the burst phase only (nstat, one snapshot a second)', () => {
    const snaps = [...snapshots(feed(kernelCounters, incidentLines(STORY, 'nstat.log'))).entries()];
    const phase = truth.phases.find((p) => p.incident)!;
    const burst = { start: Date.parse(phase.start), end: Date.parse(phase.end) };
    for (let i = 1; i < snaps.length; i++) {
      const [t, v] = snaps[i];
      const rise = v.TcpExtListenOverflows - snaps[i - 1][1].TcpExtListenOverflows;
      if (t < burst.start || t > burst.end + 2000) expect(rise, new Date(t).toISOString()).toBe(0);
    }
    expect(snaps.length).toBeGreaterThan(50);
  });
});

describe('kernel-counters date lines', () => {
  it('reads the forms date prints', () => {
    const t = Date.UTC(2026, 11, 7, 8, 38, 29);
    expect(readDateLine('2026-12-07T08:38:29+00:00', 'UTC')).toBe(t);
    expect(readDateLine('Mon Dec  7 08:38:29 UTC 2026', 'Europe/Berlin')).toBe(t);
    expect(readDateLine('Mon, 07 Dec 2026 08:38:29 +0000', 'Europe/Berlin')).toBe(t);
    expect(readDateLine('1796632709', 'UTC')).toBe(t);
    expect(readDateLine('TcpExtListenOverflows 5 0.0', 'UTC')).toBeNaN();
  });

  it('keeps the counters of a snapshot without a time as unplaced, then places the next one', () => {
    const out = feed(kernelCounters, ['#kernel', 'TcpExtListenOverflows 5 0.0', '2026-12-07T08:38:29Z', '#kernel', 'TcpExtListenOverflows 7 0.0']);
    expect(out[1]).toMatchObject({ type: 'reject', reason: 'unplaced-time' });
    expect(out[4]).toMatchObject({ type: 'samples', records: [{ snapshot: 'nstat', kind: 'counter', ts: Date.UTC(2026, 11, 7, 8, 38, 29), values: { TcpExtListenOverflows: 7 } }] });
  });
});
