// Opening the database for reading, with the messages a user needs when it is not there.
import { existsSync } from 'node:fs';
import { openReadOnly, type DB } from '../store/db.js';
import { CliError, EXIT } from './exit-codes.js';

export function openDbForReading(path: string): DB {
  if (!existsSync(path)) {
    throw new CliError(`no database at ${path}: ingest logs first (overload ingest FILE --db ${path}), or pass --db / OVERLOAD_DB`, EXIT.unreadable);
  }
  try {
    return openReadOnly(path);
  } catch (e) {
    throw new CliError(`cannot open ${path}: ${(e as Error).message}`, EXIT.unreadable);
  }
}
