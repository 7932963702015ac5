// One request can try several upstream servers (nginx proxy_next_upstream): `ua="A, B"`,
// `us="504, 502"`, `urt="1.002, 0.000"`. The requests row keeps the LAST member; per-upstream
// failures need every member, so reports read them back from upstream_raw
// (`urt=<list> uct=<list> uht=<list> ua=<list> us=<list>`, parsers/log-format/upstream.ts).

export interface Attempt {
  addr: string;
  /** the upstream's status; null when none was received (`-`) */
  status: number | null;
  /** the upstream's response time in ms; null when unknown */
  ms: number | null;
}

const KEY_RE = /(?:^| )(urt|uct|uht|ua|us)=/g;
const LIST_SEP = /, | : /;

function lists(raw: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const marks: Array<{ key: string; at: number; end: number }> = [];
  KEY_RE.lastIndex = 0;
  for (let m = KEY_RE.exec(raw); m; m = KEY_RE.exec(raw)) marks.push({ key: m[1], at: m.index, end: m.index + m[0].length });
  marks.forEach((mk, i) => {
    const value = raw.slice(mk.end, i + 1 < marks.length ? marks[i + 1].at : raw.length);
    out[mk.key] = value.split(LIST_SEP).map((s) => s.trim());
  });
  return out;
}

function num(s: string | undefined): number | null {
  if (s === undefined || s === '-' || s === '') return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

/**
 * The attempts of one request. Without upstream_raw (formats that log a single upstream), the
 * row's own upstream_addr / upstream_status / upstream_ms make the one attempt.
 */
export function attemptsOf(raw: string | null, addr: string | null, status: number | null, ms: number | null): Attempt[] {
  if (raw) {
    const l = lists(raw);
    if (l.ua && l.ua.length) {
      return l.ua.map((a, i) => {
        const sec = num(l.urt?.[i]);
        return { addr: a, status: num(l.us?.[i]), ms: sec === null ? null : Math.round(sec * 1e6) / 1e3 };
      });
    }
  }
  return addr ? [{ addr, status, ms }] : [];
}

/** An attempt failed when the upstream answered 5xx or did not answer at all. */
export function attemptFailed(a: Attempt): boolean {
  return a.status === null || a.status >= 500;
}
