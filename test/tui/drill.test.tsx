// Enter on a row: a route's own timeline and slowest requests, an event kind's messages and
// lines, a fingerprint's frames and requests, a source's rejected lines. Esc comes back.
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { storyDb, spikeOracle, clock, STORY3 } from '../fixtures.js';
import { open, KEY, type Screen } from './harness.js';

let db: string;
let screen: Screen | null = null;
beforeAll(() => { db = storyDb(STORY3); });
afterEach(() => { screen?.unmount(); screen = null; });

describe('tui drill-downs', () => {
  it('Endpoints: a route\'s own timeline and its slowest requests', async () => {
    screen = await open(db, { panel: 'endpoints' });
    await screen.press(KEY.down, KEY.enter);
    const f = await screen.until('route /report.php: 53 requests, 0 5xx');
    expect(f).toContain('slowest requests (40)');
    expect(f).toMatch(/GET \/report\.php\?account=\d+/);
    // its own chart: bars between the axis and the time labels
    const lines = f.split('\n');
    const title = lines.findIndex((l) => l.includes('route /report.php'));
    expect(lines.slice(title, title + 6).join('\n')).toMatch(/┤.*[▁▂▃▄▅▆▇█]/);
    await screen.press(KEY.esc);
    const back = await screen.until((x) => !x.includes('slowest requests'));
    expect(back).toContain('[2 Endpoints]');
    expect(back).toMatch(/> \/report\.php/);
  });

  it('Events: a kind\'s message shapes and its lines', async () => {
    screen = await open(db, { panel: 'events' });
    await screen.until('backlog_full');
    await screen.press(KEY.enter);
    const f = await screen.until('event kind backlog_full');
    expect(f).toMatch(/818 nginx\s+\[error\] N#N: \*N connect\(\) to unix:\/tmp\/lab-sN\/run\/php-fpm\.sock failed \(N: /);
    expect(f).toContain('lines (first 300) (300)');
    expect(f).toMatch(/09:52:42 nginx\s+unix:\S+\s+\[error\] \d+#\d+: \*\d+ connect\(\) to unix:\/tmp\/lab-s3\/run/);
    // ↓ scrolls the lines
    await screen.press(KEY.pageDown, KEY.pageDown);
    expect(screen.frame()).not.toContain('messages (digits folded to N)');
  });

  it('Slowlog: a fingerprint\'s frames and the requests it served', async () => {
    screen = await open(db, { panel: 'slowlog' });
    await screen.until('runQuery()');
    await screen.press(KEY.enter);
    const f = await screen.until('frames (innermost first');
    expect(f).toMatch(/0 sleep\(\)/);
    expect(f).toMatch(/1 runQuery\(\)\s+\/tmp\/lab-s3\/www\/report\.php:\d+/);
    expect(f).toContain('requests it served (53)');
    expect(f).toMatch(/GET \/report\.php\?account=\d+/);
  });

  it('Sources: the rejected lines of an input', async () => {
    screen = await open(db, { panel: 'sources' });
    await screen.until('nginx-access.log');
    await screen.press(KEY.enter);
    const f = await screen.until('rejected lines of');
    expect(f).toContain('no rejected lines');
  });

  it('Overview: Enter on a spike zooms into it', async () => {
    screen = await open(db);
    await screen.until('spike 2');
    await screen.press(KEY.down, KEY.enter);
    const f = await screen.until('zoom 1');
    const s2 = spikeOracle(db)[1];
    expect(f.split('\n')[1]).toContain(`${clock(s2.from)} - ${clock(s2.to)} UTC (${s2.seconds}s)`);
  });
});
