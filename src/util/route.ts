// `/user/123/orders/9f8e...` -> `/user/:id/orders/:hex`: a route groups the requests that hit
// the same code, which is what slow-endpoint ranking and spike attribution need (alp's
// "aggregates" and pt-query-digest's fingerprints follow the same idea).

export interface RouteRule {
  pattern: RegExp;
  template: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER = /^-?\d+$/;
const HEX = /^(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{12,}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}(?:[T_]\d{2}[:\-]?\d{2}(?:[:\-]?\d{2})?)?$|^\d{8}$/;
const EMAIL = /^[^@/\s]+@[^@/\s]+\.[a-z]{2,}$/i;
// Long mixed tokens (session ids, base64 / base64url): letters AND digits, 20+ characters.
const TOKEN = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_\-=~%+]{20,}$/;

const EXTENSION = /^[A-Za-z][A-Za-z0-9]{0,5}$/;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function allDigits(seg: string): boolean {
  for (let i = seg.charCodeAt(0) === 45 ? 1 : 0; i < seg.length; i++) {
    const c = seg.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return seg.length > 0 && seg !== '-';
}

function foldSegment(seg: string): string {
  if (seg === '' || !MAY_FOLD.test(seg)) return seg;
  if (allDigits(seg)) return ':id';
  // Each regex only runs when the segment has the length (or first char, or `@`) every match
  // of it has: the chain of regex calls was a third of the cost of folding a route, and most
  // segments are decided by these comparisons alone.
  const n = seg.length;
  if (n === 36 && UUID.test(seg)) return ':uuid';
  if ((n === 8 || n >= 10) && isDigit(seg.charCodeAt(0)) && DATE.test(seg)) return ':date';
  if (seg.includes('@') && EMAIL.test(seg)) return ':email';
  if (n >= 12 && HEX.test(seg)) return ':hex';
  if (n >= 20 && TOKEN.test(seg)) return ':token';
  // `123.json`, `app.9f8e7d6c5b4a3f2e.js`: fold the parts between dots, keep the extension
  if (seg.includes('.')) {
    const parts = seg.split('.');
    const ext = EXTENSION.test(parts[parts.length - 1]) ? parts.pop()! : null;
    // `42.jpg` folds its id; in `jquery-3.7.1.min.js` the numbers are a version, not an id.
    const folded = parts.length === 1 ? [foldSegment(parts[0])] : parts.map((p) => (NUMBER.test(p) ? p : foldSegment(p)));
    if (ext !== null) folded.push(ext);
    return folded.join('.');
  }
  return seg;
}

// Every folding rule needs a digit (ids, hex, uuids, dates, tokens) or an `@` (e-mail): a path
// without either is its own route, and most static paths are decided by this one scan.
const MAY_FOLD = /[0-9@]/;

/** Default route for a path (query already removed). */
export function defaultRoute(path: string): string {
  if (path.length === 0 || !MAY_FOLD.test(path)) return path;
  // Segment by segment without split/join: most paths fold one id and keep the rest, and this
  // runs once per request line.
  let out = '';
  let kept = 0; // path[0, kept) is accounted for in `out`
  let from = 0;
  while (from <= path.length) {
    let to = path.indexOf('/', from);
    if (to < 0) to = path.length;
    if (to > from) {
      const seg = path.slice(from, to);
      const folded = allDigits(seg) ? ':id' : foldSegment(seg);
      if (folded !== seg) {
        out += path.slice(kept, from) + folded;
        kept = to;
      }
    }
    from = to + 1;
  }
  return kept === 0 ? path : out + path.slice(kept);
}

/** Parse a routes file: `regex => template` per line, `#` comments, blank lines ignored. */
export function parseRouteRules(text: string): RouteRule[] {
  const rules: RouteRule[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const arrow = line.lastIndexOf('=>');
    if (arrow < 0) throw new Error(`routes line ${i + 1}: expected "regex => template"`);
    const source = line.slice(0, arrow).trim();
    const template = line.slice(arrow + 2).trim();
    try {
      rules.push({ pattern: new RegExp(source), template });
    } catch (e) {
      throw new Error(`routes line ${i + 1}: bad regex ${source}: ${(e as Error).message}`);
    }
  });
  return rules;
}

/**
 * path -> route. With the user's rules, memoised (a regex per rule per path is costly, and paths
 * repeat heavily in real traffic); the default folding is cheaper than a cache lookup of a
 * fresh string, so it runs every time.
 */
export function createRouter(rules: RouteRule[] = []): (path: string | null) => string | null {
  if (rules.length === 0) return (path) => (path === null ? null : defaultRoute(path));
  const cache = new Map<string, string>();
  return (path) => {
    if (path === null) return null;
    const hit = cache.get(path);
    if (hit !== undefined) return hit;
    let route: string | undefined;
    for (const rule of rules) {
      const m = rule.pattern.exec(path);
      if (m) {
        route = rule.template.replace(/\$(\d+)/g, (_, n: string) => m[Number(n)] ?? '');
        break;
      }
    }
    route ??= defaultRoute(path);
    // Paths with ids rarely repeat exactly: a small cache keeps the hot static paths without
    // holding every distinct path of a big log in the parse worker's heap.
    if (cache.size > 20_000) cache.clear();
    cache.set(path, route);
    return route;
  };
}

/** Split a request target into path and query. */
export function splitUrl(url: string): { path: string; query: string | null } {
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: null } : { path: url.slice(0, q), query: url.slice(q + 1) };
}
