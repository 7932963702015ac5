// Work that needs every source in place, run once at the end of each `overload ingest`:
// joins across sources first, then the rollups that summarise the joined result.
import type { DB } from '../store/db.js';
import { joinSlowTracesToRequests } from '../store/slowlog-join.js';
import { buildRollups, rollupsFresh, type RollupStats } from './rollups.js';
import { INDEXES } from '../store/schema.js';
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

/**
 * What the final step of an earlier ingest left undone, or null: that ingest was killed after its
 * rows were committed but before its indexes, planner statistics and rollups were all built, so
 * a run that finds nothing new must still finish them. Rollups are written last (their state
 * row in the same transaction), so fresh rollups and every index in place mean it all ran.
 */
export function unfinishedAfterIngest(db: DB): string | null {
  if (!db.prepare('SELECT 1 FROM sources LIMIT 1').get()) return null;
  const have = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all() as string[]));
  const missing = INDEXES.map((sql) => /EXISTS (\w+)/.exec(sql)?.[1] ?? sql).filter((name) => !have.has(name));
  if (missing.length) return `indexes (${missing.join(', ')}), statistics and rollups`;
  if (!rollupsFresh(db, 'main')) return 'statistics and rollups';
  return null;
}
