// defaultRoute skips a folding rule's regex when the segment cannot match it (length, first
// char, `@`): the routes must be exactly those of the regex chain it replaced.
import { describe, expect, it } from 'vitest';
import { defaultRoute } from '../../src/util/route.js';
import { rng } from '../../bench/random.js';

// --- the folding as it was (the reference) ---
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER = /^-?\d+$/;
const HEX = /^(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{12,}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}(?:[T_]\d{2}[:\-]?\d{2}(?:[:\-]?\d{2})?)?$|^\d{8}$/;
const EMAIL = /^[^@/\s]+@[^@/\s]+\.[a-z]{2,}$/i;
const TOKEN = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_\-=~%+]{20,}$/;
const MAY_FOLD = /[0-9@]/;
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
  if (UUID.test(seg)) return ':uuid';
  if (DATE.test(seg)) return ':date';
  if (EMAIL.test(seg)) return ':email';
  if (HEX.test(seg)) return ':hex';
  if (TOKEN.test(seg)) return ':token';
  if (seg.includes('.')) {
    const parts = seg.split('.');
    const ext = /^[A-Za-z][A-Za-z0-9]{0,5}$/.test(parts[parts.length - 1]) ? parts.pop()! : null;
    const folded = parts.length === 1 ? [foldSegment(parts[0])] : parts.map((p) => (NUMBER.test(p) ? p : foldSegment(p)));
    if (ext !== null) folded.push(ext);
    return folded.join('.');
  }
  return seg;
}
function referenceRoute(path: string): string {
  if (path.length === 0 || !MAY_FOLD.test(path)) return path;
  return path.split('/').map((s) => (s === '' ? s : allDigits(s) ? ':id' : foldSegment(s))).join('/');
}

describe('defaultRoute', () => {
  it('folds like the plain regex chain, segment shapes near every rule', () => {
    const rand = rng(11);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
    const hex = '0123456789abcdefABCDEF';
    const rnd = (chars: string, n: number) => Array.from({ length: n }, () => chars[Math.floor(rand() * chars.length)]).join('');
    const makers: Array<() => string> = [
      () => rnd('0123456789', 1 + Math.floor(rand() * 12)),
      () => '-' + rnd('0123456789', Math.floor(rand() * 4)),
      () => `${rnd(hex, 8)}-${rnd(hex, 4)}-${rnd(hex, 4)}-${rnd(hex, 4)}-${rnd(hex, 11 + Math.floor(rand() * 3))}`,
      () => rnd(hex, 10 + Math.floor(rand() * 6)),
      () => rnd('0123456789-T_:', 7 + Math.floor(rand() * 14)),
      () => `2024-${rnd('0123456789', 2)}-${rnd('0123456789', 2)}${pick(['', 'T10:20', '_1020', 'T10:20:30', 'T1020-30', 'x'])}`,
      () => rnd('0123456789', 8),
      () => `${rnd('abc1.', 1 + Math.floor(rand() * 5))}@${rnd('ab1', 1 + Math.floor(rand() * 4))}.${rnd('comx1', 1 + Math.floor(rand() * 4))}`,
      () => rnd('Aa1_-=~%+', 18 + Math.floor(rand() * 6)),
      () => rnd('ab1.', 2 + Math.floor(rand() * 30)),
      () => `${pick(['app', 'x', '42', 'v1'])}.${rnd(hex, 8 + Math.floor(rand() * 10))}.${pick(['js', 'css', 'min.js', 'tar.gz', '1', 'toolong7', ''])}`,
      () => rnd('é日😀 \u0000\uD8001@.', 1 + Math.floor(rand() * 25)),
      () => rnd('abcXYZ', Math.floor(rand() * 10)),
    ];
    let n = 0;
    for (let i = 0; i < 30_000; i++) {
      const segs = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => (rand() < 0.1 ? '' : pick(makers)()));
      const path = (rand() < 0.9 ? '/' : '') + segs.join('/') + (rand() < 0.1 ? '/' : '');
      expect(defaultRoute(path), path).toBe(referenceRoute(path));
      n++;
    }
    expect(n).toBe(30_000);
  });
});
