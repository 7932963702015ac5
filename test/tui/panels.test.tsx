// Each panel on the real incident 3 capture (nginx 1.22 + PHP-FPM at pm.max_children): what a
// user sees after pressing its number, checked against the incident's truth.json.
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { storyDb, spikeOracle, STORY3, type SpikeOracle } from '../fixtures.js';
import { open, type Screen } from './harness.js';

let db: string;
let spikes: SpikeOracle[];
let screen: Screen | null = null;

beforeAll(() => { db = storyDb(STORY3); spikes = spikeOracle(db); });
afterEach(() => { screen?.unmount(); screen = null; });

describe('tui panels on incident 3', () => {
  it('draws the header, the timeline with both spikes, and the Overview', async () => {
    screen = await open(db);
    const f = await screen.until('spike 2');
    expect(f).toContain('5 sources');
    expect(f).toContain('2026-11-22 09:51:42 - 09:53:42 UTC (2m00s) | bucket 2s');
    expect(f).toMatch(/▓/); // the 502 burst drawn as 5xx
    expect(f).toMatch(/░/); // spike windows shaded
    expect(f).toMatch(/ ev  │.*O/); // backlog_full marked as overload
    expect(f).toMatch(/ ev  │.*P/); // pm.max_children reached: pool limit
    expect(f).toContain('[1 Overview]');
    // the windows `overload report spikes` finds: B (slow reports) and C+D (the 502 burst)
    expect(spikes).toHaveLength(2);
    expect(f).toContain(`spike 1  ${spikes[0].label}`);
    expect(f).toContain(`spike 2  ${spikes[1].label}`);
    // the incident findings follow the spikes (a slower report)
    expect(await screen.until(/summary\s+requests/)).toMatch(/what changed in \d\d:\d\d:\d\d-\d\d:\d\d:\d\d against the time before it/);
  });

  it('2 Endpoints: slow endpoints ranked by total time with p50/p95/p99', async () => {
    screen = await open(db);
    await screen.press('2');
    const f = await screen.until('[2 Endpoints]');
    await screen.until('/report.php');
    const lines = screen.frame().split('\n');
    const head = lines.find((l) => l.includes('route') && l.includes('p95'))!;
    expect(head).toMatch(/total▼.*p50.*p95.*p99/);
    const order = ['/fast.php', '/report.php', '/poll.php'].map((r) => lines.findIndex((l) => l.includes(r)));
    expect(order[0]).toBeLessThan(order[1]);
    expect(order[1]).toBeLessThan(order[2]);
    expect(f).toBeTruthy();
  });

  it('3 Oversized: the largest responses and routes by size', async () => {
    screen = await open(db);
    await screen.press('3');
    const f = await screen.until(/largest\s+\/fast\.php\?p=/);
    expect(f).toMatch(/routes\s+\/fast\.php\s+2\.0K\s+2\.0K\s+159B\s+1,137/);
    expect(f.indexOf('routes ')).toBeLessThan(f.indexOf('largest '));
  });

  it('4 Events: kinds with the timeline marks first, counts from the error logs', async () => {
    screen = await open(db);
    await screen.press('4');
    const f = await screen.until('backlog_full');
    const lines = f.split('\n');
    const body = lines.slice(lines.findIndex((l) => l.includes('[4 Events]')));
    const row = (k: string) => body.find((l) => l.includes(k)) ?? '';
    expect(row('backlog_full')).toMatch(/O\s+nginx\s+818/);
    expect(row('worker_limit_reached')).toMatch(/P\s+php-fpm\s+2/);
    expect(row('request_killed')).toMatch(/T\s+php-fpm\s+19/);
    expect(body.findIndex((l) => l.includes('backlog_full'))).toBeLessThan(body.findIndex((l) => l.includes('lifecycle')));
  });

  it('5 Slowlog: stacks by fingerprint', async () => {
    screen = await open(db);
    await screen.press('5');
    const f = await screen.until('runQuery()');
    expect(f).toMatch(/53\s+\d+%\s+sleep\(\) < runQuery\(\)/);
    expect(f).toContain('waitForJobLock()');
  });

  it('6 Upstreams: the PHP-FPM socket with its failures', async () => {
    screen = await open(db);
    await screen.press('6');
    const f = await screen.until('php-fpm.sock');
    expect(f).toMatch(/unix:\/tmp\/lab-s3\/run\/php-fpm\.sock\s+1,294\s+855/);
  });

  it('7 Status: exact counts per code', async () => {
    screen = await open(db);
    await screen.press('7');
    const f = await screen.until('502');
    expect(f).toMatch(/502\s+833\s+64%\s+#+/);
    expect(f).toMatch(/200\s+439/);
    expect(f).toMatch(/499\s+22/);
  });

  it('8 Sources: every input with its lines and rejects', async () => {
    screen = await open(db);
    await screen.press('8');
    const f = await screen.until('php-fpm-slow.log');
    expect(f).toMatch(/nginx-access\.log\s+nginx\s+1,294\s+1,294\s+0/);
    expect(f).toMatch(/php-fpm-error\.log\s+php-fpm-error\s+460/);
  });

  it('fits 80x24 with every part on screen', async () => {
    screen = await open(db, { columns: 80, rows: 24 });
    const f = await screen.until('spike 1');
    const lines = f.split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(80);
    expect(f).toContain('[1 Overview]');
    expect(lines[lines.length - 1]).toContain('cursor');
  });
});
