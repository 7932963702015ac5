-- name: incident
-- title: Incident: what changed
-- description: What changed in a window against the time before it: the summary (rate, errors,
--   p95, in-flight), the routes whose time, count, errors or latency rose most, the upstreams that
--   failed, the clients that surged, the event kinds with first and last time, the kernel
--   counters that rose (listen queue overflows ...), and the slowlog stacks.
-- param: from (time) start of the window; default: the most severe spike (see report spikes)
-- param: to (time) end of the window; default: the end of that spike's aftermath
-- param: host (text) only this host
-- param: tier (tier, default: auto) edge = the web server's access log, backend = PHP-FPM's
-- param: baseline (duration, default: auto) how much time before the window to compare with (auto: 4 x the window, at least 1m, from the start of the data at most)
-- param: limit (int, default: 10) rows per section
-- ranking: routes by extra busy time (time served in the window minus the before-rate scaled to the
--   window: what the incident cost); upstreams by extra failures; clients by extra requests (against
--   the same length of time before the window); events
--   and stacks by count in the window. ratio = rate in the window / rate before (null: none before).
-- time: requests by their start, events and slowlog entries at their stamp. Derived parameters
--   :base_from, :base_to (the comparison period) and :base_from_minute, :base_to_minute are bound
--   by src/correlate/incident.ts. Route and upstream percentiles within 2.2 % (rollups + edge rows).
--   Clients: exact unless a 10 s or minute had more clients than the rollups keep (see clients).
-- module: incident
-- columns: section text, item text, detail text, before number, during number, ratio number,
--   change number, errors_before count, errors_during count, p95_before_ms duration ms,
--   p95_during_ms duration ms, first time iso, last time iso
-- section: summary
WITH p AS (
  SELECT 'before' AS period, :base_from AS lo, :base_to AS hi UNION ALL SELECT 'during', :from, :to),
s AS (
  SELECT p.period, p.hi - p.lo AS len, total(r.requests) AS n, total(r.s5xx) AS e, hist(r.dur_hist) AS h
  FROM p LEFT JOIN rollup_second r ON r.tier = :tier AND r.t >= p.lo AND r.t < p.hi AND (:host IS NULL OR r.host = :host)
  GROUP BY p.period),
f AS (
  SELECT p.period, max(i.peak) AS peak
  FROM p LEFT JOIN rollup_inflight i ON i.tier = :tier AND i.upstream = '' AND i.t >= p.lo AND i.t < p.hi AND (:host IS NULL OR i.host = :host)
  GROUP BY p.period),
m(item, b, d) AS (
  SELECT 'seconds', (SELECT len FROM s WHERE period = 'before') / 1000.0, (SELECT len FROM s WHERE period = 'during') / 1000.0
  UNION ALL SELECT 'requests', (SELECT n FROM s WHERE period = 'before'), (SELECT n FROM s WHERE period = 'during')
  UNION ALL SELECT 'rps', (SELECT round(n * 1000.0 / nullif(len, 0), 2) FROM s WHERE period = 'before'), (SELECT round(n * 1000.0 / nullif(len, 0), 2) FROM s WHERE period = 'during')
  UNION ALL SELECT 's5xx', (SELECT e FROM s WHERE period = 'before'), (SELECT e FROM s WHERE period = 'during')
  UNION ALL SELECT 'error_rate', (SELECT round(e / nullif(n, 0), 4) FROM s WHERE period = 'before'), (SELECT round(e / nullif(n, 0), 4) FROM s WHERE period = 'during')
  UNION ALL SELECT 'p95_ms', (SELECT round(hist_pct(h, 95), 1) FROM s WHERE period = 'before'), (SELECT round(hist_pct(h, 95), 1) FROM s WHERE period = 'during')
  UNION ALL SELECT 'peak_inflight', (SELECT peak FROM f WHERE period = 'before'), (SELECT peak FROM f WHERE period = 'during'))
