// Which format auto-detection picks for each access format's own sample lines, and the
// key=value reader's learned fast path agreeing with its generic reader.
import { describe, expect, it } from 'vitest';
import { FORMATS, findFormat } from '../../parsers/index.js';
import type { FormatDefinition } from '../../parsers/types.js';

const detectable = FORMATS.filter((f) => f.detectable);

/** the formats whose own layout reads a line (not as a family variant), best first (detection's tie-break on one line) */
function readers(line: string): string[] {
  return detectable
    .filter((f) => {
      const out = f.create({ tz: 'UTC' }).parse(line, 1);
      return out.type === 'request' && out.variant === undefined;
    })
    .sort((a, b) => b.specificity - a.specificity)
    .map((f) => f.name);
}

// Lines that cannot tell their server: documented tie-breaks, not mistakes.
const TIES: Record<string, string> = {
  // Apache combined and nginx combined are the same layout; nginx wins the tie
  'apache-combined': 'nginx-combined',
};

const own = (f: FormatDefinition) => f.samples.filter((s) => !s.reject && !s.options && !s.before && !s.variant);

describe.each(detectable.filter((f) => f.produces === 'requests').map((f) => [f.name, f] as const))('%s', (name, format) => {
  it.each(own(format).map((s) => [s.note ?? s.line.slice(0, 50), s.line]))('detects: %s', (_label, line) => {
    const best = readers(line)[0];
    if (line.includes('"GET http://example.com/a?b=1')) expect(best).toBe('varnishncsa'); // absolute URL: varnish's mark
    else if (name === 'lighttpd-access' && line.split(' ')[1] === '-') expect(best).toBe('nginx-combined'); // no vhost: combined
    else expect(best).toBe(TIES[name] ?? name);
  });
});

describe('nginx-combined-kv fast path', () => {
  const kv = () => findFormat('nginx-combined-kv')!.create({ tz: 'UTC' });
  const a = '10.0.0.1 - - [22/Nov/2026:09:49:51 +0000] "GET /a HTTP/1.1" 200 5 10 "-" "ua" rt=0.1 urt="0.1" note=x';

  it('lines its learned shape refuses still go through the generic reader', () => {
    const odd = [
      a.replace('note=x', 'note=x y'), // unquoted value with a space
      a.replace(' rt=', '  rt='), // two spaces
      a.replace(' 10 "-"', ' big "-"'), // a non-number where a number was
      a.replace('urt="0.1"', 'urt=0.1, 0.2'), // unquoted list where a quoted one was
    ];
    const learned = kv();
    expect(learned.parse(a, 1).type).toBe('request');
    for (const line of odd) {
      const viaLearned = learned.parse(line, 2);
      const fresh = kv().parse(line, 1);
      expect(viaLearned).toEqual(fresh);
      expect(viaLearned.type).toBe('request');
    }
    expect(learned.parse(a.replace('note=x y', ''), 3)).toMatchObject({ type: 'request' });
  });

  it('the odd lines parse as the generic reader reads them', () => {
    expect(kv().parse(a.replace('note=x', 'note=x y'), 1)).toMatchObject({ record: { extra: { note: 'x y' } } });
    expect(kv().parse(a.replace(' 10 "-"', ' big "-"'), 1)).toMatchObject({ record: { extra: { field_1: 'big' } } });
  });
});
