// The header line: what is in the database (queries/tui-header.sql). Read from the sources table
// (one row per input), never by counting requests: count(*) over 10M rows would cost more than
// the whole first paint.
import type { DataRange } from '../../report/extent.js';
import type { HeaderData, PanelInfo } from './types.js';
import { n, type RunScreen } from './screen.js';

export function headerData(run: RunScreen, dbPath: string, host: string | null, range: DataRange, panels: PanelInfo[] = []): HeaderData {
  const src = run('tui-header', { host: host ?? undefined }).rows[0] ?? {};
  const empty = n(src.sources) === 0 || range.to <= range.from;
  return {
    db: dbPath, sources: n(src.sources), formats: (src.formats ?? []) as string[], hosts: (src.hosts ?? []) as string[],
    from: empty ? null : range.from, to: empty ? null : range.to,
    rows: n(src.parsed), rejects: n(src.rejected), tier: range.tier, panels,
  };
}
