// Issue #16 item 6 in the TUI: one line stamped 1970 and one 2099 among 1,000 real ones drew a
// 47,118-day range with nothing visible. The TUI opens on where the data is.
import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir, ROOT } from '../e2e/cli.js';
import { open, type Screen } from './harness.js';

let screen: Screen | null = null;
afterEach(() => { screen?.unmount(); screen = null; });

describe('tui with time outliers', () => {
  it('opens on the dense bulk of the data, not 1970..2099', async () => {
    const real = readFileSync(join(ROOT, 'fixtures', 'access', 's2-nginx-access.log'), 'utf8').split('\n').slice(0, 1000);
    const restamp = (line: string, stamp: string) => line.replace(/\[[^\]]+\]/, `[${stamp}]`);
    const dir = tempDir();
    writeFileSync(join(dir, 'access.log'),
      [restamp(real[0], '01/Jan/1970:00:00:00 +0000'), ...real, restamp(real[1], '01/Jan/2099:00:00:00 +0000')].join('\n') + '\n');
    const db = join(dir, 'a.db');
    const r = cli(['ingest', '--quiet', '--db', db, '--tz', 'UTC', join(dir, 'access.log')]);
    if (r.code !== 0) throw new Error(r.stderr);
    screen = await open(db, { columns: 200, rows: 32 });
    const f = await screen.until('[1 Overview]');
    expect(f).toMatch(/2026-11-22 09:49:5\d - 09:50:\d\d UTC \(2\ds\)/);
    expect(f).not.toContain('1970');
    // the bars are drawn: the steady load fills most columns of the chart
    expect((f.match(/[▁▂▃▄▅▆▇█]/g) ?? []).length).toBeGreaterThan(20);
    // and the Sources panel says what the range left out
    await screen.press('8');
    const s = await screen.until('1 inputs;');
    expect(s).toContain('2 lines far from the rest of the data');
  });
});
