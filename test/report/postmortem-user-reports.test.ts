// A report the user drops into --queries is a section of the postmortem ("From your reports"),
// its cells formatted by its `-- columns:` header, with the command that reproduces it; a report
// that fails on the range says so in its section instead of failing the document.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPostmortem } from '../../src/postmortem/index.js';
import { openReadOnly, type DB } from '../../src/store/db.js';
import { storyDb, tempDir, STORY3 } from '../fixtures.js';

const REPORT = `-- name: route-costs
-- title: Route costs
-- description: Every route: requests, the longest, bytes sent, the last stamp and the share of 5xx.
-- ranking: requests, most first
-- columns: route text, requests count, longest duration s, sent bytes, last_at time ms, errors ratio
SELECT coalesce(route, '') AS route, count(*) AS requests, max(duration_ms) / 1000.0 AS longest,
  sum(bytes) AS sent, max(ts) AS last_at, 1.0 * sum(status >= 500) / count(*) AS errors
FROM requests GROUP BY 1 ORDER BY requests DESC, route
`;

let db: DB;
let queries: string;
beforeAll(() => {
  db = openReadOnly(storyDb(STORY3));
  queries = tempDir();
  writeFileSync(join(queries, 'route-costs.sql'), REPORT);
  writeFileSync(join(queries, 'broken.sql'), '-- title: Broken\n-- description: reads a table that is not there\n-- columns: x count\nSELECT x FROM nowhere\n');
});
afterAll(() => db?.close());

describe('the postmortem with --queries', () => {
  it('has a section per report of the user, cells formatted by the header', () => {
    const md = buildPostmortem(db, { tz: 'UTC', queries }).markdown;
    const part = md.slice(md.indexOf('## From your reports'), md.indexOf('## Data'));
    expect(part).toContain('### Route costs');
    expect(part).toContain(`\`overload report route-costs --queries ${queries}\``);
    expect(part).toMatch(/\| route \| requests \| longest \| sent \| last\\_at \| errors \|/);
    expect(part).toMatch(/\| \/fast\.php \| 1,511 \| 6\.8 s \| 551 KB \| 2026-11-22 09:53:40 UTC \| 5[01] % \|/);
    expect(part).toMatch(/\| \/api\.php \| 50 \| 8\.4 s \| 5 KB \| 2026-11-22 09:53:13 UTC \| 52 % \|/);
    expect(part).toMatch(/### Broken[\s\S]*_This report failed on the range: no such table: nowhere_/);
    // the Data section still lists every input (queries/inputs.sql)
    expect(md.slice(md.indexOf('## Data'))).toMatch(/nginx-access\.log.*\| nginx \| +1294/);
  });

  it('has no such section without them', () => {
    expect(buildPostmortem(db, { tz: 'UTC' }).markdown).not.toContain('## From your reports');
  });
});
