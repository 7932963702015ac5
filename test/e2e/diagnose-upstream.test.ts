// `overload diagnose --what-if` on an nginx proxy in front of several upstream servers (story 2),
// through the built CLI: the pool is built from the nginx config's `upstream` block (two servers,
// max_fails=3 fail_timeout=5s, proxy_next_upstream error timeout), the workers behind each server
// from --backend-workers (they are in no nginx config), else estimated from the access log and
// said so. The configured replay must give the 502s within the error docs/what-if.md states for
// story 2 (25 %), and max_fails=0 must give no "no live upstreams".
import { describe, expect, it } from 'vitest';
import { cli, story as storyOf, storyDb } from '../fixtures.js';

const NAME = '2-nginx-proxy-tempfile-timeout';
const story = storyOf(NAME);
const settings = (story.truth as { settings: { backend_workers_each: number; upstream: string[] } }).settings;
// the whole capture, as docs/what-if.md measured story 2 (the spike window would be a part of it)
const WINDOW = ['--from', '2026-11-22T09:49:00Z', '--to', '2026-11-22T09:52:00Z'];

interface Row { measure: string; logs: number | null; configured: number | null; what_if: number | null }
interface WhatIf {
  configured: Record<string, unknown> & { upstream?: Record<string, unknown> };
  asked: Record<string, unknown> & { upstream?: Record<string, unknown> };
  assumptions: string[];
  rows: Row[];
}

// the logs as truth.json says, then its configs (nginx.conf) and snapshots
const db = storyDb(NAME, 'full');

function diagnose(extra: string[]): { status: number | null; stdout: string; stderr: string } {
  return cli(['diagnose', '--db', db, '--host', NAME, '--tz', 'UTC', ...WINDOW, ...extra]);
}

function whatIfJson(extra: string[]): WhatIf {
  const r = diagnose(['--format', 'json', ...extra]);
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { what_if: WhatIf }).what_if;
}

const row = (w: WhatIf, measure: string): Row => {
  const found = w.rows.find((x) => x.measure === measure);
  expect(found, `row ${measure}`).toBeDefined();
  return found!;
};

describe('diagnose --what-if on story 2 (nginx, two upstream servers)', () => {
  it('replays the configured upstream and max_fails=0 side by side: the 502s within the stated error, none "no live upstreams" unmarked', () => {
    const w = whatIfJson(['--what-if', 'max_fails=0', '--backend-workers', String(settings.backend_workers_each)]);
    // the pool as nginx.conf says: its two servers, their marking, proxy_read_timeout 1s -> 504
    expect(w.configured).toMatchObject({
      name: 'app_backend', sockets: settings.upstream.length, workersPerSocket: settings.backend_workers_each,
      refusedStatus: 502, frontTimeoutMs: 1000, frontTimeoutStatus: 504,
      upstream: { maxFails: 3, failTimeoutMs: 5000, nextOnError: true, nextOnTimeout: true },
    });
    expect(w.asked.upstream).toMatchObject({ maxFails: 0, failTimeoutMs: 5000 });
    expect(w.asked.workersPerSocket).toBe(settings.backend_workers_each);
    expect(w.assumptions).toContain(`workers per server: ${settings.backend_workers_each} (--backend-workers)`);

    // docs/what-if.md, "Story 2": 502s and all 5xx within 25 % at the configured values
    const s502 = row(w, '502'), s5xx = row(w, '5xx');
    expect(s502.logs).toBe(1650);
    expect(Math.abs(s502.configured! - s502.logs!) / s502.logs!, `replayed ${s502.configured} 502s against ${s502.logs}`).toBeLessThanOrEqual(0.25);
    expect(Math.abs(s5xx.configured! - s5xx.logs!) / s5xx.logs!, `replayed ${s5xx.configured} 5xx against ${s5xx.logs}`).toBeLessThanOrEqual(0.25);
    // the configured 502s are nginx's marking; max_fails=0 never marks a server down
    const noLive = row(w, 'no_live_upstreams');
    expect(noLive.configured).toBe(s502.configured);
    expect(noLive.what_if).toBe(0);
    // what 502s are left with max_fails=0 are the servers' full accept queues, not "no live upstreams"
    expect(row(w, '502').what_if).toBe(row(w, 'refused').what_if);
  });

  it('says in the table which upstream setting changed, and the workers it was given', () => {
    const r = diagnose(['--what-if', 'max_fails=0,fail_timeout=2s', '--backend-workers', '4']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^pool app_backend: sockets 2, workers per socket 4, backlog 511, /m);
    expect(r.stdout).toMatch(/^nginx upstream: max_fails 3 -> 0, fail_timeout s 5 -> 2$/m);
    expect(r.stdout).toMatch(/^no_live_upstreams +- +\d+ +0$/m);
    expect(r.stdout).toMatch(/^assumed: workers per server: 4 \(--backend-workers\)$/m);
  });

  it('without --backend-workers estimates the workers from the peak in flight to each server, and says so', () => {
    const w = whatIfJson(['--what-if', 'max_fails=0']);
    const said = w.assumptions.find((a) => a.startsWith('workers per server: '));
    expect(said).toMatch(/^workers per server: (\d+), from the peak in flight to each \(127\.0\.0\.1:18083 \d+, 127\.0\.0\.1:18084 \d+\); give --backend-workers to set it$/);
    const [, n] = /^workers per server: (\d+)/.exec(said!)!;
    // the estimate is the larger server's peak; requests waiting in a server's queue count too,
    // so it is at least the 4 workers each server ran
    expect(w.configured.workersPerSocket).toBe(Number(n));
    const peaks = [...said!.matchAll(/127\.0\.0\.1:1808\d (\d+)/g)].map((m) => Number(m[1]));
    expect(Math.max(...peaks)).toBe(Number(n));
    expect(Number(n)).toBeGreaterThanOrEqual(settings.backend_workers_each);
  });

  it('refuses a --backend-workers that is not a count of workers, and documents the option', () => {
    const bad = diagnose(['--what-if', 'max_fails=0', '--backend-workers', '0']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--backend-workers 0: expected a whole number of workers, at least 1/);
    const help = cli(['diagnose', '--help']);
    expect(help.stdout).toMatch(/--backend-workers <n>/);
    expect(help.stdout).toMatch(/--what-if max_fails=0 --backend-workers 4/);
  });
});
