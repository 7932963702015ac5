// Opening the database for reading, with the messages a user needs when it is not there, and
// the SQL functions the reports and `overload query` call (percentile, p95, iso, hist_pct ...).
import { existsSync } from 'node:fs';
import { openReadOnly, type DB } from '../store/db.js';
import { CliError, EXIT } from './exit-codes.js';
import { registerReportFunctions } from '../query/sqlfns.js';

export function openDbForReading(path: string): DB {
  if (!existsSync(path)) {
    throw new CliError(`no database at ${path}: ingest logs first (overload ingest FILE --db ${path}), or pass --db / OVERLOAD_DB`, EXIT.unreadable);
  }
  let db: DB;
  try {
    db = openReadOnly(path);
  } catch (e) {
    throw new CliError(`cannot open ${path}: ${(e as Error).message}`, EXIT.unreadable);
  }
  registerReportFunctions(db);
  return db;
}
