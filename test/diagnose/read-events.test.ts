// readEvents(): the window's error-log events per (component, kind, backend), with every distinct
// limit the messages state and the largest value, from one read grouped by limit and folded.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWritable } from '../../src/store/db.js';
import { readEvents } from '../../src/diagnose/read.js';
import type { EventGroup } from '../../src/diagnose/types.js';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);

interface Ev { host: string; ts: number; component: string; kind: string; backend: string | null; value: number | null; limit: number | null }

describe('readEvents', () => {
  const d = openWritable(join(mkdtempSync(join(tmpdir(), 'overload-events-')), 't.db'));
  d.prepare(`INSERT INTO sources (id, path, format, ingested_at) VALUES (1, 'e.log', 'nginx-error', 'x')`).run();
  const ins = d.prepare(`INSERT INTO events (source_id, host, ts, component, kind, backend, value, limit_value, message)
    VALUES (1, @host, @ts, @component, @kind, @backend, @value, @limit, 'm')`);
  const evs: Ev[] = [];
  let x = 3;
  const r = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  const kinds: Array<[string, string, string | null, number[], boolean]> = [
    ['php-fpm', 'worker_limit_reached', 'www', [50, 20, 50, 35.5], false],
    ['php-fpm', 'worker_limit_reached', null, [8], false],
    ['php-fpm', 'slow_request', 'www', [], true],
    ['nginx', 'upstream_timeout', null, [], false],
    ['nginx', 'worker_connections', null, [1024, 512], true],
  ];
  for (let i = 0; i < 600; i++) {
    const [component, kind, backend, limits, valued] = kinds[Math.floor(r() * kinds.length)];
    const e: Ev = { host: r() < 0.8 ? 'web1' : 'web2', ts: T0 + Math.floor(r() * 600_000), component, kind, backend,
      value: valued && r() < 0.7 ? Math.round(r() * 1e6) / 100 : null, limit: limits.length && r() < 0.6 ? limits[Math.floor(r() * limits.length)] : null };
    evs.push(e);
    ins.run(e);
  }

  /** What the events say, grouped in JavaScript. */
  function expected(from: number, to: number, host: string | null): EventGroup[] {
    const groups = new Map<string, EventGroup>();
    for (const e of evs.filter((v) => v.ts >= from && v.ts < to && (host === null || v.host === host))) {
      const key = JSON.stringify([e.component, e.kind, e.backend]);
      const g = groups.get(key) ?? { component: e.component, kind: e.kind, backend: e.backend, count: 0, first: Infinity, last: -Infinity, limits: [], maxValue: null };
      g.count++;
      g.first = Math.min(g.first, e.ts);
      g.last = Math.max(g.last, e.ts);
      if (e.value !== null) g.maxValue = Math.max(g.maxValue ?? -Infinity, e.value);
      if (e.limit !== null && !g.limits.includes(e.limit)) g.limits.push(e.limit);
      groups.set(key, g);
    }
    const cmp = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);
    return [...groups.values()].map((g) => ({ ...g, limits: g.limits.sort((a, b) => a - b) }))
      .sort((a, b) => cmp(a.component, b.component) || cmp(a.kind, b.kind) || cmp(a.backend, b.backend));
  }

  it('counts, first and last, the largest value and every distinct limit of each group', () => {
    for (const [from, to, host] of [[T0, T0 + 600_000, null], [T0 + 123_456, T0 + 400_001, null], [T0, T0 + 600_000, 'web2']] as const) {
      const got = readEvents(d, { from, to, host, basis: 'given', spike: null });
      expect(got).toEqual(expected(from, to, host));
    }
    const all = readEvents(d, { from: T0, to: T0 + 600_000, host: null, basis: 'given', spike: null });
    expect(all.find((g) => g.kind === 'worker_limit_reached' && g.backend === 'www')?.limits).toEqual([20, 35.5, 50]);
    expect(all.filter((g) => g.maxValue !== null).length).toBe(2);
  });
});
