// The header line: what is in the database. Read from the sources table (one row per input),
// never by counting requests: count(*) over 10M rows would cost more than the whole first paint.
import type { DB } from '../../store/db.js';
import { fastRange } from './window-sql.js';
import type { HeaderData, PanelInfo } from './types.js';

export function headerData(db: DB, dbPath: string, host: string | null, panels: PanelInfo[] = []): HeaderData {
  const src = db.prepare(`SELECT count(*) n, coalesce(sum(parsed), 0) parsed, coalesce(sum(rejected), 0) rejected
    FROM sources WHERE (? IS NULL OR host = ?)`).get(host, host) as { n: number; parsed: number; rejected: number };
  const formats = (db.prepare('SELECT DISTINCT format FROM sources WHERE (? IS NULL OR host = ?) ORDER BY format').all(host, host) as { format: string }[])
    .map((r) => r.format);
  const hosts = (db.prepare('SELECT DISTINCT host FROM sources WHERE host IS NOT NULL ORDER BY host').all() as { host: string }[])
    .map((r) => r.host);
  const range = fastRange(db, host);
  const empty = src.n === 0 || range.to <= range.from;
  return {
    db: dbPath, sources: src.n, formats, hosts,
    from: empty ? null : range.from, to: empty ? null : range.to,
    rows: src.parsed, rejects: src.rejected, tier: range.tier, panels,
  };
}
