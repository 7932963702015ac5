// The bundled incidents (fixtures/incidents/<story>/truth.json) and how to ingest each file,
// shared by `overload demo` and the end-to-end tests so both read the stories the same way.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface IngestEntry {
  file: string;
  format?: string | null;
  log_format?: string;
  nginx_conf?: string;
  log_format_name?: string;
}

export interface Phase {
  name: string;
  start: string;
  end: string;
  incident: boolean;
}

export interface Story {
  story: string;
  title?: string;
  dir: string;
  phases: Phase[];
  ingest: IngestEntry[];
  /** system snapshots of the story (ss, status pages ...): into `samples`, ingested like logs */
  snapshots: IngestEntry[];
  truth: Record<string, unknown>;
}

/** The package root: dist/src/demo -> ../../.. ; src/demo (tests) -> ../.. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'fixtures'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the overload package root (fixtures/ is missing)');
}

export function loadStories(root = packageRoot()): Story[] {
  const base = join(root, 'fixtures', 'incidents');
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(base, d.name, 'truth.json')))
    .map((d) => {
      const truth = JSON.parse(readFileSync(join(base, d.name, 'truth.json'), 'utf8'));
      return { story: truth.story ?? d.name, title: truth.title, dir: join(base, d.name), phases: truth.phases ?? [], ingest: truth.ingest ?? [], snapshots: truth.snapshots ?? [], truth };
    })
    .sort((a, b) => a.story.localeCompare(b.story));
}

/** `overload ingest` arguments for one file of a story, as a user would type them. */
export function ingestArgs(story: Story, entry: IngestEntry): { path: string; flags: Record<string, string> } {
  const flags: Record<string, string> = {};
  if (entry.format) flags.format = entry.format;
  if (entry.log_format) flags.logFormat = entry.log_format;
  if (entry.nginx_conf) flags.nginxConf = join(story.dir, entry.nginx_conf);
  if (entry.log_format_name) flags.logFormatName = entry.log_format_name;
  return { path: join(story.dir, entry.file), flags };
}
