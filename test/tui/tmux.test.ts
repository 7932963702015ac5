// The built program in a real terminal: runs scripts/tui-tmux-test.mjs (open, first spike, zoom,
// Events, drill, quit at 120x40 and 80x24; live from a pipe and from a slow fifo) when tmux is
// installed (.ci/run installs it), and fails with the script's screens when a step is wrong.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../e2e/cli.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

describe('tui in tmux', () => {
  it.skipIf(!hasTmux)('walkthrough and live mode on the built CLI', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/tui-tmux-test.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 280_000 });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out, out).toContain('all tmux scenarios passed');
    expect(r.status, out).toBe(0);
  }, 300_000);
});
