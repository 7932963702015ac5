// The Limits panel (9): the diagnosis of the window, one row per limit that broke, from report
// incident's "what to change" section. Story 3 with its configs: pm.max_children 4 and
// listen.backlog 8, with what to change.
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { storyDb, STORY3 } from '../fixtures.js';
import { open, type Screen } from './harness.js';

let db: string;
let screen: Screen | null = null;
// the logs, then the story's configs (nginx.conf, php-fpm.conf) and snapshots
beforeAll(() => { db = storyDb(STORY3, 'full'); });
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
