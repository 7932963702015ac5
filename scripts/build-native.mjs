// Part of `npm run build` (so of `npm ci`/`npm install`, through prepare): compiles native/bulk_insert.c,
// the SQLite extension the access-log writer uses (src/store/native.ts), with node-gyp, the way
// better-sqlite3 itself was just compiled. It is optional: when it cannot be built this says so in
// one line, records why in native/build/FAILED (the test of the extension reads it) and exits 0,
// and the writer binds rows from JS, slower, with the same result.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../native', import.meta.url));
const output = join(dir, 'build', 'Release', 'bulk_insert.node');
const failed = join(dir, 'build', 'FAILED');
const sources = ['bulk_insert.c', 'binding.gyp'].map((f) => join(dir, f));

const mtime = (f) => statSync(f).mtimeMs;
if (existsSync(output) && !existsSync(failed) && sources.every((f) => mtime(f) <= mtime(output))) process.exit(0); // up to date

// The node-gyp npm runs scripts with (npm sets npm_config_node_gyp), else the one npm bundles.
const nodeGyp = process.env.npm_config_node_gyp
  ?? join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const args = [nodeGyp, 'rebuild', '--release'];
// Node's headers: npm passes its nodedir setting; outside npm, use the ones installed beside node.
const localHeaders = join(dirname(process.execPath), '..', 'include', 'node', 'node.h');
if (!process.env.npm_config_nodedir && existsSync(localHeaders)) args.push(`--nodedir=${join(dirname(process.execPath), '..')}`);

const run = existsSync(nodeGyp)
  ? spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  : { status: null, error: new Error(`node-gyp not found at ${nodeGyp}`), stdout: '', stderr: '' };
if (run.status === 0 && existsSync(output)) process.exit(0);

const log = `${run.error ? run.error.message + '\n' : ''}${run.stdout ?? ''}${run.stderr ?? ''}`;
const firstError = log.split('\n').find((l) => /error|ERR!|not found|failed/i.test(l) && !/^gyp info/.test(l))?.trim() ?? `exit status ${run.status}`;
rmSync(output, { force: true }); // (not an older build of other source)
mkdirSync(dirname(failed), { recursive: true });
writeFileSync(failed, `node ${args.join(' ')} (in ${dir}) failed:\n${log}`);
process.stderr.write(`overload: warning: the native SQLite extension was not built (${firstError}); ingest works, ` +
  `writing rows more slowly. Details: ${failed}\n`);
