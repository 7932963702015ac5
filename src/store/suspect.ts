// Rows decoded from damaged compressed data (schema migration 9): they are stored and counted
// like any other, so every command that shows results made from them says so.
import type { DB } from './db.js';

export interface SuspectSource {
  path: string;
  /** first suspect line of the source, and how many lines / requests from there on */
  fromLine: number;
  lines: number;
  requests: number;
}

export function suspectSources(db: DB): SuspectSource[] {
  // (a database from before migration 9, opened read-only, has no such columns)
  const columns = db.prepare("SELECT name FROM pragma_table_info('sources')").pluck().all() as string[];
  if (!columns.includes('suspect_from_line')) return [];
  return db.prepare(`SELECT path, suspect_from_line fromLine, max(lines - suspect_from_line + 1, 0) lines,
      (SELECT count(*) FROM request_rows r WHERE r.source_id = s.id AND r.id >= s.suspect_from_id) requests
    FROM sources s WHERE suspect_from_line IS NOT NULL ORDER BY id`).all() as SuspectSource[];
}

/** One sentence per source, for stderr (the caller sanitizes: the path is the user's). */
export function suspectWarnings(db: DB): string[] {
  return suspectSources(db).map((s) =>
    `${s.path}: lines ${s.fromLine}..${s.fromLine + s.lines - 1} (${s.requests} requests) were decoded from damaged compressed data and may be made up; results include them (overload sources)`);
}
