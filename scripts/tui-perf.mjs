#!/usr/bin/env node
// Measures `overload tui` as a user feels it, in tmux: time to the first paint (header and bars),
// then the time from a key to the screen that answers it (panel switches, cursor moves, zoom in
// and out, bucket changes). Polls capture-pane every 10 ms, so figures are +-10 ms.
//
//   node scripts/tui-perf.mjs --db big.db [--size 120x40] [--runs 3]
//
// Make a large database with the benchmark generator, e.g. 10M requests over a day:
//   node -e "import('./dist/bench/generate-log.js').then(m => m.generateLog('/tmp/big.log', 10e6, 120))"
//   overload ingest --db /tmp/big.db --log-format "$(node -e "import('./dist/bench/generate-log.js').then(m => console.log(m.BENCH_LOG_FORMAT))")" /tmp/big.log
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/src/cli/main.js');
const arg = (name, fallback) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : fallback; };
const db = arg('--db');
if (!db) { console.error('usage: tui-perf.mjs --db PATH [--size 120x40] [--runs 3]'); process.exit(1); }
const [W, H] = arg('--size', '120x40').split('x').map(Number);
const runs = Number(arg('--runs', '3'));
const TMP = mkdtempSync(join(tmpdir(), 'overload-perf-'));
const SOCKET = `overload-tui-perf-${process.pid}`;
const CONF = join(TMP, 'tmux.conf');
// the server stays between runs: a new-session could meet it exiting after the last one's kill-session
writeFileSync(CONF, 'set -s exit-empty off\nset -g status off\n');
const tmux = (...a) => execFileSync('tmux', ['-L', SOCKET, '-f', CONF, ...a], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const capture = () => tmux('capture-pane', '-p', '-t', 'perf');

async function until(test, timeoutMs = 60_000) {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    const s = capture();
    if (test(s)) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out; screen:\n${capture()}`);
}

/** send a key and time until the screen shows its answer */
async function timed(label, key, test, results) {
  await new Promise((r) => setTimeout(r, 300)); // let background work settle a little, as a reader would
  const t0 = performance.now();
  tmux('send-keys', '-t', 'perf', key);
  await until(test);
  const ms = performance.now() - t0;
  (results[label] ??= []).push(ms);
}

const cursorTime = (s) => (/^(\d\d:\d\d(:\d\d)?|\d\d-\d\d \d\d:\d\d) \+/m.exec(s) ?? [])[1];
const results = {};
try {
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    tmux('new-session', '-d', '-s', 'perf', '-x', String(W), '-y', String(H),
      `cd ${JSON.stringify(ROOT)} && env -u CI TZ=UTC NO_COLOR=1 node ${CLI} tui --db ${JSON.stringify(resolve(db))}; sleep 600`);
    await until((s) => s.includes('┤'));
    (results['first paint (header + bars)'] ??= []).push(performance.now() - t0);
    await until((s) => s.includes('[1 Overview]') && s.includes('spike 1'));
    (results['spikes on screen'] ??= []).push(performance.now() - t0);
    await until((s) => /summary\s+seconds/.test(s) || s.includes('no spike to explain'), 120_000);
    (results['Overview findings (incident report)'] ??= []).push(performance.now() - t0);
    for (const [i, name] of ['Endpoints', 'Oversized', 'Events', 'Slowlog', 'Upstreams', 'Status', 'Sources'].entries()) {
      await timed('panel switch', String(i + 2), (s) => s.includes(`[${i + 2} ${name}`) && !s.includes('loading') && !/\.\.\.$/m.test(s.split('\n')[1] ?? ''), results);
    }
    await timed('panel switch', '1', (s) => s.includes('[1 Overview]') && s.includes('summary'), results);
    for (let k = 0; k < 3; k++) {
      const before = cursorTime(capture());
      await timed('cursor move', 'Left', (s) => cursorTime(s) !== before && cursorTime(s) !== undefined, results);
    }
    await timed('n (mark next spike)', 'n', (s) => /spike \d+\/\d+ marked/.test(s), results);
    await timed('zoom in (Enter)', 'Enter', (s) => s.includes('zoom 1') && !/\.\.\.$/m.test(s.split('\n')[1] ?? '') && s.includes('┤'), results);
    await timed('panel switch in zoom', '2', (s) => s.includes('[2 Endpoints]') && !s.includes('loading') && !/\.\.\.$/m.test(s.split('\n')[1] ?? ''), results);
    await timed('zoom out (Esc)', 'Escape', (s) => !s.includes('zoom 1') && !/\.\.\.$/m.test(s.split('\n')[1] ?? ''), results);
    const b0 = /bucket (\S+)/.exec(capture())?.[1];
    await timed('bucket change (-)', '-', (s) => { const b = /bucket (\S+)/.exec(s)?.[1]; return b !== b0 && !/\.\.\.$/m.test(s.split('\n')[1] ?? ''); }, results);
    tmux('send-keys', '-t', 'perf', 'q');
    await new Promise((r) => setTimeout(r, 500));
    tmux('kill-session', '-t', 'perf');
  }
} finally {
  try { tmux('kill-server'); } catch { /* gone */ }
  rmSync(TMP, { recursive: true, force: true });
}
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
console.log(`overload tui on ${db} at ${W}x${H}, ${runs} runs (median / max, ms)`);
for (const [label, xs] of Object.entries(results)) {
  console.log(`  ${label.padEnd(38)} ${med(xs).toFixed(0).padStart(6)} / ${Math.max(...xs).toFixed(0).padStart(6)}   (n=${xs.length})`);
}