SELECT item, NULL AS detail, b AS before, d AS during, round(d / nullif(b, 0), 2) AS ratio, NULL AS change
FROM m
-- section: routes
-- each period in pieces (time_pieces): the whole minutes from rollup_minute, the whole 10 s
-- around them from rollup_route_10s, the ragged ends (under 10 s) from the rows themselves
WITH ranges AS (
  SELECT 'before' AS period, grain, lo, hi FROM time_pieces(:base_from, :base_to)
  UNION ALL SELECT 'during', grain, lo, hi FROM time_pieces(:from, :to)),
parts AS (
  SELECT x.period,
    coalesce(r.route, '') AS route, count(*) AS n, sum(r.status BETWEEN 500 AND 599) AS e, total(r.duration_ms) AS busy, hist(r.duration_ms) AS h
  FROM ranges x CROSS JOIN requests r ON coalesce(r.start_ts, r.ts) >= x.lo AND coalesce(r.start_ts, r.ts) < x.hi
  WHERE x.grain = 'rows' AND (:host IS NULL OR r.host = :host) AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = :tier)
  GROUP BY 1, 2
  UNION ALL
  SELECT x.period, m.route, sum(m.requests), sum(m.s5xx), total(m.dur_sum), hist(m.dur_hist)
  FROM ranges x CROSS JOIN rollup_route_10s m ON m.tier = :tier AND m.t >= x.lo AND m.t < x.hi
  WHERE x.grain = '10s' AND (:host IS NULL OR m.host = :host)
  GROUP BY 1, 2
  UNION ALL
  SELECT x.period, m.route, sum(m.requests), sum(m.s5xx), total(m.dur_sum), hist(m.dur_hist)
  FROM ranges x CROSS JOIN rollup_minute m ON m.tier = :tier AND m.t >= x.lo AND m.t < x.hi
  WHERE x.grain = '1m' AND (:host IS NULL OR m.host = :host)
  GROUP BY 1, 2),
g AS (
  SELECT route,
    total(CASE WHEN period = 'before' THEN n END) AS nb, total(CASE WHEN period = 'during' THEN n END) AS nd,
    total(CASE WHEN period = 'before' THEN e END) AS eb, total(CASE WHEN period = 'during' THEN e END) AS ed,
    total(CASE WHEN period = 'before' THEN busy END) AS bb, total(CASE WHEN period = 'during' THEN busy END) AS bd,
    hist(CASE WHEN period = 'before' THEN h END) AS hb, hist(CASE WHEN period = 'during' THEN h END) AS hd
  FROM parts GROUP BY route)
SELECT route AS item, NULL AS detail, nb AS before, nd AS during,
  round((nd / (:to - :from)) / nullif(nb / nullif(:base_to - :base_from, 0), 0), 2) AS ratio,
  round((bd - bb * (:to - :from) / nullif(:base_to - :base_from, 0)) / 1000.0, 3) AS change,
  eb AS errors_before, ed AS errors_during,
  round(hist_pct(hb, 95), 1) AS p95_before_ms, round(hist_pct(hd, 95), 1) AS p95_during_ms
FROM g WHERE nd > 0
ORDER BY change DESC, nd DESC, route
LIMIT :limit
-- section: upstreams
-- pieces as for routes (rollup_upstream, rollup_upstream_10s, rows). Of the rows, a request with
-- one attempt (no ", " or " : " list in upstream_raw) is its own columns; only the retried ones
-- go through upstream_attempts(), which costs a JS call per row
WITH ranges AS (
  SELECT 'before' AS period, grain, lo, hi FROM time_pieces(:base_from, :base_to)
  UNION ALL SELECT 'during', grain, lo, hi FROM time_pieces(:from, :to)),
