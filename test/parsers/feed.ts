// Test helpers for the error-log parsers: feed lines, collect what comes back, read the real
// captures the repository bundles under fixtures/incidents (never ../shared).
import { readFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventRecord, FormatDefinition, ParseOutcome, ParserOptions, SlowTraceRecord } from '../../parsers/types.js';

export function feed(format: FormatDefinition, lines: string[], options: Partial<ParserOptions> = {}): ParseOutcome[] {
  const parser = format.create({ tz: 'UTC', ...options });
  const out = lines.map((line, i) => parser.parse(line, i + 1));
  if (parser.finish) out.push(...parser.finish());
  return out;
}

export function events(outcomes: ParseOutcome[]): EventRecord[] {
  return outcomes.flatMap((o) => (o.type === 'event' ? [o.record] : []));
}

export function traces(outcomes: ParseOutcome[]): SlowTraceRecord[] {
  return outcomes.flatMap((o) => (o.type === 'trace' ? [o.record] : []));
}

/** The one event a single line yields. */
export function one(format: FormatDefinition, line: string, before: string[] = []): EventRecord {
  const evs = events(feed(format, [...before, line]));
  return evs[evs.length - 1];
}

export function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const it of items) out[key(it)] = (out[key(it)] ?? 0) + 1;
  return out;
}

const INCIDENTS = fileURLToPath(new URL('../../fixtures/incidents', import.meta.url));

/** Lines of a bundled capture (transparently gunzipped if it has been compressed since). */
export function incidentLines(incident: string, file: string): string[] {
  const path = join(INCIDENTS, incident, file);
  const buf = existsSync(path) ? readFileSync(path) : gunzipSync(readFileSync(path + '.gz'));
  const lines = buf.toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export interface Truth {
  signatures: { files: Record<string, { kinds?: Record<string, number>; traces?: number; lines: number }> };
}

export function incidentTruth(incident: string): Truth {
  return JSON.parse(readFileSync(join(INCIDENTS, incident, 'truth.json'), 'utf8')) as Truth;
}
