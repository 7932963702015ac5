// Log fields are attacker-controlled: a User-Agent can carry an escape sequence that rewrites
// the operator's terminal. Everything from a log passes termSafe() before it is printed or
// drawn, and csvCell() before it lands in a spreadsheet.

// C0 controls, DEL, C1 controls, and the Unicode bidi overrides that can reorder what is shown.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

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
