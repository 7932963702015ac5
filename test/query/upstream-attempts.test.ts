// The one reader of upstream_raw (src/query/upstream-attempts.ts): what it makes of nginx's lists,
// and that its hand-written scan means what the layout says, read the plain way (a regex for the
// keys, split on the list separator, Number() per member), on generated awkward texts.
import { describe, expect, it } from 'vitest';
import { attemptsOf, type Attempt } from '../../src/query/upstream-attempts.js';
import { upstreamRaw } from '../../parsers/log-format/upstream.js';

/** upstream_raw read the plain way: the meaning parseAttempts() must keep. */
function plainAttempts(raw: string | null, addr: string | null, status: number | null, ms: number | null): Attempt[] {
  if (raw) {
    const lists: Record<string, string[]> = {};
    const marks = [...raw.matchAll(/(?:^| )(urt|uct|uht|ua|us)=/g)];
    marks.forEach((m, i) => {
      const from = m.index! + m[0].length;
      const to = i + 1 < marks.length ? marks[i + 1].index! : raw.length;
      lists[m[1]] = raw.slice(from, to).split(/, | : /).map((s) => s.trim());
    });
    const num = (s: string | undefined) => {
      if (s === undefined || s === '-' || s === '') return null;
      const v = Number(s);
      return Number.isFinite(v) ? v : null;
    };
    if (lists.ua) {
      return lists.ua.map((a, i) => {
        const sec = num(lists.urt?.[i]);
        return { addr: a, status: num(lists.us?.[i]), ms: sec === null ? null : Math.round(sec * 1e6) / 1e3 };
      });
    }
  }
  return addr ? [{ addr, status, ms }] : [];
}

function rng(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
}

describe('upstream attempts', () => {
  it('reads every member of the nginx lists', () => {
    const a = attemptsOf('urt=1.002, 0.000 uct=0.001, - uht=-, - ua=127.0.0.1:18083, app_backend us=504, 502', 'app_backend', 502, 1002);
    expect(a).toEqual([{ addr: '127.0.0.1:18083', status: 504, ms: 1002 }, { addr: 'app_backend', status: 502, ms: 0 }]);
  });

  it('reads a chain started again by an internal redirect (" : ") as more attempts', () => {
    const raw = upstreamRaw('0.500, 0.010 : 0.020', undefined, undefined, '10.0.0.1:80, 10.0.0.2:80 : 10.0.0.3:80', '502, 200 : 200');
    expect(attemptsOf(raw, '10.0.0.3:80', 200, 530)).toEqual([
      { addr: '10.0.0.1:80', status: 502, ms: 500 }, { addr: '10.0.0.2:80', status: 200, ms: 10 }, { addr: '10.0.0.3:80', status: 200, ms: 20 },
    ]);
  });

  it('falls back to the row when there is no list', () => {
    expect(attemptsOf(null, 'unix:/run/php.sock', null, 12)).toEqual([{ addr: 'unix:/run/php.sock', status: null, ms: 12 }]);
    expect(attemptsOf('urt=0.012 us=200', 'unix:/run/php.sock', 200, 12)).toEqual([{ addr: 'unix:/run/php.sock', status: 200, ms: 12 }]);
    expect(attemptsOf(null, null, 200, 3)).toEqual([]);
  });

  it('means what the plain reading of the layout means, on awkward texts', () => {
    const r = rng(7);
    const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
    const keys = ['urt=', 'uct=', 'uht=', 'ua=', 'us=', 'xua=', 'u=', 'ua', 'urt'];
    const members = ['-', '', '0.071', '1.002', '12.', '.5', '1e3', '0x10', ' 7', 'abc', '504', '10.0.0.11:8080', 'app_backend',
      '0.0015', '123456789012345678', '3.14159265358979', 'Infinity'];
    const seps = [', ', ' : ', ',', ' ', '  '];
    let multi = 0;
    for (let n = 0; n < 5000; n++) {
      let raw = r() < 0.1 ? ' ' : '';
      const parts = 1 + Math.floor(r() * 5);
      for (let p = 0; p < parts; p++) {
        if (p > 0) raw += pick([' ', '', '  ']);
        raw += pick(keys);
        const m = Math.floor(r() * 4);
        for (let i = 0; i <= m; i++) raw += (i ? pick(seps) : '') + pick(members);
      }
      const addr = pick([null, '', 'unix:/run/php.sock']);
      const status = pick([null, 200, 502]);
      const ms = pick([null, 12, 0.5]);
      const got = attemptsOf(raw, addr, status, ms);
      if (got.length > 1) multi++;
      expect(got, raw).toEqual(plainAttempts(raw, addr, status, ms));
    }
    // the texts did reach the list code, not only the one-member shortcut
    expect(multi).toBeGreaterThan(500);
  });
});
