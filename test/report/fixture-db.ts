// Test helper: ingest a bundled incident into a temporary database with the BUILT CLI, the way
// its truth.json `ingest` list says, and run reports against it as a user would.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'dist/src/cli/main.js');
export const INCIDENTS = join(ROOT, 'fixtures/incidents');

export interface IngestStep {
  file: string;
  format?: string | null;
  log_format?: string;
  nginx_conf?: string;
  log_format_name?: string;
  component?: string;
  role?: string;
}

export interface Phase { name: string; start: string; end: string; incident: boolean }

export interface Truth {
  story: string;
  phases: Phase[];
  ingest: IngestStep[];
  signatures: Record<string, unknown>;
  settings?: Record<string, unknown>;
}

export function truthOf(story: string): Truth {
  return JSON.parse(readFileSync(join(INCIDENTS, story, 'truth.json'), 'utf8')) as Truth;
}

export function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, TZ: 'UTC', ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function ingestStory(story: string, dir = mkdtempSync(join(tmpdir(), 'overload-report-'))): string {
  const db = join(dir, `${story}.db`);
  const base = join(INCIDENTS, story);
  for (const step of truthOf(story).ingest) {
    const args = ['ingest', '--quiet', '--db', db, '--tz', 'UTC'];
    // lighttpd's accesslog.format uses Apache's letters, but %t is the END of the request: the
    // format name says which (the project brief's recipe for these captures)
    const format = step.format ?? (step.component === 'lighttpd' && step.role === 'access' ? 'lighttpd-access' : null);
    if (format) args.push('--format', format);
    if (step.log_format) args.push('--log-format', step.log_format);
    if (step.nginx_conf) args.push('--nginx-conf', join(base, step.nginx_conf));
    if (step.log_format_name) args.push('--log-format-name', step.log_format_name);
    args.push(join(base, step.file));
    const r = cli(args);
    if (r.code !== 0) throw new Error(`ingest ${step.file} failed (${r.code}): ${r.stderr}`);
  }
  return db;
}

export function reportJson<T = Record<string, unknown>>(db: string, name: string, extra: string[] = []): T[] {
  const r = cli(['report', name, '--db', db, '--format', 'json', '--tz', 'UTC', ...extra]);
  if (r.code !== 0) throw new Error(`report ${name} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T[];
}

/** Incident phases that touch are one incident: C and C+D of story 3 are one overload. */
export function incidentWindows(t: Truth): Array<{ name: string; start: number; end: number }> {
  const out: Array<{ name: string; start: number; end: number }> = [];
  for (const p of t.phases.filter((x) => x.incident)) {
    const s = Date.parse(p.start), e = Date.parse(p.end);
    const last = out[out.length - 1];
    if (last && s - last.end <= 1000) { last.end = Math.max(last.end, e); last.name += '+' + p.name; }
    else out.push({ name: p.name, start: s, end: e });
  }
  return out;
}

export const STORIES = existsSync(INCIDENTS)
  ? ['1b-lighttpd-1.4.45-fastcgi-overload', '2-nginx-proxy-tempfile-timeout', '3-nginx-phpfpm-max-children',
     '4-varnish-apache-maxrequestworkers', '5-lighttpd-current-gw-backend'].filter((s) => existsSync(join(INCIDENTS, s, 'truth.json')))
  : [];
