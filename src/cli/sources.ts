// `overload sources`: what was ingested, and what could not be read.
import { render, type OutputFormat, type Row } from '../report/render.js';
import { openDbForReading } from './open-db.js';
import { isoUtc } from '../util/time.js';
import { dataRange, describeOutliers } from '../report/extent.js';
import { termSafe } from '../util/sanitize.js';
import type { DB } from '../store/db.js';

const TABLE_COLUMNS = ['id', 'path', 'format', 'host', 'lines', 'parsed', 'rejected', 'outliers', 'first', 'last', 'complete', 'variants', 'note'];

/**
 * Per source, the lines outside the data's default range (far from the rest: src/report/extent.ts),
 * by index range scans on both sides of it. Empty when there are none or no rollups to look in.
 */
function outliersBySource(db: DB): { counts: Map<number, number>; text: string | null } {
  const counts = new Map<number, number>();
  let range;
  try {
    range = dataRange(db);
  } catch {
    return { counts, text: null }; // a database from before the rollups: nothing to say
  }
  if (!range.outliers?.lines) return { counts, text: null };
  const add = (rows: Array<[number, number]>) => { for (const [id, n] of rows) counts.set(id, (counts.get(id) ?? 0) + n); };
  const args = { from: range.from, to: range.to };
  add(db.prepare(`SELECT source_id, count(*) FROM request_rows WHERE coalesce(start_ts, ts) < :from GROUP BY source_id
    UNION ALL SELECT source_id, count(*) FROM request_rows WHERE coalesce(start_ts, ts) >= :to GROUP BY source_id`).raw().all(args) as Array<[number, number]>);
  add(db.prepare(`SELECT source_id, count(*) FROM events WHERE ts < :from GROUP BY source_id
    UNION ALL SELECT source_id, count(*) FROM events WHERE ts >= :to GROUP BY source_id`).raw().all(args) as Array<[number, number]>);
  return { counts, text: describeOutliers(range.outliers) };
}

export async function run(opts: { db: string; format: OutputFormat; rejects: string | boolean }): Promise<number> {
  const db = openDbForReading(opts.db);
  try {
    // (all columns: a database from before migrations 8-9, opened read-only, has no variants / suspect_from_*)
    const sources = db.prepare('SELECT * FROM sources ORDER BY id').all() as Row[];
    // `--rejects` alone means 5 samples per source
    const n = opts.rejects === true ? 5 : Number(opts.rejects ?? 0) || 0;
    const outliers = outliersBySource(db);
    const sample = db.prepare('SELECT line_no, reason, line FROM rejects WHERE source_id = ? ORDER BY line_no LIMIT ?');
    // lines read as a variant of the source's format family (common lines in a combined log ...)
    const variants = (s: Row): Record<string, number> | null => (s.variants ? JSON.parse(s.variants as string) as Record<string, number> : null);
    const rows: Row[] = sources.map((s) => ({
      id: s.id, path: s.path, format: s.format, host: s.host, lines: s.lines, parsed: s.parsed, rejected: s.rejected,
      outliers: outliers.counts.get(s.id as number) ?? 0,
      first: isoUtc(s.first_ts as number | null), last: isoUtc(s.last_ts as number | null),
      complete: s.complete === 1, variants: variants(s), note: s.note, tz: s.tz, bytes: s.bytes,
      // rows decoded from damaged compressed data (schema migration 9)
      suspect_from_line: s.suspect_from_line ?? null, suspect_from_id: s.suspect_from_id ?? null,
      suspect: (s.suspect_from_line ?? null) === null ? '' : `lines ${s.suspect_from_line}..${s.lines}`,
      ...(n > 0 ? { sample_rejects: sample.all(s.id, n) } : {}),
    }));
    // JSON keeps the counts as an object; the cells of the other formats get `common 3, xff 1`
    const asText = rows.map((r) => ({ ...r, variants: variantText(r.variants as Record<string, number> | null) }));
    if (opts.format !== 'table') {
      process.stdout.write(render(opts.format, opts.format === 'json' || opts.format === 'ndjson' ? rows : asText));
      return 0;
    }
    // (the suspect column only when some source has rows decoded from damaged data)
    const columns = rows.some((r) => r.suspect) ? [...TABLE_COLUMNS.slice(0, -1), 'suspect', 'note'] : TABLE_COLUMNS;
    process.stdout.write(render('table', asText, columns));
    if (outliers.text) process.stdout.write(`\n${termSafe(outliers.text)}; --from/--to reach them\n`);
    for (const r of rows) {
      const rejects = r.sample_rejects as Row[] | undefined;
      if (!rejects?.length) continue;
      process.stdout.write(`\nrejected lines of ${r.path} (first ${rejects.length}):\n`);
      process.stdout.write(render('table', rejects, ['line_no', 'reason', 'line'], { maxCell: 160 }));
    }
  } finally {
    db.close();
  }
  return 0;
}

/** `common 3, client-list 1` */
function variantText(v: Record<string, number> | null): string | null {
  return v ? Object.entries(v).map(([k, n]) => `${k} ${n}`).join(', ') : null;
}