parts AS (
  SELECT x.period,
    r.upstream_addr AS upstream, count(*) AS n, sum(r.upstream_status IS NULL OR r.upstream_status >= 500) AS f,
    sum(r.upstream_status = 504) AS tmo, hist(r.upstream_ms) AS h
  FROM ranges x CROSS JOIN requests r ON coalesce(r.start_ts, r.ts) >= x.lo AND coalesce(r.start_ts, r.ts) < x.hi
  WHERE x.grain = 'rows' AND r.upstream_addr IS NOT NULL AND (r.upstream_raw IS NULL OR (instr(r.upstream_raw, ',') = 0 AND instr(r.upstream_raw, ' : ') = 0))
    AND (:host IS NULL OR r.host = :host) AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = :tier)
  GROUP BY 1, 2
  UNION ALL
  SELECT x.period,
    a.addr AS upstream, count(*) AS n, sum(a.failed) AS f, sum(a.status = 504) AS tmo, hist(a.ms) AS h
  FROM ranges x CROSS JOIN requests r ON coalesce(r.start_ts, r.ts) >= x.lo AND coalesce(r.start_ts, r.ts) < x.hi,
    upstream_attempts(coalesce(r.upstream_raw, ''), coalesce(r.upstream_addr, ''), coalesce(r.upstream_status, -1), coalesce(r.upstream_ms, -1)) a
  WHERE x.grain = 'rows' AND (r.upstream_raw IS NOT NULL OR r.upstream_addr IS NOT NULL)
    AND NOT (r.upstream_addr IS NOT NULL AND (r.upstream_raw IS NULL OR (instr(r.upstream_raw, ',') = 0 AND instr(r.upstream_raw, ' : ') = 0)))
    AND (:host IS NULL OR r.host = :host) AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = :tier)
  GROUP BY 1, 2
  UNION ALL
  SELECT x.period, u.upstream, sum(u.attempts), sum(u.failed), sum(u.timeouts), hist(u.time_hist)
  FROM ranges x CROSS JOIN rollup_upstream_10s u ON u.tier = :tier AND u.t >= x.lo AND u.t < x.hi
  WHERE x.grain = '10s' AND (:host IS NULL OR u.host = :host)
  GROUP BY 1, 2
  UNION ALL
  SELECT x.period, u.upstream, sum(u.attempts), sum(u.failed), sum(u.timeouts), hist(u.time_hist)
  FROM ranges x CROSS JOIN rollup_upstream u ON u.tier = :tier AND u.t >= x.lo AND u.t < x.hi
  WHERE x.grain = '1m' AND (:host IS NULL OR u.host = :host)
  GROUP BY 1, 2),
g AS (
  SELECT upstream,
    total(CASE WHEN period = 'before' THEN n END) AS nb, total(CASE WHEN period = 'during' THEN n END) AS nd,
    total(CASE WHEN period = 'before' THEN f END) AS fb, total(CASE WHEN period = 'during' THEN f END) AS fd,
    total(CASE WHEN period = 'during' THEN tmo END) AS td,
    hist(CASE WHEN period = 'before' THEN h END) AS hb, hist(CASE WHEN period = 'during' THEN h END) AS hd
  FROM parts GROUP BY upstream)
SELECT upstream AS item, CAST(td AS INTEGER) || ' timeouts' AS detail, nb AS before, nd AS during,
  round((nd / (:to - :from)) / nullif(nb / nullif(:base_to - :base_from, 0), 0), 2) AS ratio,
  round(fd - fb * (:to - :from) / nullif(:base_to - :base_from, 0), 1) AS change,
  fb AS errors_before, fd AS errors_during,
  round(hist_pct(hb, 95), 1) AS p95_before_ms, round(hist_pct(hd, 95), 1) AS p95_during_ms
FROM g WHERE nd > 0
ORDER BY change DESC, fd DESC, upstream
LIMIT :limit
-- section: clients
-- clients are compared with the same length of time just before the window (not the whole
-- baseline), in pieces as for routes: rollup_clients per minute and per 10 s, and rows. Each
-- rollup_clients row keeps its bucket's busiest clients (rollup_state 'clients_kept': 1000) and
-- sums the rest. Where a period read such a rest, a client's count may be low by the busiest
-- left-out client (rest_top) of each bucket it is not kept in: its detail says by how much at
-- most (NULL: exact). A bucket of more distinct clients than are counted exactly (rollup-fine.ts
-- CLIENTS_COUNTED: a botnet) holds bounded estimates: each kept entry then has a 4th element,
-- by how much it may be low, and rest_top bounds every left-out client from above. The rest itself follows the ranked clients as one more row, '(other
-- clients)': the traffic of clients too small to tell apart (not ranked).
WITH p AS (SELECT max(:base_from, :from - (:to - :from)) AS lo),
ranges AS (
  SELECT 'before' AS period, t.grain, t.lo, t.hi FROM p, time_pieces(p.lo, :from) t
  UNION ALL SELECT 'during', grain, lo, hi FROM time_pieces(:from, :to)),
