// Config values and log fields reach the diagnosis's text (setting values, socket names, file
// names): none may reach the terminal, the Markdown or the JSON in a form that acts.
import { describe, expect, it } from 'vitest';
import { renderJson, renderMarkdown, renderText } from '../../src/diagnose/render.js';
import type { Diagnosis } from '../../src/diagnose/types.js';

const EVIL = 'unix:/run/php.sock\u001b]0;pwned\u0007\u001b[2J\u202eevil';

const diagnosis: Diagnosis = {
  window: { from: 1_795_341_150_000, to: 1_795_341_194_000, host: 'web1', basis: 'spike', spike: 2 },
  findings: [{
    rule: 'php-fpm.listen_backlog', family: 'backlog', server: 'php-fpm', severity: 'critical', title: `listen.backlog on ${EVIL}`,
    limits: [{ server: 'php-fpm', setting: 'listen.backlog', value: EVIL, scope: 'pool:www', where: `/etc/${EVIL}:3`, doc: null, basis: 'config' }],
    evidence: [`818 refusals on ${EVIL}`], arithmetic: ['min(8, 4096) = 8'], recommendation: `raise it on *${EVIL}*`, missing: [],
    numbers: { backlog_full: 818 }, first: 1_795_341_162_000, last: 1_795_341_172_000,
  }],
  notes: [],
};

describe('diagnosis output safety', () => {
  it('table: control characters and bidi overrides become visible escapes', () => {
    const out = renderText(diagnosis);
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e]/);
    expect(out).toContain('unix:/run/php.sock\\x1b]0;pwned\\x07\\x1b[2J\\u202eevil');
  });

  it('Markdown: no control characters, and markup characters are escaped', () => {
    const out = renderMarkdown(diagnosis);
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e]/);
    expect(out).toContain('raise it on \\*unix:/run/php.sock');
  });

  it('JSON: parses back, with the strings made terminal-safe', () => {
    const out = renderJson(diagnosis);
    expect(out).not.toMatch(/[\u001b\u0007\u202e]/);
    // nor a JSON escape that decodes to one
    const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : []);
    for (const s of strings(JSON.parse(out))) expect(s).not.toMatch(/[\u001b\u0007\u202e]/);
    const parsed = JSON.parse(out) as { findings: Array<{ limits: Array<{ value: string }>; numbers: Record<string, number> }> };
    expect(parsed.findings[0].limits[0].value).toBe('unix:/run/php.sock\\x1b]0;pwned\\x07\\x1b[2J\\u202eevil');
    expect(parsed.findings[0].numbers.backlog_full).toBe(818);
  });
});
