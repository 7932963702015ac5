// The built-in panels draw their cells as their query file's `-- columns:` header says, as a
// user's report panel does: a copy of a built-in file in --queries with one column's unit or
// kind changed changes what the panel shows, and replaces the built-in query rather than adding
// a panel of its own.
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { storyDb, tempDir, STORY3 } from '../fixtures.js';
import { builtinQueriesDir } from '../../src/report/loader.js';
import { open, type Screen } from './harness.js';

let db: string;
let queries: string;
let screen: Screen | null = null;

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
});
