// The kernel's side of an overload, end to end with the built CLI: story 6's counter snapshots
// and SYN-flood line on the timeline, in the incident report and in the postmortem; lines whose
// time the input does not give kept as unplaced-time until the user says when.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { cli, query, reportJson, sql, story as storyOf, storyDb, tempDir } from '../fixtures.js';

type Row = Record<string, unknown>;
const STORY = '6-nginx-proxy-backend-accept-queue';
const story = storyOf(STORY);
const truth = story.truth as { signatures: { counters: { increase: Record<string, number> }; event_kinds: Record<string, number> } };
// the capture's numbers (a new lab run changes them, not the tests)
const OVERFLOWS = truth.signatures.counters.increase.TcpExtListenOverflows;
const COOKIES = truth.signatures.counters.increase.TcpExtSyncookiesSent;
const TIMEOUTS = truth.signatures.event_kinds.upstream_timeout;
const burst = story.phases.find((p) => p.incident)!;

/** `report NAME --db DB ...` as the CLI would print it in JSON, run in-process */
function json(args: string[]): Row[] {
  const [cmd, name, dbFlag, db, ...extra] = args;
  if (cmd !== 'report' || dbFlag !== '--db') throw new Error(`not a report: ${args.join(' ')}`);
  return reportJson(db, name, extra);
}

