// `overload query`: ad-hoc SQL. The connection is read-only, so a pasted DELETE cannot hurt.
import { render, type OutputFormat, type Row } from '../report/render.js';
import { openDbForReading } from './open-db.js';
import { CliError } from './exit-codes.js';

export async function run(sql: string, opts: { db: string; format: OutputFormat }): Promise<number> {
  const db = openDbForReading(opts.db);
  try {
    let stmt;
    try {
      stmt = db.prepare(sql);
    } catch (e) {
      throw new CliError(`SQL error: ${(e as Error).message}`);
    }
    if (!stmt.reader) throw new CliError('only statements that return rows are allowed (the database is opened read-only)');
    let rows: Row[];
    try {
      rows = stmt.all() as Row[];
    } catch (e) {
      throw new CliError(`SQL error: ${(e as Error).message}`);
    }
    const columns = stmt.columns().map((c) => c.name);
    process.stdout.write(render(opts.format, rows, columns, { width: process.stdout.columns }));
  } finally {
    db.close();
  }
  return 0;
}
