// What recomputing a few minutes of rollups from the table costs (src/query/rollups.ts
// rebuildRequestRange, run by the streamed rollups for the minutes they could not settle): the
// rows near those minutes, not the rest of the table. When today's log is appended to
// yesterday's, yesterday's last minute is recomputed, and the last whole-second group of
// yesterday's source is still open there: it used to keep the recompute reading every row of
// today's log, looking for a next row of a source that has none.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../e2e/cli.js';
import { openWritable } from '../../src/store/db.js';
import { rebuildRequestRange, readRollupState, ROLLUP_TABLES } from '../../src/query/rollups.js';
import { sourceTiers } from '../../src/query/tiers.js';

const FORMAT = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time';

/** `n` lines, `perSecond` a second from `from` (whole-second stamps, so the rollups spread them). */
function log(from: number, n: number, perSecond: number): string {
  const pad = (v: number) => String(v).padStart(2, '0');
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = new Date(from + Math.floor(i / perSecond) * 1000);
    const stamp = `${pad(d.getUTCDate())}/Nov/2026:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
    lines.push(`10.0.${i % 7}.${i % 250} - - [${stamp}] "GET /item/${i % 40} HTTP/1.1" ${i % 50 ? 200 : 503} ${100 + i} "-" "curl/8" 0.${String(i % 900).padStart(3, '0')}`);
  }
  return lines.join('\n') + '\n';
}

describe('a recompute of the minutes where an appended log meets the earlier one', () => {
  it('reads the rows near them, not the whole appended log, and changes no rollup', () => {
    const dir = tempDir('overload-recompute-');
    const db = join(dir, 't.db');
    const dayStart = Date.UTC(2026, 10, 23, 0, 0, 0);
    // yesterday: its last 10 minutes, 5 requests a second; today: 20,000 requests from midnight
    writeFileSync(join(dir, 'yesterday.log'), log(dayStart - 600_000, 3000, 5));
    writeFileSync(join(dir, 'today.log'), log(dayStart, 20_000, 5));
    for (const f of ['yesterday.log', 'today.log']) {
      const r = cli(['ingest', '--quiet', '--db', db, '--tz', 'UTC', '--log-format', FORMAT, join(dir, f)]);
      expect(r.status, r.stderr).toBe(0);
    }
    const h = openWritable(db);
    try {
      const dump = () => ROLLUP_TABLES.filter((t) => t !== 'rollup_state').map((t) => h.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3${t === 'rollup_sparse' ? '' : ', 4'}`).raw().all()); // (rollup_sparse: 3 columns)
      const before = dump();
      const st = readRollupState(h, 'main');
      let read = 0;
      h.transaction(() => { read = rebuildRequestRange(h, dayStart - 60_000, dayStart, st.max_duration_ms, sourceTiers(h)); })();
      // the minute's 300 rows and the few before it that a request can reach back from
      expect(read).toBeGreaterThanOrEqual(300);
      expect(read).toBeLessThan(1000);
      expect(dump()).toEqual(before);
    } finally {
      h.close();
    }
  });
});
