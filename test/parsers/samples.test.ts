// Every format carries its own sample lines (lnav's rule: a format without samples is refused).
// This one test walks them all, so a new format is covered by adding its samples.
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../parsers/index.js';
import type { FormatDefinition, FormatSample, ParseOutcome } from '../../parsers/types.js';

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
