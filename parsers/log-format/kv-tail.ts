// The free-form end of a line: ` rt=0.032 urt="0.012, 0.480" "quoted" 123`. Servers' custom
// formats very often are "a known layout, then key=value pairs"; reading that tail generically
// lets such logs be auto-detected without the user pasting the format.
//
// An unquoted value runs until the next ` key=` (or the end), so unquoted upstream lists like
// `urt=0.012, 0.480 : 0.3` stay one value.
import { closingQuote } from './split.js';

export interface TailItem {
  /** null for a bare item (a quoted string or a token without `key=`) */
  key: string | null;
  value: string;
  quoted: boolean;
}

const KEY = /[A-Za-z_][A-Za-z0-9_.@-]*=/y;

function keyAt(line: string, pos: number): number {
  KEY.lastIndex = pos;
  return KEY.test(line) ? KEY.lastIndex : -1;
}

/** End of an unquoted value starting at `pos`: before a space that starts another `key=`. */
function unquotedEnd(line: string, pos: number): number {
  let sp = line.indexOf(' ', pos);
  while (sp >= 0) {
    let next = sp + 1;
    while (line.charCodeAt(next) === 32) next++;
    if (next >= line.length || keyAt(line, next) >= 0) return sp;
    sp = line.indexOf(' ', next);
  }
  return line.length;
}

/** Reads items from `pos` to the end of the line; null when a quoted value never closes. */
export function readTail(line: string, pos: number): TailItem[] | null {
  const items: TailItem[] = [];
  const len = line.length;
  while (pos < len) {
    if (line.charCodeAt(pos) === 32) { pos++; continue; }
    let key: string | null = null;
    const afterKey = keyAt(line, pos);
    if (afterKey >= 0) {
      key = line.slice(pos, afterKey - 1);
      pos = afterKey;
    }
    if (line.charCodeAt(pos) === 34) {
      const end = closingQuote(line, pos + 1);
      if (end < 0) return null;
      if (end + 1 < len && line.charCodeAt(end + 1) !== 32) return null;
      items.push({ key, value: line.slice(pos + 1, end), quoted: true });
      pos = end + 1;
    } else {
      const sp = line.indexOf(' ', pos);
      const end = key !== null ? unquotedEnd(line, pos) : sp < 0 ? len : sp;
      items.push({ key, value: line.slice(pos, end), quoted: false });
      pos = end;
    }
  }
  return items;
}

/** `16.836ms`, `2048KB`, `0.00%`: number and unit suffix (lower-cased); null when not numeric. */
export function numberWithUnit(v: string): { n: number; unit: string } | null {
  const m = /^(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*([A-Za-zµ%]*)$/.exec(v);
  return m ? { n: Number(m[1]), unit: m[2].toLowerCase() } : null;
}
