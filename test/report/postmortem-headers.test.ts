// The postmortem's window sections draw the incident report's rows as its `-- columns:` header
// says (a duration as "3.6 s", a stamp as a UTC time), as its "From your reports" section does:
// an incident.sql of the user's ($OVERLOAD_QUERIES) with a unit changed changes the document.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, storyDb, tempDir, STORY3 } from '../fixtures.js';
import { builtinQueriesDir } from '../../src/report/loader.js';

const REPORT_ROW = /\| \/report\.php \| 0 \| 53 \| {2}\| 142\.7 \| 0 \| {2}\| (\S+ \S+) \|/;

describe('postmortem window tables', () => {
  it('follow the incident report\'s header', () => {
    const db = storyDb(STORY3);
    const plain = cli(['postmortem', '--db', db]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/\| route \| before \| during \| rate ratio \| extra busy s \| 5xx \| p95 before \| p95 during \|/);
    // /report.php's p95 in the first window: 3,604.2 ms
    expect(REPORT_ROW.exec(plain.stdout)?.[1]).toBe('3.6 s');
    expect(plain.stdout).toMatch(/\| slow\\_request \| php-fpm \| 0 \| 53 \| 2026-11-22 09:51:56 UTC \| 2026-11-22 09:52:22 UTC \|/);

    const queries = tempDir();
    const sql = readFileSync(join(builtinQueriesDir(), 'incident.sql'), 'utf8');
    expect(sql).toContain('p95_during_ms duration ms');
    writeFileSync(join(queries, 'incident.sql'), sql.replace('p95_during_ms duration ms', 'p95_during_ms duration s'));
    const edited = cli(['postmortem', '--db', db], { env: { OVERLOAD_QUERIES: queries } });
    expect(edited.code, edited.stderr).toBe(0);
    // the same value read as seconds
    expect(REPORT_ROW.exec(edited.stdout)?.[1]).toBe('3604 s');
  });
});
