// Appending to a big database, an ingest reuses the ids of the strings already stored instead of
// writing them again under ids of its own (StringDictionary with StoredStringIds): the new day's
// clients, routes and user agents that the database holds cost a lookup, not a write into
// `strings_text`. The rows read back exactly as an ingest into an empty database reads them.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cli, cliAsync, query, tempDir } from './cli.js';
import { DEFER_STRINGS_INDEX_MAX } from '../../src/store/db.js';

const AGENTS = ['curl/8.5.0', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'Googlebot/2.1 (+http://www.google.com/bot.html)'];

/** `n` combined-format lines of day `day` (24 or 25 Nov 2026); clients from `firstClient` on. */
function log(day: number, n: number, firstClient: number): string {
  let out = '';
  for (let i = 0; i < n; i++) {
    const s = String(i % 60).padStart(2, '0');
    const m = String(Math.floor(i / 60) % 60).padStart(2, '0');
    out += `198.51.100.${firstClient + (i % 20)} - - [${day}/Nov/2026:10:${m}:${s} +0000] "GET /item/${i % 7}?p=${i} HTTP/1.1" ${i % 11 ? 200 : 503} ${100 + i} ` +
      `"https://example.com/r${i % 3}" "${AGENTS[i % AGENTS.length]}"\n`;
  }
  return out;
}

/** Pads a database with filler strings until an ingest keeps strings_text while it loads (db.ts
 *  deferStringsIndex), as a database of millions of rows does: the case where strings are reused. */
function makeBig(db: string): void {
  const w = new Database(db);
  w.prepare(`WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k <= ?)
    INSERT INTO strings (id, text) SELECT (SELECT next FROM string_ids) + k, 'filler ' || k FROM n`).run(DEFER_STRINGS_INDEX_MAX);
  w.close();
}

/** Runs the CLI without blocking the test, so that two ingests overlap. */
function ingestAsync(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = cliAsync(args);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  child.stdout.resume();
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

const COLUMNS = 'ts, client, method, url, path, query, route, protocol, status, bytes, referer, user_agent, host, vhost, upstream_addr';

describe('appending to a database with many strings', () => {
  it('reuses the stored strings ids: the new day writes only the strings the database lacks, and reads back as it would alone', () => {
    const dir = tempDir('overload-append-strings-');
    const db = join(dir, 'big.db');
    const day1 = join(dir, 'day1.log');
    const day2 = join(dir, 'day2.log');
    writeFileSync(day1, log(24, 400, 1));
    // the second day: the first day's clients 11-20 again, and ten new ones
    writeFileSync(day2, log(25, 400, 11));
    expect(cli(['ingest', '--quiet', '--tz', 'UTC', '--db', db, '--format', 'nginx-combined', day1]).code).toBe(0);
    // a database big enough that an ingest keeps strings_text while it loads, ids above every reserved block
    makeBig(db);
    const before = query<{ n: number }>(db, 'SELECT count(*) n FROM strings')[0].n;

    expect(cli(['ingest', '--quiet', '--tz', 'UTC', '--db', db, '--format', 'nginx-combined', day2]).code).toBe(0);

    // no text stored twice: the second day's known values took their stored ids
    expect(query(db, 'SELECT text, count(*) n FROM strings GROUP BY text HAVING n > 1')).toEqual([]);
    // the strings it did write are exactly the new clients (198.51.100.21-30) and no other
    const added = query<{ text: string }>(db, 'SELECT text FROM strings ORDER BY id').slice(before).map((r) => r.text).sort();
    expect(added).toEqual(Array.from({ length: 10 }, (_, i) => `198.51.100.${21 + i}`).sort());
    // the rows read back as the same day ingested alone
    const alone = join(dir, 'alone.db');
    expect(cli(['ingest', '--quiet', '--tz', 'UTC', '--db', alone, '--format', 'nginx-combined', day2]).code).toBe(0);
    const appended = query(db, `SELECT ${COLUMNS} FROM requests WHERE source_id = 2 ORDER BY id`);
    expect(appended).toHaveLength(400);
    expect(appended).toEqual(query(alone, `SELECT ${COLUMNS} FROM requests ORDER BY id`));
    // a value's rows of both days go through its one string (route: the JOIN through strings_text)
    expect(query(db, "SELECT count(*) n FROM requests WHERE user_agent = 'curl/8.5.0'")[0].n).toBe(2 * 134);
    expect(query(db, 'SELECT count(DISTINCT route_id) n FROM request_rows')).toEqual(query(db, 'SELECT count(DISTINCT route) n FROM requests'));
  });

  it('two appends started together: each reads back as its day alone, and no stored text is written twice', async () => {
    const dir = tempDir('overload-append-strings-');
    const db = join(dir, 'big.db');
    const days = [24, 25, 26].map((d, i) => { const f = join(dir, `day${d}.log`); writeFileSync(f, log(d, 400, 1 + 10 * i)); return f; });
    const args = (f: string, to = db) => ['ingest', '--quiet', '--tz', 'UTC', '--db', to, '--format', 'nginx-combined', '--wait', '60', f];
    expect(cli(args(days[0])).code).toBe(0);
    makeBig(db);
    // (the second waits for the first's lock: whichever runs second reuses what the first committed)
    const runs = await Promise.all([ingestAsync(args(days[1])), ingestAsync(args(days[2]))]);
    expect(runs.map((r) => r.code), runs.map((r) => r.stderr).join('\n')).toEqual([0, 0]);
    expect(query(db, 'SELECT text, count(*) n FROM strings GROUP BY text HAVING n > 1')).toEqual([]);
    for (const f of days.slice(1)) {
      const alone = join(dir, `alone-${f.slice(-9)}.db`);
      expect(cli(args(f, alone)).code).toBe(0);
      const id = query<{ id: number }>(db, `SELECT id FROM sources WHERE path LIKE '%${f.slice(-9)}'`)[0].id;
      const appended = query(db, `SELECT ${COLUMNS} FROM requests WHERE source_id = ${id} ORDER BY id`);
      expect(appended).toHaveLength(400);
      expect(appended).toEqual(query(alone, `SELECT ${COLUMNS} FROM requests ORDER BY id`));
    }
  });
});
