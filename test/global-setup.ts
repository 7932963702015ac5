// vitest globalSetup: every bundled story ingested ONCE per test run, by the built CLI as a user
// would (test/fixtures.ts storyIngestArgs), into a temporary folder removed at teardown. Tests get
// the paths with storyDb() (inject). Before this, ~20 test files ingested the same stories again.
//
// Stories are built side by side (one per core): each is a few CLI runs in a row.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { CLI, ROOT, STORY_LIST, storyExtrasArgs, storyIngestArgs, type StoryDbs } from './fixtures.js';
import type { Story } from '../src/demo/incidents.js';

function run(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', ...env },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stderr) : reject(new Error(`overload ${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}

function copyDb(from: string, to: string): void {
  copyFileSync(from, to);
  for (const ext of ['-wal', '-shm']) if (existsSync(from + ext)) copyFileSync(from + ext, to + ext);
}

async function build(story: Story, dir: string): Promise<StoryDbs> {
  const logs = join(dir, `${story.story}.db`);
  const native: boolean[] = [];
  const steps: StoryDbs['steps'] = [];
  for (const [i, args] of storyIngestArgs(story, logs).entries()) {
    // OVERLOAD_STATS says which writer stored the rows (test/store/native-insert.test.ts holds it)
    // and how the rollups were made (test/query/rollup-stream.test.ts)
    const stderr = await run(args, { OVERLOAD_STATS: '1', OVERLOAD_NATIVE: '' });
    const stats = /overload-stats (\{.*\})/.exec(stderr);
    native.push(Boolean(stats && (JSON.parse(stats[1]) as { native?: boolean }).native));
    const rollups = /overload-rollups (\{.*\})/.exec(stderr);
    // the database as this step left it, for the tests that hold each step
    const after = join(dir, `${story.story}.step${i + 1}.db`);
    copyDb(logs, after);
    steps.push({ file: story.ingest[i].file, db: after, rollups: rollups ? JSON.parse(rollups[1]) as StoryDbs['steps'][number]['rollups'] : null });
  }
  const full = join(dir, `${story.story}.full.db`);
  copyDb(logs, full);
  const extras = storyExtrasArgs(story, full);
  if (extras) await run(extras);
  return { logs, full, native, steps };
}

export default async function setup(project: TestProject): Promise<() => void> {
  // Every temporary file of the run, the test files' and the CLIs' they start, goes under one
  // folder removed at teardown: the forks and their children inherit TMPDIR, which os.tmpdir()
  // reads. Before, each `npm test` left ~700 MB of test databases in /tmp.
  const run = mkdtempSync(join(tmpdir(), 'overload-run-'));
  process.env.TMPDIR = run;
  const dir = mkdtempSync(join(run, 'overload-stories-'));
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const out: Record<string, StoryDbs> = {};
  const queue = [...STORY_LIST];
  const worker = async () => {
    for (let s = queue.shift(); s; s = queue.shift()) out[s.story] = await build(s, dir);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(availableParallelism(), queue.length)) }, worker));
  project.provide('storyDbs', out);
  return () => rmSync(run, { recursive: true, force: true });
}
