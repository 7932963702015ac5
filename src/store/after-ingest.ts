// Work that needs every source in place, run once at the end of each `overload ingest`:
// joins across sources first, then the rollups that summarise the joined result.
import type { DB } from './db.js';
import { joinSlowTracesToRequests } from './slowlog-join.js';
import { buildRollups, type RollupStats } from './rollups.js';
import type { RollupStream } from './rollup-stream.js';

export function afterIngest(db: DB): RollupStats {
  joinSlowTracesToRequests(db);
  return buildRollups(db);
}

/**
 * The same, with the rollups the ingest built as it wrote (`stream`); when those cannot stand
 * for a rebuild (see rollup-stream.ts) the rollups are brought up to date the usual way.
 */
export async function afterStreamedIngest(db: DB, stream: RollupStream | null): Promise<RollupStats & { streamed: boolean }> {
  joinSlowTracesToRequests(db);
  const streamed = stream ? await stream.finish() : null;
  if (streamed) return { ...streamed, streamed: true };
  return { ...buildRollups(db), streamed: false };
}
