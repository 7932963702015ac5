// `overload tui`: the interactive terminal UI (src/tui). Not on a terminal it explains itself on
// stderr and exits 1 (a usage error: the same command works when run in a terminal).
import { startTui } from '../tui/start.js';

export interface TuiCliOptions {
  db: string;
  from?: string;
  to?: string;
  host?: string;
  follow?: string[];
  tz?: string;
  queries?: string;
}

export async function run(opts: TuiCliOptions): Promise<number> {
  return startTui({ dbPath: opts.db, from: opts.from, to: opts.to, host: opts.host, tz: opts.tz, follow: opts.follow, queries: opts.queries });
}
