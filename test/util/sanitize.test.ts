import { describe, expect, it } from 'vitest';
import { csvCell, stripControls, termSafe } from '../../src/util/sanitize.js';
import { renderCsv, renderMarkdown, renderTable } from '../../src/report/render.js';

describe('terminal and CSV safety', () => {
  it('makes escape sequences visible instead of executing them', () => {
    expect(termSafe('\u001b]0;pwned\u0007ua')).toBe('\\x1b]0;pwned\\x07ua');
    expect(termSafe('a\u009bb')).toBe('a\\x9bb');
    expect(termSafe('evil\u202egnp.exe')).toBe('evil\\u202egnp.exe');
    expect(termSafe('tab\there')).toBe('tab\\there');
    expect(stripControls('a\u001b[2Jb')).toBe('a [2Jb');
  });

  it('neutralises spreadsheet formulas but keeps numbers', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("\"'+1\"");
    expect(csvCell('@SUM(A1)')).toBe("\"'@SUM(A1)\"");
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
  });

  it('renderers never emit a raw control character from a row', () => {
    const rows = [{ ua: 'x\u001b[31mred', n: 1 }];
    for (const out of [renderTable(rows), renderCsv(rows), renderMarkdown(rows)]) {
      expect(out).not.toMatch(/\u001b/);
    }
    expect(renderMarkdown([{ a: 'x|y' }])).toContain('x\\|y');
  });
});
