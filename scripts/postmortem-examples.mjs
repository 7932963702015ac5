// Regenerates docs/postmortems/<story>.md (+ .svg) from the bundled incidents, each in its own
// database, with the built CLI as a user runs it:  npm run build && node scripts/postmortem-examples.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStories, ingestArgs } from '../dist/src/demo/incidents.js';

import { relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');
const out = join(root, 'docs', 'postmortems');

// Paths relative to the repository, as a user in the checkout would type them: the documents
// list their sources.
function run(args) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root, env: { ...process.env, TZ: 'UTC' } });
  if (r.status !== 0) throw new Error(`overload ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r;
}

// the long captures (fixtures/long/<story>/truth.json) too: the sparse multi-day case
function longStories() {
  const base = join(root, 'fixtures', 'long');
  return readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(base, d.name, 'truth.json')))
    .map((d) => {
      const truth = JSON.parse(readFileSync(join(base, d.name, 'truth.json'), 'utf8'));
      return { story: truth.story ?? d.name, dir: join(base, d.name), ingest: truth.ingest ?? [], phases: truth.phases ?? [], truth };
    });
}

for (const story of [...loadStories(), ...longStories()]) {
  const db = join(mkdtempSync(join(tmpdir(), 'overload-pm-')), 'story.db');
  for (const entry of story.ingest) {
    const { path, flags } = ingestArgs(story, entry);
    const args = ['ingest', '--quiet', '--db', db, '--tz', 'UTC'];
    if (flags.format) args.push('--format', flags.format);
    if (flags.logFormat) args.push('--log-format', flags.logFormat);
    if (flags.nginxConf) args.push('--nginx-conf', relative(root, flags.nginxConf));
    if (flags.logFormatName) args.push('--log-format-name', flags.logFormatName);
    run([...args, relative(root, path)]);
  }
  // the story's server configs beside its logs: the postmortem's "What to change" quotes them
  const configs = existsSync(join(story.dir, 'config')) ? readdirSync(join(story.dir, 'config')).filter((f) => /\.(conf|vcl)$/.test(f)) : [];
  if (configs.length) run(['ingest', '--quiet', '--db', db, ...configs.map((f) => relative(root, join(story.dir, 'config', f)))]);
  run(['postmortem', '--db', db, '--tz', 'UTC', '-o', join(out, `${story.story}.md`)]);
  console.log(`docs/postmortems/${story.story}.md`);
}
