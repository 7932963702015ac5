// A report the user drops into --queries is a panel of its own, drawn through its `-- columns:`
// header without any TypeScript: each value formatted by its kind and unit (a duration in s as
// "6.77s", bytes as "551K", an epoch stamp as a clock time, a ratio as a percentage).
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { storyDb, tempDir, STORY3 } from '../fixtures.js';
import { open, KEY, type Screen } from './harness.js';

let db: string;
let queries: string;
let screen: Screen | null = null;

const REPORT = `-- name: route-costs
-- title: Route costs
-- description: Every route of the database: requests, the longest, bytes sent, the last stamp and
--   the share of 5xx.
-- ranking: requests, most first
-- columns: route text, requests count, longest duration s, sent bytes, last_at time ms,
--   errors ratio
SELECT coalesce(route, '') AS route, count(*) AS requests, max(duration_ms) / 1000.0 AS longest,
  sum(bytes) AS sent, max(ts) AS last_at, 1.0 * sum(status >= 500) / count(*) AS errors
FROM requests GROUP BY 1 ORDER BY requests DESC, route
`;

beforeAll(() => {
  db = storyDb(STORY3);
  queries = tempDir();
  writeFileSync(join(queries, 'route-costs.sql'), REPORT);
});
afterEach(() => { screen?.unmount(); screen = null; });

describe('tui panel of a report from --queries', () => {
  it('is a tab after the built-in panels, its cells formatted by the header', async () => {
    screen = await open(db, { queries, columns: 120 });
    expect(screen.frame()).toContain('Rout'); // its tab, after Limits
    // 9 is the last built-in panel: Tab goes on to the user's report
    await screen.press('9', KEY.tab);
    await screen.until('[Route costs]');
    const f = await screen.until('/fast.php');
    const lines = f.split('\n');
    expect(lines.some((l) => /route▼?\s+requests\s+longest\s+sent\s+last_at\s+errors/.test(l))).toBe(true);
    // 1,511 requests, the longest 6.767 s, 564,005 bytes, the last at 09:53:40 UTC, 50.5 % 5xx
    expect(lines.find((l) => l.includes('/fast.php'))).toMatch(/\/fast\.php\s+1,511\s+6\.77s\s+551K\s+09:53:40\s+5[01]%/);
    expect(lines.find((l) => l.includes('/api.php'))).toMatch(/\/api\.php\s+50\s+8\.39s\s+4\.7K\s+09:53:13\s+52%/);
    expect(f).toContain('Route costs (report route-costs)');
    // s sorts by the number columns in turn: the longest request first
    await screen.press('s', 's');
    const sorted = (await screen.until('longest▼')).split('\n').filter((l) => /\.php\s/.test(l));
    expect(sorted[0]).toContain('/poll.php');
    // and back round to the Overview
    await screen.press(KEY.tab);
    await screen.until('[1 Overview]');
  });
});
