// Every format carries its own sample lines (lnav's rule: a format without samples is refused).
// This one test walks them all, so a new format is covered by adding its samples. lnav's other
// rules on a format definition, held for the error-log event rules (parsers/event-rules.ts) of
// every format: every rule is exercised by a sample, and no sample's text matches two rules of a
// table (first match wins, so an overlap would make a rule's order decide silently).
import { describe, expect, it, vi } from 'vitest';
import { FORMATS } from '../../parsers/index.js';
import type { FormatDefinition, FormatSample, ParseOutcome } from '../../parsers/types.js';
import type { EventRule, RuleHit } from '../../parsers/event-rules.js';
import { APACHE_RULES } from '../../parsers/apache-error.js';
import { KERNEL_RULES } from '../../parsers/kernel-rules.js';
import { LIGHTTPD_RULES } from '../../parsers/lighttpd-error.js';
import { NGINX_RULES } from '../../parsers/nginx-error.js';
import { PHP_FPM_RULES } from '../../parsers/php-fpm-error.js';
import { PHP_RULES } from '../../parsers/php-messages.js';
import { VARNISH_FETCH_RULES } from '../../parsers/varnish-fetch-error.js';

// Every rule table a parser consults goes through matchRule: watch it, so the test knows which
// rule each sample's text reached, whatever part of the line a format hands to its table.
const watch = vi.hoisted(() => ({ calls: [] as Array<{ rules: readonly unknown[]; text: string; rule: unknown }> }));
vi.mock('../../parsers/event-rules.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../parsers/event-rules.js')>();
  return {
    ...orig,
    matchRule: (rules: readonly EventRule[], text: string): RuleHit | null => {
      const hit = orig.matchRule(rules, text);
      watch.calls.push({ rules, text, rule: hit?.rule ?? null });
      return hit;
    },
  };
});

/** Every table of event rules, by name (a table the parsers use and this list lacks fails below). */
const TABLES: Record<string, readonly EventRule[]> = {
  APACHE_RULES, KERNEL_RULES, LIGHTTPD_RULES, NGINX_RULES, PHP_FPM_RULES, PHP_RULES, VARNISH_FETCH_RULES,
};

function run(format: FormatDefinition, sample: FormatSample): ParseOutcome[] {
  const parser = format.create({ tz: 'UTC', ...sample.options });
  const outcomes: ParseOutcome[] = [];
  let n = 0;
  for (const line of sample.before ?? []) outcomes.push(parser.parse(line, ++n));
  outcomes.push(parser.parse(sample.line, ++n));
  for (const line of sample.after ?? []) outcomes.push(parser.parse(line, ++n));
  if (sample.after && parser.finish) outcomes.push(...parser.finish());
  return outcomes;
}

describe.each(FORMATS.map((f) => [f.name, f] as const))('format %s', (_name, format) => {
  it('has samples and an example', () => {
    expect(format.samples.length).toBeGreaterThan(0);
    expect(format.example.length).toBeGreaterThan(0);
  });

  it.each(format.samples.map((s, i) => [i, s.note ?? s.line.slice(0, 60), s] as const))(
    'sample %i: %s',
    (_i, _label, sample) => {
      const outcomes = run(format, sample);
      if (sample.reject) {
        const last = outcomes[(sample.before?.length ?? 0)];
        expect(last).toMatchObject({ type: 'reject', reason: sample.reject });
        return;
      }
      // a snapshot's outcome holds a record per subject: the expectation names the subject it is about
      const subject = (sample.expect as { subject?: unknown } | undefined)?.subject;
      const records = outcomes.flatMap((o): Array<{ record: unknown; variant?: string }> => o.type === 'samples'
        ? o.records.filter((r) => subject === undefined || r.subject === subject).map((record) => ({ record, variant: undefined }))
        : o.type === 'request' || o.type === 'event' || o.type === 'trace' ? [o] : []);
      expect(outcomes.filter((o) => o.type === 'reject')).toEqual([]);
      expect(records.length).toBeGreaterThan(0);
      const last = records[records.length - 1] as { record: unknown; variant?: string };
      if (sample.expect) expect(last.record).toMatchObject(sample.expect);
      expect(last.variant, 'read as a variant of the family').toBe(sample.variant);
    },
  );
});

describe('event rules (lnav: every rule has a sample, no sample matches two)', () => {
  // every sample of every format, run once, with the calls of matchRule each one made
  const runs = FORMATS.flatMap((format) => format.samples.map((sample, i) => {
    watch.calls.length = 0;
    run(format, sample);
    return { where: `${format.name} sample ${i} (${sample.note ?? sample.line.slice(0, 60)})`, calls: [...watch.calls] };
  }));
  const tableName = (rules: readonly unknown[]) => Object.entries(TABLES).find(([, t]) => t === rules)?.[0];
  const ruleName = (table: string, r: EventRule) => `${table}[${TABLES[table].indexOf(r)}] ${r.kind} /${r.re.source.slice(0, 70)}/`;

  it('every table the parsers consult is listed here', () => {
    const unlisted = new Set(runs.flatMap((r) => r.calls.filter((c) => !tableName(c.rules)).map((c) => String((c.rules[0] as EventRule)?.re))));
    expect([...unlisted]).toEqual([]);
    const reached = new Set(runs.flatMap((r) => r.calls.map((c) => tableName(c.rules))));
    expect(Object.keys(TABLES).filter((t) => !reached.has(t))).toEqual([]);
  });

  it.each(Object.keys(TABLES))('%s: every rule is what some sample\'s text reaches', (table) => {
    const hit = new Set(runs.flatMap((r) => r.calls.filter((c) => c.rules === TABLES[table]).map((c) => c.rule)));
    expect(TABLES[table].filter((rule) => !hit.has(rule)).map((rule) => ruleName(table, rule))).toEqual([]);
  });

  it.each(Object.keys(TABLES))('%s: no sample\'s text matches two rules', (table) => {
    const overlaps = runs.flatMap((r) => r.calls.filter((c) => c.rules === TABLES[table]).flatMap((c) => {
      const matching = TABLES[table].filter((rule) => rule.re.test(c.text));
      return matching.length > 1 ? [`${r.where}: "${c.text.slice(0, 100)}" matches ${matching.map((m) => ruleName(table, m)).join(' and ')}`] : [];
    }));
    expect([...new Set(overlaps)]).toEqual([]);
  });
});
