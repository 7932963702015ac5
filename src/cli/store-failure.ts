// SQLite's errors as a user reads them: one line and exit 2 ("the database could not be read or
// written"), not a stack trace or the usage-error exit 1. Every write is a transaction, so what
// was committed before the failure stays consistent and the same command resumes from it.
import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { CliError, EXIT } from './exit-codes.js';
import { termSafe } from '../util/sanitize.js';

function sqliteCode(e: unknown): string | null {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

/** Why the directory of `path` cannot take new files (the -wal, -shm and lock files), or null. */
function dirNotWritable(path: string): string | null {
  try {
    accessSync(dirname(path) || '.', constants.W_OK);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EROFS' ? 'on a read-only file system' : code === 'ENOENT' ? 'in a directory that does not exist' : 'in a directory this user cannot write';
  }
}

/** `e` as a CliError with exit 2 when it is SQLite's, else `e` unchanged. */
export function storeFailure(e: unknown, dbPath: string): unknown {
  const code = sqliteCode(e);
  if (code === null || e instanceof CliError) return e;
  const db = termSafe(dbPath);
  const why = termSafe((e as Error).message);
  const resume = 'what was committed before is kept; the same command resumes from there';
  let text: string;
  if (code === 'SQLITE_FULL') {
    text = `cannot write ${db}: the disk is full (${why}); ${resume} once there is room`;
  } else if (code.startsWith('SQLITE_READONLY')) {
    text = `cannot write ${db}: it is read-only (${why})`;
  } else if (code === 'SQLITE_NOTADB') {
    text = `${db} is not an SQLite database (${why}); name another file with --db`;
  } else if (code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM') {
    const dir = dirNotWritable(dbPath);
    text = dir ? `cannot write ${db}: it is ${dir} (${why})` : `cannot open ${db} (${why})`;
  } else if (code.startsWith('SQLITE_BUSY')) {
    text = `${db} is locked by another process writing to it (${why}); nothing more was written: run the same command again to resume`;
  } else if (code.startsWith('SQLITE_CORRUPT')) {
    text = `${db} is damaged (${why})`;
  } else {
    text = `cannot write ${db} (${why}); ${resume}`;
  }
  return new CliError(text, EXIT.unreadable);
}
