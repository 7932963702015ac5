// `overload query`: ad-hoc SQL. The connection is read-only, so a pasted DELETE cannot hurt.
// Rows stream from SQLite to stdout one at a time (never all in memory), in every format.
import { renderText, type OutputFormat, type Row } from '../report/render.js';
import { writeOut } from '../report/write-out.js';
import { openDbForReading } from './open-db.js';
import { CliError } from './exit-codes.js';
import { ensureRollups, reportRelations } from '../report/runner.js';
import { expandedSql } from '../query/relations.js';

/** The statement's rows, one at a time; an error while stepping is the user's SQL's. */
function* rowsOf(iter: IterableIterator<unknown>): Generator<Row> {
  for (;;) {
    let next: IteratorResult<unknown>;
    try {
      next = iter.next();
    } catch (e) {
      throw new CliError(`SQL error: ${(e as Error).message}`);
    }
    if (next.done) return;
    yield next.value as Row;
  }
}

export async function run(sql: string, opts: { db: string; format: OutputFormat }): Promise<number> {
  const db = openDbForReading(opts.db);
  let iter: IterableIterator<unknown> | null = null;
  try {
    let stmt;
    try {
      // the relations the reports read (docs/reports.md "Relations") work here too: a report's
      // SQL can be tried and adapted with its parameters written out. Only a statement that
      // calls one pays for the rollups being made current.
      const expanded = expandedSql(sql, reportRelations());
      if (expanded !== sql) ensureRollups(db);
      stmt = db.prepare(expanded);
    } catch (e) {
      throw new CliError(`SQL error: ${(e as Error).message}`);
    }
    if (!stmt.reader) throw new CliError('only statements that return rows are allowed (the database is opened read-only)');
    const columns = stmt.columns().map((c) => c.name);
    try {
      iter = stmt.iterate() as IterableIterator<unknown>;
    } catch (e) {
      throw new CliError(`SQL error: ${(e as Error).message}`);
    }
    await writeOut(renderText(opts.format, rowsOf(iter), columns, { width: process.stdout.columns }));
  } finally {
    // a reader that left early leaves the statement mid-way: finish it before closing
    iter?.return?.();
    db.close();
  }
  return 0;
}
