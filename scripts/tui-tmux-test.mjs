#!/usr/bin/env node
// Drives the BUILT `overload tui` in a real terminal (tmux) and checks what it draws, step by
// step, as a user would see it: open, jump to the first spike, zoom, open Events, drill into a
// kind, quit; at 120x40 and at 80x24; then live mode fed by a pipe, by a slow fifo, and by
// --follow on files that grow.
//
//   node scripts/tui-tmux-test.mjs            run the checks (exit 1 and print the screen on a failure)
//   node scripts/tui-tmux-test.mjs --docs     also write docs/tui/<panel>.txt (100x32 captures)
//   node scripts/tui-tmux-test.mjs --keep     leave the temp dir (databases, captures) for a look
//
// Needs tmux and a built tree (npm run build). Runs its own tmux server (-L) with no user config,
// TZ=UTC and NO_COLOR=1, so captures are stable; the CI variable is removed inside the pane (ink
// draws nothing until exit when it thinks it runs in CI).
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, rmSync, existsSync, createWriteStream, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/src/cli/main.js');
const STORY = join(ROOT, 'fixtures/incidents/3-nginx-phpfpm-max-children');
const args = new Set(process.argv.slice(2));
const TMP = mkdtempSync(join(tmpdir(), 'overload-tmux-'));
const SOCKET = `overload-tui-test-${process.pid}`;
const CONF = join(TMP, 'tmux.conf');
// exit-empty off: between two scenarios the server has no session; it used to exit then, and a
// new-session at that instant met a dying server ("server exited unexpectedly"). It stays until
// the kill-server at the end.
writeFileSync(CONF, 'set -s exit-empty off\nset -g status off\nset -g remain-on-exit off\nset -g history-limit 0\n');

let failures = 0;
const log = (s) => process.stdout.write(s + '\n');

