// Work that needs every source in place, run once at the end of each `overload ingest`:
// joins across sources first, then the rollups that summarise the joined result.
import type { DB } from './db.js';
import { joinSlowTracesToRequests } from './slowlog-join.js';
import { buildRollups } from './rollups.js';

export function afterIngest(db: DB): void {
  joinSlowTracesToRequests(db);
  buildRollups(db);
}
