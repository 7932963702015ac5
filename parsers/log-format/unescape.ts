// Servers escape what a client sent before logging it: nginx writes `"` `\` and bytes outside
// printable ASCII as `\xHH` (escape=default) or JSON escapes (escape=json); Apache writes `\"`,
// `\\`, C escapes and `\xhh`. One decoder handles all of them, so the stored value is what the
// client sent. Escaped bytes are decoded as UTF-8 when they form valid UTF-8, else as Latin-1
// (a lone 0xE9 from an old browser must survive as `é`, not as a replacement character).

const SIMPLE: Record<string, string> = {
  '"': '"', '\\': '\\', '/': '/', "'": "'", n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

function bytesToString(bytes: number[]): string {
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    return String.fromCharCode(...bytes);
  }
}

function hexAt(s: string, i: number, digits: number): number {
  if (i + digits > s.length) return -1;
  const v = parseInt(s.slice(i, i + digits), 16);
  return Number.isNaN(v) || !/^[0-9a-fA-F]+$/.test(s.slice(i, i + digits)) ? -1 : v;
}

/** Undo nginx/Apache/JSON log escaping. Values without a backslash come back untouched. */
export function unescapeLogValue(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  let out = '';
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length) { out += bytesToString(bytes); bytes = []; }
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\' || i + 1 >= s.length) { flush(); out += c; continue; }
    const next = s[i + 1];
    if (next === 'x' || next === 'X') {
      const v = hexAt(s, i + 2, 2);
      if (v >= 0) { bytes.push(v); i += 3; continue; }
    } else if (next === 'u') {
      const v = hexAt(s, i + 2, 4);
      if (v >= 0) { flush(); out += String.fromCharCode(v); i += 5; continue; }
    } else if (SIMPLE[next] !== undefined) {
      flush(); out += SIMPLE[next]; i += 1; continue;
    }
    flush();
    out += c; // a lone backslash stays what it was
  }
  flush();
  return out;
}
