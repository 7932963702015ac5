// `overload sources`: what was ingested, and what could not be read.
import { render, type OutputFormat, type Row } from '../report/render.js';
import { openDbForReading } from './open-db.js';
import { isoUtc } from '../util/time.js';

const TABLE_COLUMNS = ['id', 'path', 'format', 'host', 'lines', 'parsed', 'rejected', 'first', 'last', 'complete', 'note'];

export async function run(opts: { db: string; format: OutputFormat; rejects: string | boolean }): Promise<number> {
  const db = openDbForReading(opts.db);
  try {
    // (all columns: a database from before migration 8, opened read-only, has no suspect_from_*)
    const sources = db.prepare('SELECT * FROM sources ORDER BY id').all() as Row[];
    // `--rejects` alone means 5 samples per source
    const n = opts.rejects === true ? 5 : Number(opts.rejects ?? 0) || 0;
    const sample = db.prepare('SELECT line_no, reason, line FROM rejects WHERE source_id = ? ORDER BY line_no LIMIT ?');
    const rows: Row[] = sources.map((s) => ({
      id: s.id, path: s.path, format: s.format, host: s.host, lines: s.lines, parsed: s.parsed, rejected: s.rejected,
      first: isoUtc(s.first_ts as number | null), last: isoUtc(s.last_ts as number | null),
      complete: s.complete === 1, note: s.note, tz: s.tz, bytes: s.bytes,
      // rows decoded from damaged compressed data (schema migration 8)
      suspect_from_line: s.suspect_from_line ?? null, suspect_from_id: s.suspect_from_id ?? null,
      suspect: (s.suspect_from_line ?? null) === null ? '' : `lines ${s.suspect_from_line}..${s.lines}`,
      ...(n > 0 ? { sample_rejects: sample.all(s.id, n) } : {}),
    }));
    if (opts.format !== 'table') {
      process.stdout.write(render(opts.format, rows));
      return 0;
    }
    // (the suspect column only when some source has rows decoded from damaged data)
    const columns = rows.some((r) => r.suspect) ? [...TABLE_COLUMNS.slice(0, -1), 'suspect', 'note'] : TABLE_COLUMNS;
    process.stdout.write(render('table', rows, columns));
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