describe('story 6: the accept queue overflow as the kernel counted it', () => {
  const db = storyDb(STORY);

  it('stores the snapshots and reads them back as the increases truth.json counts', () => {
    const rows = json(['report', 'kernel-counters', '--db', db, '--param', 'all=1', '--bucket', '1h']);
    const got = Object.fromEntries(rows.map((r) => [r.counter, r.increase]));
    expect(got).toEqual(truth.signatures.counters.increase);
    expect(OVERFLOWS).toBeGreaterThan(0);
  });

  it('shows the overflows on the timeline, in the burst and nowhere else', () => {
    const rows = json(['report', 'timeline', '--db', db, '--bucket', '1s']);
    const over = rows.filter((r) => Number((r.kernel as Record<string, number>).TcpExtListenOverflows ?? 0) > 0);
    const sum = over.reduce((a, r) => a + (r.kernel as Record<string, number>).TcpExtListenOverflows, 0);
    expect(sum).toBe(OVERFLOWS);
    // an increase counts at the snapshot that saw it: up to one snapshot (1 s) after the drop
    for (const r of over) {
      expect(Number(r.bucket_ts)).toBeGreaterThanOrEqual(Date.parse(burst.start) - 1000);
      expect(Number(r.bucket_ts)).toBeLessThanOrEqual(Date.parse(burst.end) + 2000);
    }
  });

  it('names the counters and the SYN-flood line in the incident report of the spike', () => {
    const rows = json(['report', 'incident', '--db', db]);
    const counters = rows.filter((r) => r.section === 'counters');
    expect(counters.find((r) => r.item === 'TcpExtListenOverflows')).toMatchObject({ before: 0, during: OVERFLOWS, detail: 'kernel' });
    expect(counters.find((r) => r.item === 'TcpExtSyncookiesSent')).toMatchObject({ during: COOKIES });
    expect(rows.find((r) => r.section === 'events' && r.item === 'syn_flood')).toMatchObject({ detail: 'kernel', during: 1 });
  });

  it('says so in the postmortem, next to the proxy\'s connect timeouts', () => {
    const r = cli(['postmortem', '--db', db, '--tz', 'UTC']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('**Kernel counters**');
    expect(r.stdout).toContain(`The kernel dropped ${OVERFLOWS.toLocaleString('en-US')} connection attempts because a listen queue was full`);
    expect(r.stdout).toContain('"Possible SYN flooding on port …" for `127.0.0.1:18061`');
    expect(r.stdout).toContain(`upstream attempts timed out ${TIMEOUTS.toLocaleString('en-US')} times on \`127.0.0.1:18062\`: a SYN dropped for a full accept queue`);
  });
});

describe('story 7: a leaking backend killed by the OOM killer, twice', () => {
  const s7 = storyOf('7-nginx-backend-oom-kill');
  const db = storyDb(s7.story);

  it('stores each kill with the process, its pid and its RSS as the line gives them', () => {
    const kills = sql<{ backend: string; pid: number; value: number; message: string }>(db,
      "SELECT backend, pid, value, message FROM events WHERE kind = 'oom_kill' ORDER BY ts");
    expect(kills).toHaveLength(2);
    for (const k of kills) {
      const m = /Killed process (\d+) \((\w+)\).*anon-rss:(\d+)kB, file-rss:(\d+)kB, shmem-rss:(\d+)kB/.exec(k.message)!;
      expect(k).toMatchObject({ pid: Number(m[1]), backend: m[2], value: (Number(m[3]) + Number(m[4]) + Number(m[5])) * 1024 });
    }
  });

  it('puts a kill in the incident report of each outage, beside the refused connects', () => {
    // the windows `spikes` finds: the kernel stamps the kill ~0.45 s before the supervisor saw the
    // exit (the phase boundary), so the phases themselves would leave the kill just outside
    const spikes = json(['report', 'spikes', '--db', db]);
    expect(spikes).toHaveLength(s7.phases.filter((p) => p.incident).length);
    for (const sp of spikes) {
      const rows = json(['report', 'incident', '--db', db, '--from', String(sp.start), '--to', String(sp.end)]);
      expect(rows.find((r) => r.section === 'events' && r.item === 'oom_kill'), String(sp.start)).toMatchObject({ detail: 'kernel', during: 1 });
      expect(Number(rows.find((r) => r.section === 'events' && r.item === 'connect_failed')?.during), String(sp.start)).toBeGreaterThan(50);
    }
  });

  it('leads the postmortem with the kills and the connect failures that followed them', () => {
    const r = cli(['postmortem', '--db', db, '--tz', 'UTC']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\n1\. The OOM killer killed `python3` 2 times \(\d\d:\d\d:\d\d, \d\d:\d\d:\d\d\): a process grew until memory ran out/);
    expect(r.stdout).toMatch(/connects to `127\.0\.0\.1:18072` failed from each of 2 kills on, \d+ times/);
  });
});

describe('a kernel line whose time the input does not give', () => {
  const dir = tempDir('overload-kernel-time-');

  it('is kept as unplaced-time with what to pass, then placed by --boot-time', () => {
    const db = join(dir, 'raw.db');
    const file = join(dir, 'dmesg.txt');
    writeFileSync(file, '[  549.729324] TCP: request_sock_TCP: Possible SYN flooding on port 127.0.0.1:18061. Sending cookies.\n' +
      '[  550.000001] nf_conntrack: nf_conntrack: table full, dropping packet\n');
    const first = cli(['ingest', '--db', db, '--tz', 'UTC', file]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toContain('kernel-log');
    expect(first.stderr).toContain('rejected by reason: unplaced-time 2');
    expect(first.stderr).toContain('raw dmesg needs --boot-time');
    expect(query(db, 'SELECT count(*) AS n FROM events')[0].n).toBe(0);
    expect(query(db, "SELECT reason FROM rejects")).toEqual([{ reason: 'unplaced-time' }, { reason: 'unplaced-time' }]);

    const again = cli(['ingest', '--db', db, '--tz', 'UTC', '--force', '--boot-time', '2026-12-07T08:28:43Z', file]);
    expect(again.status, again.stderr).toBe(0);
    const evs = query<{ ts: number; kind: string }>(db, 'SELECT ts, kind FROM events ORDER BY ts');
    expect(evs).toEqual([{ ts: Date.parse('2026-12-07T08:37:52.729Z'), kind: 'syn_flood' }, { ts: Date.parse('2026-12-07T08:37:53.000Z'), kind: 'conntrack_full' }]);
  });

  it('needs --year for syslog stamps, and refuses a year that is none', () => {
    const db = join(dir, 'syslog.db');
    const file = join(dir, 'kern.log');
    writeFileSync(file, 'Nov 22 09:52:31 web1 kernel: [  549.729324] TCP: out of memory -- consider tuning tcp_mem\n');
    expect(cli(['ingest', '--db', db, '--tz', 'UTC', '--year', 'last', file]).stderr).toContain('--year last: expected a year');
    const without = cli(['ingest', '--db', db, '--tz', 'UTC', file]);
    expect(without.stderr).toContain('syslog and journalctl stamps need --year');
    cli(['ingest', '--db', db, '--tz', 'UTC', '--year', '2026', '--force', file]);
    expect(query(db, 'SELECT ts, kind, message FROM events')).toEqual([
      { ts: Date.UTC(2026, 10, 22, 9, 52, 31), kind: 'tcp_memory', message: 'TCP: out of memory -- consider tuning tcp_mem' },
    ]);
  });

  it('places a counter snapshot without a date line at --at', () => {
    const db = join(dir, 'at.db');
    const file = join(dir, 'nstat.txt');
    writeFileSync(file, '#kernel\nTcpExtListenOverflows           7                  0.0\n');
    const r = cli(['ingest', '--db', db, '--tz', 'UTC', '--at', '2026-12-07T08:38:29Z', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(query(db, 'SELECT ts, metric AS counter, value FROM samples')).toEqual([
      { ts: Date.parse('2026-12-07T08:38:29Z'), counter: 'TcpExtListenOverflows', value: 7 },
    ]);
    // --force replaces the source's samples, it does not add to them
    expect(cli(['ingest', '--db', db, '--tz', 'UTC', '--force', '--at', '2026-12-07T08:38:30Z', file]).status).toBe(0);
    expect(query(db, 'SELECT ts, metric AS counter, value FROM samples')).toEqual([
      { ts: Date.parse('2026-12-07T08:38:30Z'), counter: 'TcpExtListenOverflows', value: 7 },
    ]);
  });
});

describe('a database made before the kernel counters (schema version 7)', () => {
  it('still answers the reports that read them, as a database without snapshots', () => {
    const db = join(tempDir('overload-kernel-old-'), 'old.db');
    const file = join(tempDir('overload-kernel-old-'), 'kern.txt');
    writeFileSync(file, '2026-12-07T08:37:52,729324+00:00 TCP: request_sock_TCP: Possible SYN flooding on port 127.0.0.1:18061. Sending cookies.\n');
    expect(cli(['ingest', '--db', db, '--tz', 'UTC', '--quiet', file]).status).toBe(0);
    // what the previous version left: no samples, no counter_increases, version 7
    const w = new Database(db);
    w.exec('DROP VIEW counter_increases; DROP TABLE samples; DELETE FROM schema_version WHERE version > 7');
    w.close();
    const rows = json(['report', 'timeline', '--db', db]);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => JSON.stringify(r.kernel) === '{}')).toBe(true);
    expect(json(['report', 'kernel-counters', '--db', db])).toEqual([]);
  });
});