function tmux(...a) {
  return execFileSync('tmux', ['-L', SOCKET, '-f', CONF, ...a], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function cli(a, input) {
  const r = spawnSync(process.execPath, [CLI, ...a], { cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  if (r.status !== 0) throw new Error(`overload ${a.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r;
}

/** incident 3 ingested as its truth.json says */
function buildDb() {
  const db = join(TMP, 'incident3.db');
  const truth = JSON.parse(readFileSync(join(STORY, 'truth.json'), 'utf8'));
  for (const step of truth.ingest) {
    const a = ['ingest', '--quiet', '--db', db, '--tz', 'UTC'];
    if (step.format) a.push('--format', step.format);
    if (step.log_format) a.push('--log-format', step.log_format);
    if (step.nginx_conf) a.push('--nginx-conf', join(STORY, step.nginx_conf));
    if (step.log_format_name) a.push('--log-format-name', step.log_format_name);
    cli([...a, join(STORY, step.file)]);
  }
  return db;
}

const clock = (ms) => new Date(ms).toISOString().slice(11, 19);

/** the spike windows the TUI must show: asked of `overload report spikes` (2 s buckets from 09:51:42, as drawn) */
function spikeOracle(db) {
  const r = cli(['report', 'spikes', '--db', db, '--from', '2026-11-22T09:51:42Z', '--to', '2026-11-22T09:53:42Z', '--bucket', '2s', '--format', 'json', '--tz', 'UTC']);
  return JSON.parse(r.stdout).map((x) => ({ from: x.start_ts, to: x.end_ts, label: `${clock(x.start_ts)}-${clock(x.end_ts)}`, seconds: (x.end_ts - x.start_ts) / 1000 }));
}

class Pane {
  constructor(name, width, height, command) {
    this.name = name;
    this.width = width;
    this.height = height;
    const env = `env -u CI -u CONTINUOUS_INTEGRATION TZ=UTC NO_COLOR=1 TERM=xterm-256color`;
    tmux('new-session', '-d', '-s', name, '-x', String(width), '-y', String(height),
      `cd ${JSON.stringify(ROOT)} && ${env} ${command}; echo "EXIT:$?"; sleep 600`);
  }
  capture() {
    return tmux('capture-pane', '-p', '-t', this.name).replace(/\n+$/, '');
  }
  keys(...k) {
    // one key per read, as typed: a terminal delivers keys pressed together in one chunk, and
    // an Escape followed at once by more bytes reads as a meta sequence
    for (const key of k) {
      tmux('send-keys', '-t', this.name, key);
      execFileSync('sleep', ['0.08']);
    }
  }
  async until(what, test, timeoutMs = 10_000) {
    const t0 = Date.now();
    let screen = '';
    while (Date.now() - t0 < timeoutMs) {
      screen = this.capture();
      if (test(screen)) return screen;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`[${this.name}] ${what}: not on screen after ${timeoutMs} ms. The screen:\n${screen}`);
  }
  close() {
    try { tmux('kill-session', '-t', this.name); } catch { /* already gone */ }
  }
}

const has = (...parts) => (s) => parts.every((p) => (p instanceof RegExp ? p.test(s) : s.includes(p)));

async function step(pane, what, test, timeoutMs) {
  const screen = await pane.until(what, test, timeoutMs);
  log(`  ok  ${what}`);
  return screen;
}

function checkFits(pane, screen) {
  const lines = screen.split('\n');
  const wide = lines.filter((l) => [...l].length > pane.width);
  if (wide.length) throw new Error(`[${pane.name}] lines wider than ${pane.width}:\n${wide.join('\n')}`);
  if (lines.length > pane.height) throw new Error(`[${pane.name}] ${lines.length} lines on a ${pane.height}-line terminal`);
}

async function scenario(name, fn) {
  log(`${name}`);
  try {
    await fn();
  } catch (e) {
    failures++;
    log(`  FAIL ${e.message}`);
  }
}

/** open, first spike, zoom, Events, drill into a kind, quit */
async function walkthrough(db, width, height) {
  const [s1] = spikeOracle(db);
  const p = new Pane(`walk${width}`, width, height, `node ${CLI} tui --db ${db}`);
  try {
    let s = await step(p, 'opens: header, timeline, Overview with both spikes',
      has('5 sources', '2026-11-22 09:51:42 - 09:53:42 UTC (2m00s) | bucket 2s', '┤', 'Overview]', 'spike 2'), 15_000);
    checkFits(p, s);
    if (!/ ev  │.*O/.test(s) || !/▓/.test(s) || !/░/.test(s)) throw new Error(`timeline lacks 5xx, spike shading or markers:\n${s}`);
    p.keys('n');
    s = await step(p, `n marks the first spike (${s1.label})`, has('spike 1/2 marked', `window ${s1.label} (${s1.seconds}s)`, /└─*▲═+\]/));
    p.keys('Enter');
    s = await step(p, 'Enter zooms into it', has(`${clock(s1.from)} - ${clock(s1.to)} UTC (${s1.seconds}s) | bucket 1s | zoom 1`));
    checkFits(p, s);
    p.keys('4');
    s = await step(p, '4 opens Events for the window', has('[4 Events]', /> worker_limit_reached\s+P\s+php-fpm/));
    p.keys('Enter');
    s = await step(p, 'Enter drills into the kind: message shapes and lines',
      has('event kind worker_limit_reached', /1 php-fpm\s+WARNING: \[pool www\] server reached pm\.max_children/, /09:51:57 php-fpm/));
    checkFits(p, s);
    p.keys('Escape', 'Escape');
    s = await step(p, 'Esc closes the drill-down, Esc again zooms out', (x) => x.includes('[4 Events]') && !x.includes('zoom 1') && x.includes('(2m00s)'));
    p.keys('q');
    s = await step(p, 'q quits with status 0 and gives the shell its screen back', (x) => x.includes('EXIT:0') && !x.includes('┤'));
  } finally {
    p.close();
  }
}

const LOG = join(STORY, 'nginx-access.log');

/** `cat access.log | overload tui`: ingests the pipe while the UI runs, keys from /dev/tty */
async function livePipe() {
  const db = join(TMP, 'live-pipe.db');
  const p = new Pane('pipe', 120, 40, `cat ${LOG} | node ${CLI} tui --db ${db}`);
  try {
    const s = await step(p, 'the pipe is ingested while the UI runs', has('input ended stdin: 1,294 lines', '1,294 rows', 'nginx-combined-kv', '┤'), 20_000);
    checkFits(p, s);
    p.keys('7');
    await step(p, 'keys come from the terminal: 7 opens Status', has('[7 Status]', /502\s+833/));
    p.keys('q');
    await step(p, 'q quits', has('EXIT:0'));
  } finally {
    p.close();
  }
}

/** a fifo fed slowly: the screen follows the rows as they are committed */
async function liveFifo() {
  const db = join(TMP, 'live-fifo.db');
  const fifo = join(TMP, 'feed.fifo');
  execFileSync('mkfifo', [fifo]);
  const p = new Pane('fifo', 100, 32, `node ${CLI} tui --db ${db} < ${fifo}`);
  const lines = readFileSync(LOG, 'utf8').split('\n').filter(Boolean);
  const out = createWriteStream(fifo);
  const write = (chunk) => new Promise((r) => out.write(chunk.join('\n') + '\n', r));
  try {
    await write(lines.slice(0, 400));
    await step(p, 'the first 400 lines are on screen', has('LIVE stdin', '400 rows', '┤'), 20_000);
    for (let i = 400; i < lines.length; i += 300) {
      await write(lines.slice(i, i + 300));
      await new Promise((r) => setTimeout(r, 700));
    }
    p.keys('2');
    await step(p, 'all 1,294 arrive while the UI stays live; 2 opens Endpoints', has('LIVE stdin', '1,294 rows', '[2 Endpoints]', '/fast.php'), 20_000);
    await new Promise((r) => out.end(r));
    await step(p, 'closing the fifo ends the input, the UI stays', has('input ended stdin: 1,294 lines'), 10_000);
    p.keys('q');
    await step(p, 'q quits', has('EXIT:0'));
  } finally {
    out.destroy();
    p.close();
  }
}

/** `--follow access.log error.log`: files that grow while the UI runs */
async function liveFollow() {
  const db = join(TMP, 'live-follow.db');
  const access = join(TMP, 'access.log');
  const error = join(TMP, 'error.log');
  const a = readFileSync(LOG, 'utf8').split('\n').filter(Boolean);
  const e = readFileSync(join(STORY, 'nginx-error.log'), 'utf8').split('\n').filter(Boolean);
  writeFileSync(access, a.slice(0, 500).join('\n') + '\n');
  writeFileSync(error, e.slice(0, 100).join('\n') + '\n');
  const p = new Pane('follow', 120, 40, `node ${CLI} tui --db ${db} --follow ${access} ${error}`);
  try {
    await step(p, 'both files are read at start', has('LIVE 2 files', '600 rows', 'nginx-combined-kv, nginx-error'), 20_000);
    appendFileSync(access, a.slice(500).join('\n') + '\n');
    appendFileSync(error, e.slice(100).join('\n') + '\n');
    const s = await step(p, 'what is appended to them is ingested and drawn', has('2,127 rows', / ev  │.*O/), 20_000);
    checkFits(p, s);
    p.keys('4');
    await step(p, 'the new events are in the Events panel', has('[4 Events]', /backlog_full\s+O\s+nginx\s+818/));
    p.keys('q');
    await step(p, 'q quits', has('EXIT:0'));
  } finally {
    p.close();
  }
}

/** Not a terminal: explains itself on stderr, exit 1. */
function notATerminal(db) {
  const r = spawnSync(process.execPath, [CLI, 'tui', '--db', db], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  if (r.status !== 1 || !/needs a terminal/.test(r.stderr) || !/overload report/.test(r.stderr)) {
    throw new Error(`without a terminal: exit ${r.status}, stderr: ${r.stderr}`);
  }
  log('  ok  without a terminal: exit 1, points to overload report');
}

const PANELS = ['overview', 'endpoints', 'oversized', 'events', 'slowlog', 'upstreams', 'status', 'sources'];

/** docs/tui/<panel>.txt: each panel at 100x32, cursor on the 502 burst, for the README */
async function docs(db) {
  const dir = join(ROOT, 'docs/tui');
  mkdirSync(dir, { recursive: true });
  const p = new Pane('docs', 100, 32, `node ${CLI} tui --db ${db}`);
  try {
    await step(p, 'docs: open', has('spike 2', '┤'), 15_000);
    // the cursor on the start of the 502 burst, no mark: the cursor line shows that bucket
    const s2 = spikeOracle(db)[1];
    p.keys('n', 'n', 'Escape');
    await step(p, 'docs: cursor on spike 2', has(new RegExp(`^${clock(s2.from)} \\+2s`, 'm')));
    for (const [i, name] of PANELS.entries()) {
      p.keys(String(i + 1));
      const s = await step(p, `docs: ${name}`, (x) => x.includes(`[${i + 1} `) && !x.includes('loading') && !x.includes(' ...'));
      writeFileSync(join(dir, `${name}.txt`), s.split('\n').map((l) => l.trimEnd()).join('\n') + '\n');
    }
    p.keys('q');
  } finally {
    p.close();
  }
}

try {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  execFileSync('tmux', ['-V']);
  const db = buildDb();
  await scenario('walkthrough at 120x40', () => walkthrough(db, 120, 40));
  await scenario('walkthrough at 80x24', () => walkthrough(db, 80, 24));
  await scenario('live: cat access.log | overload tui', livePipe);
  await scenario('live: a fifo fed slowly', liveFifo);
  await scenario('live: --follow two growing files', liveFollow);
  await scenario('not a terminal', () => notATerminal(db));
  if (args.has('--docs')) await scenario('docs/tui captures', () => docs(db));
} catch (e) {
  failures++;
  log(`FAIL ${e.message}`);
} finally {
  try { tmux('kill-server'); } catch { /* no server left */ }
  if (args.has('--keep')) log(`kept ${TMP}`);
  else rmSync(TMP, { recursive: true, force: true });
}
log(failures ? `${failures} scenario(s) failed` : 'all tmux scenarios passed');
process.exit(failures ? 1 : 0);
