// The TUI's fallback document (its panels as Markdown, when the postmortem module fails): log text
// in it is inert, as in `overload postmortem` (issue #16 item 8).
import { describe, it, expect } from 'vitest';
import { mdTable } from '../../src/tui/export.js';

describe('tui fallback document', () => {
  it('shows a path that is a link or an image as text', () => {
    const md = mdTable({
      columns: [{ key: 'route', title: 'route', kind: 'text' }, { key: 'n', title: 'requests', kind: 'int' }],
      rows: [{ route: '/x/[click](javascript:alert(1))', n: 3 }, { route: '/x/![x](http://evil/t.png)|cell', n: 2 }],
      sorts: [],
    }, 'UTC');
    expect(md).toContain('| /x/\\[click\\]\\(javascript:alert\\(1\\)\\) | 3 |');
    expect(md).toContain('| /x/\\!\\[x\\]\\(http\\://evil/t.png\\)\\|cell | 2 |');
    expect(md).not.toMatch(/[^\\]\]\(/);
  });
});
