// requestLine finds the protocol's space with a loop from the end instead of lastIndexOf: the
// method, url, protocol and the returned non-request text must be what lastIndexOf gave.
import { describe, expect, it } from 'vitest';
import { requestLine } from '../../parsers/log-format/record.js';
import type { RequestRecord } from '../../parsers/types.js';
import { unescapeLogValue } from '../../parsers/log-format/unescape.js';

function isMethod(s: string, b: number, end: number): boolean {
  for (let i = b; i < end; i++) {
    const c = s.charCodeAt(i);
    const lower = c | 32;
    if (!((lower >= 97 && lower <= 122) || c === 45 || c === 95)) return false;
  }
  return end > b;
}

/** requestLine as it was (the reference). */
function reference(rec: RequestRecord, s: string, b: number, e: number, m: boolean, u: boolean, p: boolean, raw: boolean): string | null {
  if (e <= b || (e - b === 1 && s.charCodeAt(b) === 45)) return null;
  if (!raw) {
    const bs = s.indexOf('\\', b);
    if (bs >= 0 && bs < e) {
      const line = unescapeLogValue(s.slice(b, e));
      return reference(rec, line, 0, line.length, m, u, p, true);
    }
  }
  let a = s.indexOf(' ', b);
  if (a >= e) a = -1;
  if (a < 0 && s.charCodeAt(b) === 47) {
    if (u) rec.url = s.slice(b, e);
    return null;
  }
  if (a < 0 || !isMethod(s, b, a)) return s.slice(b, e);
  const last = s.lastIndexOf(' ', e - 1);
  const hasProto = last > a && s.startsWith('HTTP/', last + 1);
  if (m) rec.method = s.slice(b, a);
  if (u) rec.url = s.slice(a + 1, hasProto ? last : e);
  if (p && hasProto) rec.protocol = s.slice(last + 1, e);
  return null;
}

const empty = (): RequestRecord => ({ url: null, method: null, protocol: null } as unknown as RequestRecord);

describe('requestLine', () => {
  it('splits every shape of request like lastIndexOf did', () => {
    let s = 1;
    const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296);
    const pieces = ['GET', 'POST', 'M-SEARCH', ' ', '  ', '/', '/a?b=1', 'HTTP/1.1', 'HTTP/', 'HTTP', 'http://h/x', '-', '\\x22', '\\\\', 'x y', '\u00e9', ''];
    for (let i = 0; i < 20_000; i++) {
      const n = 1 + Math.floor(rand() * 6);
      let req = '';
      for (let k = 0; k < n; k++) req += pieces[Math.floor(rand() * pieces.length)];
      const pre = rand() < 0.5 ? 'x "' : ' ';
      const post = rand() < 0.5 ? '" 200 HTTP/1.1' : ' ';
      const line = pre + req + post;
      const b = pre.length, e = b + req.length;
      for (const flags of [[true, true, true, false], [true, true, true, true], [false, true, false, false]] as [boolean, boolean, boolean, boolean][]) {
        const got = empty(), want = empty();
        const r1 = requestLine(got, line, b, e, ...flags);
        const r2 = reference(want, line, b, e, ...flags);
        expect([r1, got], JSON.stringify(line)).toEqual([r2, want]);
      }
    }
  });
});
