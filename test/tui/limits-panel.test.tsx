// The Limits panel (9): the diagnosis of the window, one row per limit that broke, from report
// incident's "what to change" section. Story 3 with its configs: pm.max_children 4 and
// listen.backlog 8, with what to change.
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { join } from 'node:path';
import { ingestStory, cli, ROOT, STORY3 } from './fixture-db.js';
import { open, type Screen } from './harness.js';

let db: string;
let screen: Screen | null = null;
beforeAll(() => {
  db = ingestStory(STORY3);
  const config = join(ROOT, 'fixtures', 'incidents', STORY3, 'config');
  const r = cli(['ingest', '--quiet', '--db', db, join(config, 'nginx.conf'), join(config, 'php-fpm.conf')]);
  if (r.code !== 0) throw new Error(`config ingest failed: ${r.stderr}`);
});
afterEach(() => { screen?.unmount(); screen = null; });

describe('tui Limits panel', () => {
  it('9 shows the limits that broke in the window and what to change', async () => {
    screen = await open(db);
    await screen.press('9');
    // cells are cut to the terminal's width: the start of each is enough
    const f = await screen.until('PHP-FPM pool www: pm.max_childre');
    expect(f).toMatch(/\[9 Lim/);
    expect(f).toMatch(/> critical PHP-FPM pool www: pm\.max_childre.* Set pm\.max_children to 15/);
    expect(f).toMatch(/critical PHP-FPM pool www: listen\.backlog.* Raise listen\.backlog/);
    expect(f).toMatch(/sev▼? +limit that broke +what to change/);
  });
});
