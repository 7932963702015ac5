// The relations reports read (queries/relations/*.sql, src/query/relations.ts): the expansion of
// a call into its SELECT, and that each relation stitches rollups and rows into the same numbers
// as the rows themselves give.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWritable, type DB } from '../../src/store/db.js';
import { expandRelations, parseRelation, type RelationDef } from '../../src/query/relations.js';
import { ensureRollups, prepareSection, reportRelations } from '../../src/report/runner.js';

const rel = (text: string) => parseRelation(text, 'test.sql');
const defs = new Map<string, RelationDef>([
  ['pair', rel('-- relation: pair(a, b)\nSELECT {a} AS x, {b} AS y, {h? hist(y)} AS h')],
  ['twice', rel('-- relation: twice(a)\nSELECT x + y AS z FROM pair({a}, {a})')],
  ['opt', rel('-- relation: opt(a, b = NULL)\nSELECT {a} AS x, {b} AS y')],
]);

describe('relation calls', () => {
  it('expand into a subquery with each argument in parentheses, named after the relation when not aliased', () => {
    expect(expandRelations('SELECT x FROM pair(:from, 1 + 2)', defs))
      .toBe('SELECT x FROM (SELECT (:from) AS x, (1 + 2) AS y, NULL AS h) AS pair');
    expect(expandRelations('SELECT p.x FROM pair(f(1, 2), 3) p', defs))
      .toBe('SELECT p.x FROM (SELECT (f(1, 2)) AS x, (3) AS y, NULL AS h) p');
    expect(expandRelations('SELECT 1 FROM pair(1, 2) AS q WHERE 1', defs)).toBe('SELECT 1 FROM (SELECT (1) AS x, (2) AS y, NULL AS h) AS q WHERE 1');
    expect(expandRelations('SELECT 1 FROM pair(1, 2) WHERE 1', defs)).toBe('SELECT 1 FROM (SELECT (1) AS x, (2) AS y, NULL AS h) AS pair WHERE 1');
  });

  it('compute a costly column only when the statement names it or selects *', () => {
    expect(expandRelations('SELECT h FROM pair(1, 2)', defs)).toContain('hist(y) AS h');
    expect(expandRelations('SELECT * FROM pair(1, 2)', defs)).toContain('hist(y) AS h');
    expect(expandRelations('SELECT p.* FROM pair(1, 2) p', defs)).toContain('hist(y) AS h');
    expect(expandRelations('SELECT count(*), 2 * x FROM pair(1, 2)', defs)).toContain('NULL AS h');
    // a name in a string or a comment is not a use
    expect(expandRelations("SELECT 'h' -- h\nFROM pair(1, 2)", defs)).toContain('NULL AS h');
  });

  it('compute a costly column for the calls whose own subquery names it, not for every call of the statement', () => {
    const two = expandRelations('WITH a AS (SELECT x FROM pair(1, 2)), b AS (SELECT h FROM pair(3, 4)) SELECT * FROM a, b', defs);
    expect(two).toContain('SELECT (1) AS x, (2) AS y, NULL AS h');
    expect(two).toContain('SELECT (3) AS x, (4) AS y, hist(y) AS h');
    // a parenthesis that opens no subquery (a join's) is not a scope: the SELECT around it is
    expect(expandRelations('SELECT h FROM (pair(1, 2) JOIN t ON 1)', defs)).toContain('hist(y) AS h');
    // a subquery counts what the subqueries inside it name (they may pass a column on): so a
    // call outside reads h when a subquery inside the statement names it, one inside does not
    const nested = expandRelations('SELECT x, (SELECT h FROM pair(1, 2) WHERE y > 0) FROM pair(3, 4)', defs);
    expect(nested).toContain('SELECT (1) AS x, (2) AS y, hist(y) AS h');
    expect(nested).toContain('SELECT (3) AS x, (4) AS y, hist(y) AS h');
    expect(expandRelations('SELECT h, (SELECT x FROM pair(1, 2)) FROM pair(3, 4)', defs)).toContain('SELECT (1) AS x, (2) AS y, NULL AS h');
  });

  it('leave alone what is not a call: a column, a string, a comment, a CTE of the same name', () => {
    for (const sql of ['SELECT t.pair(1) FROM t', "SELECT 'pair(1, 2)'", 'SELECT 1 -- pair(1, 2)', 'SELECT pair FROM t',
      'WITH pair(a, b) AS (SELECT 1, 2) SELECT * FROM pair']) {
      expect(expandRelations(sql, defs)).toBe(sql);
    }
  });

  it('expand relations called by relations, and refuse a wrong number of arguments', () => {
    expect(expandRelations('SELECT z FROM twice(7)', defs))
      .toBe('SELECT z FROM (SELECT x + y AS z FROM (SELECT ((7)) AS x, ((7)) AS y, NULL AS h) AS pair) AS twice');
    expect(() => expandRelations('SELECT * FROM pair(1)', defs)).toThrow(/pair\(\) takes 2 arguments/);
  });

  it('fill an optional parameter left out with its default, and refuse too few or too many', () => {
    expect(expandRelations('SELECT x FROM opt(1)', defs)).toBe('SELECT x FROM (SELECT (1) AS x, (NULL) AS y) AS opt');
    expect(expandRelations('SELECT x FROM opt(1, 2)', defs)).toBe('SELECT x FROM (SELECT (1) AS x, (2) AS y) AS opt');
    expect(() => expandRelations('SELECT x FROM opt()', defs)).toThrow(/opt\(\) takes 1 to 2 arguments/);
    expect(() => expandRelations('SELECT x FROM opt(1, 2, 3)', defs)).toThrow(/opt\(\) takes 1 to 2 arguments/);
    expect(() => rel('-- relation: r(a = 1, b)\nSELECT {a}, {b}')).toThrow(/required parameter after an optional one/);
  });

  it('a relation file names every parameter its body uses', () => {
    expect(() => rel('-- relation: r(a)\nSELECT {a}, {b}')).toThrow(/\{b\} is not a parameter/);
    expect(() => rel('SELECT 1')).toThrow(/relation: name/);
  });
});

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);

