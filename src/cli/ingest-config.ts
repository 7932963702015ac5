// `overload ingest` of a server config: read it with its includes, store it as one source, and
// say on stderr what was stored and every line that could not be read (file:line: why).
import type { DB } from '../store/db.js';
import type { StoreWriter } from '../store/writer.js';
import type { ConfigFormat } from '../../parsers/config/types.js';
import { readConfig } from '../ingest/config-input.js';
import { findConfigSource, storeConfig } from '../store/settings-writer.js';
import { SECRET_NOTE } from '../../parsers/config/secrets.js';
import { termSafe } from '../util/sanitize.js';
import { EXIT } from './exit-codes.js';

export interface ConfigJob {
  label: string;
  format: ConfigFormat;
  host: string | null;
  force: boolean;
  root: string | null;
}

const SHOWN_PROBLEMS = 10;
const SHOWN_FILES = 8;

export function ingestConfig(db: DB, writer: StoreWriter, job: ConfigJob): { code: number; summary: string } {
  const path = job.label === '-' ? '(stdin)' : job.label;
  const label = termSafe(path);
  let read;
  try {
    read = readConfig(job.label, job.format, { root: job.root });
  } catch (e) {
    return { code: EXIT.unreadable, summary: `overload: ${termSafe((e as Error).message)}` };
  }
  const previous = findConfigSource(db, read.identity, job.host);
  if (previous !== null && !job.force) {
    return { code: EXIT.ok, summary: `${label}: already ingested as ${job.format.name} (same files, same content), nothing new (--force re-ingests)` };
  }
  if (previous !== null) writer.deleteSource(previous);
  storeConfig(db, path, read, job.host);
  const inactive = read.settings.filter((s) => !s.active).length;
  const secrets = read.settings.filter((s) => s.note === SECRET_NOTE).length;
  const lines = [
    `${label}: ${job.format.name}, ${read.files.length} file${read.files.length === 1 ? '' : 's'}, ${read.settings.length} settings` +
      ` (${inactive} inactive, ${secrets} secret${secrets === 1 ? '' : 's'} not stored), ${read.problems.length} unreadable` +
      (read.mpm !== undefined ? `; MPM: ${read.mpm ? read.mpm.replace(/^mpm_/, '') : 'none loaded'}` : ''),
  ];
  if (read.files.length > 1) {
    const more = read.files.length - SHOWN_FILES;
    lines.push(`  files: ${termSafe(read.files.slice(0, SHOWN_FILES).join(', '))}${more > 0 ? ` and ${more} more (all in: overload sources)` : ''}`);
  }
  for (const p of read.problems.slice(0, SHOWN_PROBLEMS)) lines.push(`  ${termSafe(`${p.file}:${p.line}`)}: ${termSafe(p.message)}`);
  if (read.problems.length > SHOWN_PROBLEMS) lines.push(`  ... ${read.problems.length - SHOWN_PROBLEMS} more (see: overload sources --rejects ${read.problems.length})`);
  if (read.settings.length === 0 && read.problems.length > 0) {
    return { code: EXIT.noMatch, summary: lines.join('\n') };
  }
  return { code: EXIT.ok, summary: lines.join('\n') };
}
