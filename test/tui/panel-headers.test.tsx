// The built-in panels draw their cells as their query file's `-- columns:` header says, as a
// user's report panel does: a copy of a built-in file in --queries with one column's unit or
// kind changed changes what the panel shows, and replaces the built-in query rather than adding
// a panel of its own.
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { storyDb, tempDir, STORY3 } from '../fixtures.js';
import { builtinQueriesDir } from '../../src/report/loader.js';
import { open, KEY, type Screen } from './harness.js';

let db: string;
let queries: string;
let screen: Screen | null = null;

/** a user's report with a rate per minute: drawn per minute, not as if per second */
const RATES = `-- name: route-rates
-- title: Route rates
-- description: Requests a minute per route over the capture's two minutes.
-- ranking: most first
-- columns: route text, per_min rate req/min
SELECT coalesce(route, '') AS route, count(*) / 2.0 AS per_min FROM requests GROUP BY 1 ORDER BY per_min DESC, route
`;

/** a built-in query file copied into the user's folder with one header entry changed */
function edited(file: string, from: string, to: string): void {
  const text = readFileSync(join(builtinQueriesDir(), file), 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no "${from}" in its header`);
  writeFileSync(join(queries, file), text.replace(from, to));
}

beforeAll(() => {
  db = storyDb(STORY3);
  queries = tempDir();
  // p95 declared in seconds: /report.php's 3.604 s reads as 3,604 s = 60.1m
  edited('slow-endpoints.sql', 'p95_ms duration ms', 'p95_ms duration s');
  // a share declared 0-1: 54 (%) reads as 5400%
  edited('slowlog-top.sql', 'share_pct percent', 'share_pct ratio');
  // a screen's own file (Sources): lines declared a size
  edited('inputs.sql', 'lines count', 'lines bytes');
  // a drill-down's file: a route's slowest requests, their time declared in seconds
  edited('tui-route-top.sql', 'duration_ms duration ms', 'duration_ms duration s');
  writeFileSync(join(queries, 'route-rates.sql'), RATES);
});
afterEach(() => { screen?.unmount(); screen = null; });

const row = (f: string, text: string) => f.split('\n').find((l) => l.includes(text)) ?? '';

describe('built-in panels follow their query file\'s header', () => {
  it('Endpoints: a unit changed in the header', async () => {
    screen = await open(db, { queries, columns: 120 });
    await screen.press('2');
    const f = await screen.until('/report.php');
    expect(row(f, '/report.php')).toMatch(/\/report\.php\s+53\s+2\.4m\s+24%\s+2\.66s\s+60\.1m\s+3\.76s\s+3\.78s\s+0$/);
    // the copy replaced the panel's query: it is not a panel of its own
    expect(f).not.toContain('Slow endpoints');
    expect(f).not.toContain('Slowlog stacks');
  });

  it('a drill-down: the route\'s slowest requests', async () => {
    screen = await open(db, { queries, columns: 120 });
    await screen.press('2');
    await screen.until('/fast.php');
    await screen.press(KEY.enter);
    // /fast.php's slowest, 6.767 s, read as 6,767 s = 112.8m; its upstream time still in ms
    const f = await screen.until('slowest requests');
    expect(row(f, '?p=108541')).toMatch(/09:52:30\s+200\s+112\.8m\s+6\.77s/);
  });

  it('Slowlog: a kind changed in the header', async () => {
    screen = await open(db, { queries, columns: 120 });
    await screen.press('5');
    const f = await screen.until('runQuery()');
    expect(row(f, 'runQuery()')).toMatch(/^>?\s+53\s+\d{4}%\s+sleep\(\) < runQuery\(\)/);
  });

  it('Sources: a screen file\'s header', async () => {
    screen = await open(db, { queries, columns: 120 });
    await screen.press('8');
    const f = await screen.until('nginx-access.log');
    expect(row(f, 'nginx-access.log')).toMatch(/nginx-access\.log\s+nginx\s+1\.3K\s+1,294\s+0/);
  });

  it('a rate keeps the unit its header names', async () => {
    screen = await open(db, { queries, columns: 120 });
    // the one panel of the user's: after Limits
    await screen.press('9', KEY.tab);
    await screen.until('[Route rates]');
    const f = await screen.until('/report.php');
    expect(row(f, '/report.php')).toMatch(/\/report\.php\s+\d+(\.\d)?\/min$/);
  });
});