/**
 * Requests over 5 minutes on two hosts, nginx (edge) and PHP-FPM (backend), then the rollups.
 * The edge's web1 has ~380 requests a minute, its web2 ~100: a sparse minute (src/query/sparse.ts)
 * beside a dense one, so a range over both hosts stitches rollups and rows in the same minute.
 */
function db(): DB {
  const d = openWritable(join(mkdtempSync(join(tmpdir(), 'overload-relations-')), 't.db'));
  d.prepare(`INSERT INTO sources (id, path, format, ingested_at) VALUES (1, 'a.log', 'nginx', 'x'), (2, 'php.log', 'php-fpm-access', 'x')`).run();
  const ins = d.prepare(`INSERT INTO requests (source_id, host, ts, start_ts, route, status, bytes, duration_ms, upstream_ms,
    upstream_addr, upstream_status, upstream_raw, client) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  let x = 17;
  const r = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < 3000; i++) {
    const ts = T0 + Math.floor(i * 100 + r() * 50);
    const dur = Math.round(r() * 3000 * 1000) / 1000;
    const status = r() < 0.1 ? 502 : r() < 0.1 ? 404 : 200;
    const retried = r() < 0.1;
    ins.run(r() < 0.8 ? 1 : 2, r() < 0.8 ? 'web1' : 'web2', ts, ts - Math.round(dur), `/r${Math.floor(r() * 7)}`, status,
      Math.floor(r() * 100_000), dur, dur * 0.8, retried ? null : '10.0.0.1:80', status,
      retried ? 'urt=1.000, 0.500 ua=10.0.0.1:80, 10.0.0.2:80 us=504, 200' : null, `192.0.2.${Math.floor(r() * 30)}`);
  }
  ensureRollups(d);
  return d;
}

describe('the relations', () => {
  const d = db();
  const all = (sql: string, bind: Record<string, unknown> = {}) => prepareSection(d, sql).all(bind) as Record<string, number | string | null>[];
  // ragged edges: neither end on a minute or a 10 s boundary
  const range = { from: BigInt(T0 + 12_345), to: BigInt(T0 + 251_789), tier: 'edge', host: null };

  it('the fixture has sparse and dense minutes side by side', () => {
    // (the minute before T0 holds the few requests whose start the duration puts there: sparse on both)
    const listed = all(`SELECT host, count(*) AS n FROM rollup_sparse WHERE tier = 'edge' AND t >= ${T0} GROUP BY host ORDER BY host`);
    expect(listed).toEqual([{ host: 'web2', n: 5 }]);
    expect(all("SELECT count(*) AS n FROM rollup_route_10s WHERE tier = 'edge' AND host = 'web2'")[0].n).toBe(0);
    expect(all("SELECT count(*) AS n FROM rollup_largest WHERE tier = 'edge' AND host = 'web2'")[0].n).toBe(0);
    expect(all("SELECT count(*) AS n FROM rollup_route_10s WHERE tier = 'edge' AND host = 'web1'")[0].n).toBeGreaterThan(0);
  });

  it('every built-in one prepares', () => {
    for (const def of reportRelations().values()) {
      const args = def.params.map((p) => (p === 'tier' ? "'edge'" : p === 'host' ? 'NULL' : p === 'to' ? String(T0 + 300_000) : p === 'from' ? String(T0) : '1000'));
      expect(() => prepareSection(d, `SELECT * FROM ${def.name}(${args.join(', ')})`), def.name).not.toThrow();
    }
  });

  it('routes, route_load and traffic count what the rows of the range count', () => {
    const exact = all(`SELECT coalesce(route, '') AS route, count(*) AS requests, sum(status BETWEEN 500 AND 599) AS s5xx,
      sum(status BETWEEN 400 AND 499) AS s4xx, max(duration_ms) AS dur_max, total(bytes) AS bytes
      FROM requests_in(:from, :to, :tier, :host) GROUP BY 1 ORDER BY 1`, range);
    expect(exact.length).toBeGreaterThan(3);
    expect(all('SELECT route, requests, s5xx, s4xx, dur_max, bytes FROM routes(:from, :to, :tier, :host) ORDER BY 1', range)).toEqual(exact);
    // `only`: those routes, with the same numbers and histograms as when every route is read
    const cols = 'route, requests, s5xx, dur_sum, dur_hist, up_hist, bytes_hist, first_ts, last_ts';
    const every = all(`SELECT ${cols} FROM routes(:from, :to, :tier, :host) ORDER BY 1`, range);
    const some = JSON.stringify([every[1].route, every[3].route, '/none']);
    expect(all(`SELECT ${cols} FROM routes(:from, :to, :tier, :host, :some) ORDER BY 1`, { ...range, some })).toEqual([every[1], every[3]]);
    expect(all('SELECT route, requests, s5xx FROM route_load(:from, :to, :tier, :host) ORDER BY 1', range))
      .toEqual(exact.map(({ route, requests, s5xx }) => ({ route, requests, s5xx })));
    // route_pieces: routes() before its last GROUP BY, grouped by the caller (sums and maxes; a
    // sum of sums and a sum of the pieces may differ in the last bit)
    const grouped = all(`SELECT route, sum(requests) AS requests, max(bytes_max) AS bytes_max, total(dur_sum) AS dur_sum
      FROM route_pieces(:from, :to, :tier, :host) GROUP BY route ORDER BY 1`, range);
    const whole = all('SELECT route, requests, bytes_max, dur_sum FROM routes(:from, :to, :tier, :host) ORDER BY 1', range);
    expect(grouped.map(({ dur_sum: _, ...rest }) => rest)).toEqual(whole.map(({ dur_sum: _, ...rest }) => rest));
    grouped.forEach((g, i) => expect(Number(g.dur_sum)).toBeCloseTo(Number(whole[i].dur_sum), 6));
    expect(all('SELECT count(*) AS n FROM route_pieces(:from, :to, :tier, :host)', range)[0].n).toBeGreaterThan(exact.length);
    const n = exact.reduce((a, e) => a + Number(e.requests), 0);
    // traffic's seconds hold the spread starts: whole seconds of the range agree exactly
    const secs = { ...range, from: BigInt(T0 + 13_000), to: BigInt(T0 + 251_000) };
    const rows = all('SELECT count(*) AS n FROM requests_in(:from, :to, :tier, :host)', secs)[0].n;
    expect(all('SELECT total(requests) AS n FROM traffic(:from, :to, :to - :from, :tier, :host)', secs)[0].n).toBe(rows);
    expect(n).toBeGreaterThan(Number(rows));
  });

  it('upstreams counts every attempt of the rows', () => {
    const got = all('SELECT upstream, attempts, failed, retried FROM upstreams(:from, :to, :tier, :host) ORDER BY 1', range);
    const single = all(`SELECT count(*) AS n FROM requests_in(:from, :to, :tier, :host) WHERE upstream_raw IS NULL`, range)[0].n as number;
    const retried = all(`SELECT count(*) AS n FROM requests_in(:from, :to, :tier, :host) WHERE upstream_raw IS NOT NULL`, range)[0].n as number;
    expect(got).toEqual([
      { upstream: '10.0.0.1:80', attempts: single + retried, failed: expect.any(Number), retried },
      { upstream: '10.0.0.2:80', attempts: retried, failed: expect.any(Number), retried: 0 },
    ]);
  });

  it('clients with client_rest add up to the requests of the range, exactly when every client is kept', () => {
    const exact = all(`SELECT coalesce(client, '') AS client, count(*) AS requests FROM requests_in(:from, :to, :tier, :host)
      GROUP BY 1 ORDER BY 1`, range);
    expect(all('SELECT client, requests FROM clients(:from, :to, :tier, :host) ORDER BY 1', range)).toEqual(exact);
    expect(all('SELECT max(low_by) AS m FROM clients(:from, :to, :tier, :host)', range)[0].m).toBe(0);
    expect(all('SELECT buckets, requests FROM client_rest(:from, :to, :tier, :host)', range)).toEqual([{ buckets: 0, requests: 0 }]);
  });

  it('largest, slowest and first_of_status find what ordering the rows finds', () => {
    const q = { ...range, n: 7 };
    expect(all('SELECT id, bytes FROM largest(:from, :to, :tier, :host, :n)', q))
      .toEqual(all('SELECT id, bytes FROM requests_in(:from, :to, :tier, :host) WHERE bytes IS NOT NULL ORDER BY bytes DESC, id LIMIT :n', q));
    expect(all('SELECT id, duration_ms FROM slowest(:from, :to, :tier, :host, :n)', q))
      .toEqual(all('SELECT id, duration_ms FROM requests_in(:from, :to, :tier, :host) WHERE duration_ms IS NOT NULL ORDER BY duration_ms DESC, id LIMIT :n', q));
    // the first of each status, at ragged edges too; the counts are per second of the rollups
    expect(all('SELECT status, first_id FROM first_of_status(:from, :to, :tier, :host) ORDER BY 1', range))
      .toEqual(all(`SELECT status, (SELECT id FROM requests_in(:from, :to, :tier, :host) f WHERE f.status = r.status
        ORDER BY started, id LIMIT 1) AS first_id FROM requests_in(:from, :to, :tier, :host) r GROUP BY status ORDER BY 1`, range));
    const secs = { ...range, from: BigInt(T0 + 13_000), to: BigInt(T0 + 251_000) };
    expect(all('SELECT status, requests FROM first_of_status(:from, :to, :tier, :host) ORDER BY 1', secs))
      .toEqual(all('SELECT status, count(*) AS requests FROM requests_in(:from, :to, :tier, :host) GROUP BY status ORDER BY 1', secs));
  });

  it('route_load, upstreams and largest read the rows of sparse minutes, for either host or both', () => {
    // ragged ranges: 10 s pieces at both ends of whole minutes, and one 10 s piece across a
    // minute's start with no whole minute ([T0 + 40 s, T0 + 80 s))
    for (const [from, to] of [[12_345, 251_789], [35_123, 85_456], [60_000, 120_000], [3_000, 9_000]]) {
      for (const host of [null, 'web1', 'web2']) {
        const q = { from: BigInt(T0 + from), to: BigInt(T0 + to), tier: 'edge', host, n: 7 };
        const at = `[${from}, ${to}) ${host}`;
        expect(all('SELECT route, requests, s5xx, dur_sum FROM route_load(:from, :to, :tier, :host) ORDER BY 1', q), at)
          .toEqual(all(`SELECT coalesce(route, '') AS route, count(*) AS requests, sum(status BETWEEN 500 AND 599) AS s5xx,
            total(duration_ms) AS dur_sum FROM requests_in(:from, :to, :tier, :host) GROUP BY 1 ORDER BY 1`, q)
            .map((x) => ({ ...x, dur_sum: expect.closeTo(Number(x.dur_sum), 6) })));
        const attempts = all(`SELECT count(*) + sum(upstream_raw IS NOT NULL) AS n FROM requests_in(:from, :to, :tier, :host)`, q)[0].n;
        expect(all('SELECT total(attempts) AS n FROM upstreams(:from, :to, :tier, :host)', q)[0].n, at).toBe(attempts);
        expect(all('SELECT id, bytes FROM largest(:from, :to, :tier, :host, :n)', q), at)
          .toEqual(all('SELECT id, bytes FROM requests_in(:from, :to, :tier, :host) WHERE bytes IS NOT NULL ORDER BY bytes DESC, id LIMIT :n', q));
      }
    }
  });

  it('buckets cover the range, the last one cut by its end', () => {
    expect(all('SELECT bucket_ts, span_ms FROM buckets(0, 2500, 1000)')).toEqual([
      { bucket_ts: 0, span_ms: 1000 }, { bucket_ts: 1000, span_ms: 1000 }, { bucket_ts: 2000, span_ms: 500 }]);
  });
});

// largest() reads a sparse minute's requests only when the minute's largest response reaches the
// n-th largest of the other candidates (rollup_largest and the edges). A sparse minute holding
// the largest response, and one holding a response tied with that bound but of a smaller id than
// the dense one it ties with, must still be read; the other sparse minutes need not be.
describe('largest() over dense and sparse minutes', () => {
  const d = openWritable(join(mkdtempSync(join(tmpdir(), 'overload-largest-')), 't.db'));
  const T1 = Date.UTC(2026, 10, 24, 9, 0, 0);
  d.prepare(`INSERT INTO sources (id, path, format, ingested_at) VALUES (1, 'a.log', 'nginx', 'x')`).run();
  const ins = d.prepare(`INSERT INTO requests (source_id, host, ts, start_ts, route, status, bytes, duration_ms)
    VALUES (1, 'web1', ?, ?, '/a', 200, ?, 3)`);
  d.transaction(() => {
    // sparse minutes 10-19 first (smaller ids): ten small responses each, but minute 12 holds the
    // largest of all, minute 15 one of 800,000 bytes (the bound's size for n = 7) and minute 17
    // one of 1,149 (the size of the dense minutes' largest small responses, ten of them: a bound
    // for n = 12)
    for (let m = 10; m < 20; m++) {
      for (let i = 0; i < 10; i++) {
        const big = m === 12 && i === 4 ? 2_000_000 : m === 15 && i === 6 ? 800_000 : m === 17 && i === 1 ? 1_149 : 0;
        ins.run(T1 + m * 60_000 + i * 5_000 + 3, T1 + m * 60_000 + i * 5_000, big || 400 + i);
      }
    }
    // dense minutes 0-9: 150 requests each; five of 900,000 bytes in minute 3, three of 800,000 in minute 4
    for (let m = 0; m < 10; m++) {
      for (let i = 0; i < 150; i++) {
        const big = m === 3 && i < 5 ? 900_000 : m === 4 && i < 3 ? 800_000 : 0;
        ins.run(T1 + m * 60_000 + i * 390 + 3, T1 + m * 60_000 + i * 390, big || 1_000 + i);
      }
    }
  })();
  ensureRollups(d);
  const all = (sql: string, bind: Record<string, unknown> = {}) => prepareSection(d, sql).all(bind) as Record<string, number | string | null>[];

  it('finds what ordering the rows finds', () => {
    expect(all("SELECT count(*) AS n FROM rollup_sparse WHERE tier = 'edge'")[0].n).toBe(10);
    for (const n of [3, 7, 8, 9, 12]) {
      for (const host of [null, 'web1']) {
        for (const [from, to] of [[T1, T1 + 20 * 60_000], [T1 + 7_777, T1 + 19 * 60_000 + 33_333]]) {
          const q = { from: BigInt(from), to: BigInt(to), tier: 'edge', host, n };
          const got = all('SELECT id, bytes FROM largest(:from, :to, :tier, :host, :n)', q);
          expect(got, `${n} ${host} ${from}`).toEqual(all(`SELECT id, bytes FROM requests_in(:from, :to, :tier, :host)
            WHERE bytes IS NOT NULL ORDER BY bytes DESC, id LIMIT :n`, q));
          if (n === 7) expect(got.map((r) => r.bytes)).toEqual([2_000_000, 900_000, 900_000, 900_000, 900_000, 900_000, 800_000]);
          // the eleventh is minute 17's 1,149: the smallest id of its size
          if (n === 12 && from === T1) expect(got[10]).toEqual(all('SELECT id, bytes FROM requests WHERE bytes = 1149 ORDER BY id LIMIT 1')[0]);
        }
      }
    }
  });
});
