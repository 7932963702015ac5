// The kernel's side in the TUI, on story 6 (nginx proxy, backend accept queue at somaxconn 8): the
// SYN-flood line and the counters that rose in the events panel and on the timeline's marks, and
// a counter's drill with its snapshots.
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { storyDb } from '../fixtures.js';
import { open, KEY, type Screen } from './harness.js';

const STORY6 = '6-nginx-proxy-backend-accept-queue';
let db: string;
let screen: Screen | null = null;
beforeAll(() => { db = storyDb(STORY6); });
afterEach(() => { screen?.unmount(); screen = null; });

describe('tui on story 6: kernel events and counters', () => {
  it('4 Events: the SYN-flood line and the overflow counters, marked as overload', async () => {
    screen = await open(db, { panel: 'events' });
    const f = await screen.until('TcpExtListenOverflows');
    const body = f.split('\n').slice(f.split('\n').findIndex((l) => l.includes('[4 Events]')));
    const row = (k: string) => body.find((l) => l.includes(k)) ?? '';
    expect(row('TcpExtListenOverflows')).toMatch(/O\s+kernel counter\s+942/);
    expect(row('TcpExtSyncookiesSent')).toMatch(/O\s+kernel counter\s+43/);
    expect(row('syn_flood')).toMatch(/O\s+kernel\s+1/);
    expect(row('upstream_timeout')).toMatch(/T\s+nginx\s+733/);
    expect(f).toMatch(/ ev  │.*O/);
  });

  it('Enter on a counter: its snapshots and increases', async () => {
    screen = await open(db, { panel: 'events' });
    await screen.until('TcpExtListenOverflows');
    await screen.press(KEY.enter);
    const f = await screen.until(/kernel counter TcpExtListen(Overflows|Drops)/);
    expect(f).toContain('snapshots where it rose (first 300): the increase since the one before');
    expect(f).toMatch(/08:37:53\s+(\S+\s+)?140\s+88/);
  });
});

describe('tui on story 7: the OOM kills', () => {
  it('4 Events: oom_kill from the kernel, marked as overload, beside the refused connects', async () => {
    const db7 = storyDb('7-nginx-backend-oom-kill');
    screen = await open(db7, { panel: 'events' });
    const f = await screen.until('oom_kill');
    const body = f.split('\n').slice(f.split('\n').findIndex((l) => l.includes('[4 Events]')));
    const row = (k: string) => body.find((l) => l.includes(k)) ?? '';
    expect(row('oom_kill')).toMatch(/O\s+kernel\s+2/);
    expect(row('connect_failed')).toMatch(/O\s+nginx\s+219/);
  });
});
