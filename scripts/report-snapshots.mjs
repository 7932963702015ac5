#!/usr/bin/env node
// Every canned report's JSON on every bundled story, one file per (story, report), for comparing
// two builds of overload: `node scripts/report-snapshots.mjs OUT_DIR` with the built CLI of this
// tree, then `diff -r` two such folders. Issue #14's rule: a change to the query layer leaves
// every report's answer on the stories as it was, or says why not.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const cliPath = join(root, 'dist', 'src', 'cli', 'main.js');
const { loadStories, ingestArgs } = await import(join(root, 'dist', 'src', 'demo', 'incidents.js'));
const out = resolve(process.argv[2] ?? 'report-snapshots');
const only = process.argv[3] ? new Set(process.argv[3].split(',')) : null;
const env = { ...process.env, TZ: 'UTC', NO_COLOR: '1' };
const run = (args) => {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 28, cwd: root });
  return r;
};
const list = run(['report', '--list', '--format', 'json']);
let names;
try { names = JSON.parse(list.stdout).map((r) => r.name); } catch { names = list.stdout.split('\n').filter((l) => /^[a-z0-9-]+:/.test(l)).map((l) => l.split(':')[0]); }
// not listed (the what-if replay's input, every request at its default range) and still an answer to keep
if (!names.includes('replay-requests')) names.push('replay-requests');
const tmp = mkdtempSync(join(tmpdir(), 'overload-snap-'));
for (const story of loadStories(root)) {
  if (only && !only.has(story.story)) continue;
  const db = join(tmp, `${story.story}.db`);
  for (const entry of story.ingest) {
    const { path, flags } = ingestArgs(story, entry);
    const args = ['ingest', '--db', db, '--host', story.story, '--tz', 'UTC', '--quiet'];
    if (flags.format) args.push('--format', flags.format);
    if (flags.logFormat) args.push('--log-format', flags.logFormat);
    if (flags.nginxConf) args.push('--nginx-conf', flags.nginxConf);
    if (flags.logFormatName) args.push('--log-format-name', flags.logFormatName);
    const r = run([...args, path]);
    if (r.status !== 0) throw new Error(`${story.story}: ingest of ${entry.file}: ${r.stderr}`);
  }
  mkdirSync(join(out, story.story), { recursive: true });
  for (const name of names) {
    const r = run(['report', name, '--db', db, '--tz', 'UTC', '--format', 'json']);
    writeFileSync(join(out, story.story, `${name}.json`), r.status === 0 ? r.stdout : `exit ${r.status}\n${r.stderr}`);
  }
  process.stderr.write(`${story.story}: ${names.length} reports\n`);
}
rmSync(tmp, { recursive: true, force: true });
