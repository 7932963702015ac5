// Log fields are attacker-controlled: a User-Agent can carry an escape sequence that rewrites
// the operator's terminal. Everything from a log passes termSafe() before it is printed or
// drawn, and csvCell() before it lands in a spreadsheet.

// C0 controls, DEL, C1 controls, the Unicode bidi marks and overrides that can reorder what is
// shown (U+061C, U+200E/F, U+202A-E, U+2066-9), the line and paragraph separators that break a
// line where no newline is (U+2028/9), and the invisible ones that hide or join text (U+200B-D
// zero widths, U+FEFF, U+2060-F joiners, invisible operators and deprecated format controls,
// U+FFF9-B annotation marks).
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;
// The same without C0: JSON.stringify escapes those inside strings itself, and outside strings
// its pretty-printed newlines are structure.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (code === 0x09) return '\\t';
  if (code === 0x0a) return '\\n';
  if (code === 0x0d) return '\\r';
  return code <= 0xff ? '\\x' + code.toString(16).padStart(2, '0') : '\\u' + code.toString(16).padStart(4, '0');
}

/** Make a string safe to print on a terminal: control characters become visible `\xNN` escapes. */
export function termSafe(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'string' ? value : String(value);
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(s) ? s.replace(UNSAFE, escapeChar) : s;
}

/** Remove control characters entirely (for Markdown documents, where escapes would be noise). */
export function stripControls(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value).replace(UNSAFE, ' ');
}

/**
 * JSON text with every character termSafe() would escape written as a `\\uXXXX` escape instead of
 * raw: JSON.stringify leaves DEL, C1 controls, bidi overrides and U+2028 raw, and a terminal that
 * shows the JSON acts on them. Outside strings JSON is ASCII, so only string contents change.
 */
export function jsonSafe(jsonText: string): string {
  UNSAFE_IN_JSON.lastIndex = 0;
  return UNSAFE_IN_JSON.test(jsonText) ? jsonText.replace(UNSAFE_IN_JSON, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) : jsonText;
}

/**
 * Log text inside a Markdown document, inert: every character that Markdown (CommonMark and
 * GitHub's tables and autolinks) can turn into a link, an image, HTML, emphasis, code or a table
 * cell border is escaped, so `[click](javascript:...)` and `![x](http://evil/t.png)` render as the
 * text the log held. `scheme://`, `www.` and `@` are broken too: GitHub links those by itself.
 * Controls become visible escapes first (their backslash then escaped as well).
 */
export function mdInert(value: unknown): string {
  return termSafe(value)
    .replace(/[\\`*_{}[\]()#+!|~&]/g, '\\$&')
    .replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'))
    .replace(/:(?=\/\/)/g, '\\:')
    .replace(/(www)\./gi, '$1\\.')
    .replace(/@/g, '\\@');
}

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180 quoting). Text that a spreadsheet would run as a formula gets a leading
 * apostrophe (OWASP's advice); numbers stay numbers.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  let s = termSafe(value);
  if (FORMULA_START.test(s)) s = "'" + s;
  return /[",\n\r']/.test(s) || s !== s.trim() ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** Cut a string to `max` characters for display, marking the cut. */
export function truncate(s: string, max: number): string {
  if (max <= 0) return '';
  return s.length <= max ? s : max === 1 ? '…' : s.slice(0, max - 1) + '…';
}
