// A config as one source: its settings and the lines that could not be read, in one transaction.
// Re-ingesting the same files (same names and content, same host) finds the source and adds
// nothing; a change in any file makes a new source (the old one stays, as a rotated log does).
import type { DB } from './db.js';
import type { ConfigFormat } from '../../parsers/config/types.js';
import type { FileSetting } from '../../parsers/config/index.js';

// What src/ingest/config-input.ts reads from a config's files, as this module stores it.
export interface ConfigProblem {
  file: string;
  line: number;
  message: string;
  text: string;
}

export interface ConfigRead {
  format: ConfigFormat;
  /** every file read, the top one first, as named (relative to the cwd when under it) */
  files: string[];
  bytes: number;
  lines: number;
  settings: FileSetting[];
  problems: ConfigProblem[];
  /** 'config:' + a hash of every file's name and content: a change anywhere is a new source */
  identity: string;
  /** Apache: the MPM whose <IfModule> blocks count */
  mpm?: string | null;
}

export function findConfigSource(db: DB, identity: string, host: string | null): number | null {
  const row = db.prepare('SELECT id FROM sources WHERE identity = ? AND host IS ?').get(identity, host) as { id: number } | undefined;
  return row?.id ?? null;
}

export function storeConfig(db: DB, path: string, read: ConfigRead, host: string | null): number {
  return db.transaction(() => {
    const note = [
      read.files.length > 1 ? `${read.files.length} files: ${read.files.join(', ')}` : null,
      read.mpm !== undefined ? `MPM: ${read.mpm ? read.mpm.replace(/^mpm_/, '') : 'none loaded'}` : null,
    ].filter(Boolean).join('; ') || null;
    const info = db.prepare(`INSERT INTO sources (path, format, host, tz, bytes, lines, parsed, rejected, identity, complete, ingested_at, note)
      VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, 1, ?, ?)`).run(
      path, read.format.name, host, read.bytes, read.lines, read.settings.length, read.problems.length, read.identity,
      new Date().toISOString(), note);
    const sourceId = Number(info.lastInsertRowid);
    const ins = db.prepare(`INSERT INTO settings (source_id, host, server, scope, name, value, file, line, active, note)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const s of read.settings) ins.run(sourceId, host, s.server, s.scope, s.name, s.value, s.file, s.line, s.active ? 1 : 0, s.note);
    const rej = db.prepare('INSERT INTO rejects (source_id, line_no, reason, line) VALUES (?, ?, ?, ?)');
    for (const p of read.problems) rej.run(sourceId, p.line, `${p.file}:${p.line}: ${p.message}`, p.text);
    return sourceId;
  })();
}