buckets AS (
  SELECT x.period, c.kept, c.rest_clients, c.rest_requests, c.rest_s5xx, c.rest_top
  FROM ranges x CROSS JOIN rollup_clients c ON c.tier = :tier AND c.grain = CASE x.grain WHEN '10s' THEN 10000 ELSE 60000 END
    AND c.t >= x.lo AND c.t < x.hi
  WHERE x.grain IN ('10s', '1m') AND (:host IS NULL OR c.host = :host)),
parts AS (
  SELECT x.period, coalesce(r.client, '') AS client, count(*) AS n, sum(r.status BETWEEN 500 AND 599) AS e, 0 AS covered
  FROM ranges x CROSS JOIN requests r ON coalesce(r.start_ts, r.ts) >= x.lo AND coalesce(r.start_ts, r.ts) < x.hi
  WHERE x.grain = 'rows' AND (:host IS NULL OR r.host = :host) AND r.source_id IN (SELECT id FROM source_tiers WHERE tier = :tier)
  GROUP BY 1, 2
  UNION ALL
  -- covered: rest_top of the buckets the client is kept in (it is exact there, or low by at most
  -- its entry's 4th element where the bucket had too many clients to count exactly)
  SELECT b.period, k.value ->> 0, sum(k.value ->> 1), sum(k.value ->> 2), sum(b.rest_top - coalesce(k.value ->> 3, 0))
  FROM buckets b, json_each(b.kept) k
  GROUP BY 1, 2),
s AS (
  SELECT total(CASE WHEN period = 'before' THEN rest_top END) AS sb, total(CASE WHEN period = 'during' THEN rest_top END) AS sd,
    total(rest_clients) AS clients,
    total(CASE WHEN period = 'before' THEN rest_requests END) AS nb, total(CASE WHEN period = 'during' THEN rest_requests END) AS nd,
    total(CASE WHEN period = 'before' THEN rest_s5xx END) AS eb, total(CASE WHEN period = 'during' THEN rest_s5xx END) AS ed,
    count(*) AS buckets
  FROM buckets WHERE rest_clients > 0),
g AS (
  SELECT client,
    total(CASE WHEN period = 'before' THEN n END) AS nb, total(CASE WHEN period = 'during' THEN n END) AS nd,
    total(CASE WHEN period = 'before' THEN e END) AS eb, total(CASE WHEN period = 'during' THEN e END) AS ed,
    total(CASE WHEN period = 'before' THEN covered END) AS cb, total(CASE WHEN period = 'during' THEN covered END) AS cd
  FROM parts GROUP BY client),
ranked AS (
  SELECT 0 AS k, client AS item,
    CASE WHEN s.sb > g.cb OR s.sd > g.cd
      THEN 'may be low by up to ' || CAST(s.sb - g.cb AS INTEGER) || ' before, ' || CAST(s.sd - g.cd AS INTEGER) || ' during' END AS detail,
    g.nb AS before, g.nd AS during,
    round((g.nd / (:to - :from)) / nullif(g.nb / nullif(:from - (SELECT lo FROM p), 0), 0), 2) AS ratio,
    round(g.nd - g.nb * (:to - :from) / nullif(:from - (SELECT lo FROM p), 0), 1) AS change,
    g.eb AS errors_before, g.ed AS errors_during
  FROM g, s WHERE g.nd > 0
  ORDER BY change DESC, during DESC, item
  LIMIT :limit)
SELECT item, detail, before, during, ratio, change, errors_before, errors_during FROM (
  SELECT * FROM ranked
  UNION ALL
  -- no ratio or change: how many clients a bucket keeps is fixed, so the rest of a busy bucket
  -- holds a larger share of its traffic than the rest of a quiet one
  SELECT 1, '(other clients)', 'clients outside the busiest '
      || coalesce((SELECT value FROM rollup_state WHERE name = 'clients_kept'), '?') || ' of their 10 s or minute ('
      || CAST(clients AS INTEGER) || ', counted per bucket)',
    nb, nd, NULL, NULL, eb, ed
  FROM s WHERE buckets > 0 AND nd > 0)
ORDER BY k, change DESC, during DESC, item
-- section: events
SELECT kind AS item, component AS detail,
  total(CASE WHEN t < :from THEN events END) AS before, total(CASE WHEN t >= :from THEN events END) AS during,
  round((total(CASE WHEN t >= :from THEN events END) / (:to - :from))
    / nullif(total(CASE WHEN t < :from THEN events END) / nullif(:base_to - :base_from, 0), 0), 2) AS ratio,
  iso(min(CASE WHEN t >= :from THEN first_ts END)) AS first, iso(max(CASE WHEN t >= :from THEN last_ts END)) AS last
FROM rollup_events
WHERE t >= :base_from AND t < :to AND (:host IS NULL OR host = :host)
GROUP BY kind, component
HAVING during > 0
-- start/stop notices and unclassified chatter (PHP-FPM's "about to trace") come after the signals
ORDER BY kind IN ('lifecycle', 'other'), during DESC, kind
LIMIT :limit
-- section: counters
-- the kernel's overload counters (report kernel-counters): the increase before and during the
-- window, each snapshot interval counted at the snapshot that ends it
SELECT counter AS item, 'kernel' AS detail,
  total(CASE WHEN to_ts < :from THEN increase END) AS before, total(CASE WHEN to_ts >= :from THEN increase END) AS during,
  round((total(CASE WHEN to_ts >= :from THEN increase END) / (:to - :from))
    / nullif(total(CASE WHEN to_ts < :from THEN increase END) / nullif(:base_to - :base_from, 0), 0), 2) AS ratio,
  iso(min(CASE WHEN to_ts >= :from AND increase > 0 THEN to_ts END)) AS first, iso(max(CASE WHEN to_ts >= :from AND increase > 0 THEN to_ts END)) AS last
FROM counter_increases
WHERE to_ts >= :base_from AND to_ts < :to AND (:host IS NULL OR host = :host)
  AND counter IN ('TcpExtListenOverflows', 'TcpExtListenDrops', 'TcpExtTCPBacklogDrop', 'TcpExtTCPReqQFullDrop',
    'TcpExtTCPReqQFullDoCookies', 'TcpExtSyncookiesSent', 'TcpExtTCPAbortOnMemory', 'TcpExtTCPTimeouts')
GROUP BY counter
HAVING during > 0
ORDER BY during DESC, counter
LIMIT :limit
-- section: stacks
WITH g AS (
  SELECT fingerprint, max(id) AS example, max(script) AS script,
    sum(ts < :from) AS nb, sum(ts >= :from) AS nd,
    min(CASE WHEN ts >= :from THEN ts END) AS first, max(CASE WHEN ts >= :from THEN ts END) AS last
  FROM slow_traces
  WHERE ts >= :base_from AND ts < :to AND (:host IS NULL OR host = :host)
  GROUP BY fingerprint)
SELECT
  (SELECT group_concat(function, ' < ') FROM (SELECT function FROM slow_frames f WHERE f.trace_id = g.example ORDER BY depth)) AS item,
  g.script AS detail, g.nb AS before, g.nd AS during,
  round((1.0 * g.nd / (:to - :from)) / nullif(1.0 * g.nb / nullif(:base_to - :base_from, 0), 0), 2) AS ratio,
  iso(g.first) AS first, iso(g.last) AS last
FROM g
WHERE g.nd > 0
ORDER BY g.nd DESC, item
LIMIT :limit
