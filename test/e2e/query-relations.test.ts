// `overload query` reads the relations the reports read (docs/reports.md "Relations"), as a user
// adapting a report's SQL would, with the parameters written out.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cli, query, tempDir } from './cli.js';

const line = (sec: number, path: string, status: number, ms: number) =>
  `203.0.113.9 - - [22/Nov/2026:09:52:${String(sec).padStart(2, '0')} +0000] "GET ${path} HTTP/1.1" ${status} 512 "-" "curl/8" ${ms / 1000}`;

describe('overload query with relations', () => {
  const db = join(tempDir(), 'q.db');
  const r = cli(['ingest', '--db', db, '--quiet', '--log-format', '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time'],
    { input: [line(1, '/a', 200, 100), line(2, '/a', 502, 300), line(3, '/b', 200, 50)].join('\n') + '\n' });
  if (r.status !== 0) throw new Error(r.stderr);

  it('a relation called with literal parameters gives the rows', () => {
    expect(query(db, "SELECT route, requests, s5xx, dur_sum FROM routes(0, 9000000000000, 'edge', NULL) ORDER BY route"))
      .toEqual([{ route: '/a', requests: 2, s5xx: 1, dur_sum: 400 }, { route: '/b', requests: 1, s5xx: 0, dur_sum: 50 }]);
    const t = Date.UTC(2026, 10, 22, 9, 52, 0);
    expect(query(db, `SELECT sum(requests) AS n FROM traffic(${t - 60_000}, ${t + 60_000}, 60000, 'edge', NULL)`)).toEqual([{ n: 3 }]);
  });

  it('a wrong number of parameters is the user\'s SQL error, with what the relation takes', () => {
    const q = cli(['query', '--db', db, 'SELECT * FROM traffic(0, 1)']);
    expect(q.status).toBe(1);
    expect(q.stderr).toMatch(/traffic\(\) takes 5 arguments \(from, to, bucket_ms, tier, host\), got 2/);
  });
});
