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
WITH s AS (
  SELECT 'before' AS period, :base_to - :base_from AS len, total(requests) AS n, total(s5xx) AS e, hist(dur_hist) AS h
  FROM traffic(:base_from, :base_to, :base_to - :base_from, :tier, :host)
  UNION ALL
  SELECT 'during', :to - :from, total(requests), total(s5xx), hist(dur_hist)
  FROM traffic(:from, :to, :to - :from, :tier, :host)),
f AS (
  SELECT 'before' AS period, max(peak) AS peak FROM inflight(:base_from, :base_to, :base_to - :base_from, :tier, :host, 0)
  UNION ALL
  SELECT 'during', max(peak) FROM inflight(:from, :to, :to - :from, :tier, :host, 0)),
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
WITH parts AS (
  SELECT 'before' AS period, route, requests, s5xx, dur_sum, dur_hist FROM route_load(:base_from, :base_to, :tier, :host)
  UNION ALL
  SELECT 'during', route, requests, s5xx, dur_sum, dur_hist FROM route_load(:from, :to, :tier, :host)),
g AS (
  SELECT route,
    total(CASE WHEN period = 'before' THEN requests END) AS nb, total(CASE WHEN period = 'during' THEN requests END) AS nd,
    total(CASE WHEN period = 'before' THEN s5xx END) AS eb, total(CASE WHEN period = 'during' THEN s5xx END) AS ed,
    total(CASE WHEN period = 'before' THEN dur_sum END) AS bb, total(CASE WHEN period = 'during' THEN dur_sum END) AS bd,
    hist(CASE WHEN period = 'before' THEN dur_hist END) AS hb, hist(CASE WHEN period = 'during' THEN dur_hist END) AS hd
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
WITH parts AS (
  SELECT 'before' AS period, upstream, attempts, failed, timeouts, time_hist FROM upstreams(:base_from, :base_to, :tier, :host)
  UNION ALL
  SELECT 'during', upstream, attempts, failed, timeouts, time_hist FROM upstreams(:from, :to, :tier, :host)),
g AS (
  SELECT upstream,
    total(CASE WHEN period = 'before' THEN attempts END) AS nb, total(CASE WHEN period = 'during' THEN attempts END) AS nd,
    total(CASE WHEN period = 'before' THEN failed END) AS fb, total(CASE WHEN period = 'during' THEN failed END) AS fd,
    total(CASE WHEN period = 'during' THEN timeouts END) AS td,
    hist(CASE WHEN period = 'before' THEN time_hist END) AS hb, hist(CASE WHEN period = 'during' THEN time_hist END) AS hd
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
-- baseline), from clients() and client_rest(): each 10 s and minute of the client rollups keeps
-- its busiest clients (rollup_state 'clients_kept': 1000) and sums the rest. Where a period read
-- such a rest, a client's count may be low (clients().low_by; a client with no row in a period:
-- client_rest().top): its detail says by how much at most (NULL: exact). The rest itself follows
-- the ranked clients as one more row, '(other clients)': the traffic of clients too small to tell
-- apart (not ranked).
WITH p AS (SELECT max(:base_from, :from - (:to - :from)) AS lo),
parts AS (
  SELECT 'before' AS period, client, requests, s5xx, low_by FROM clients(max(:base_from, :from - (:to - :from)), :from, :tier, :host)
  UNION ALL
  SELECT 'during', client, requests, s5xx, low_by FROM clients(:from, :to, :tier, :host)),
rb AS (SELECT * FROM client_rest(max(:base_from, :from - (:to - :from)), :from, :tier, :host)),
rd AS (SELECT * FROM client_rest(:from, :to, :tier, :host)),
g AS (
  SELECT client,
    total(CASE WHEN period = 'before' THEN requests END) AS nb, total(CASE WHEN period = 'during' THEN requests END) AS nd,
    total(CASE WHEN period = 'before' THEN s5xx END) AS eb, total(CASE WHEN period = 'during' THEN s5xx END) AS ed,
    coalesce(max(CASE WHEN period = 'before' THEN low_by END), (SELECT top FROM rb)) AS lb,
    coalesce(max(CASE WHEN period = 'during' THEN low_by END), (SELECT top FROM rd)) AS ld
  FROM parts GROUP BY client),
ranked AS (
  SELECT 0 AS k, client AS item,
    CASE WHEN g.lb > 0 OR g.ld > 0
      THEN 'may be low by up to ' || CAST(g.lb AS INTEGER) || ' before, ' || CAST(g.ld AS INTEGER) || ' during' END AS detail,
    g.nb AS before, g.nd AS during,
    round((g.nd / (:to - :from)) / nullif(g.nb / nullif(:from - (SELECT lo FROM p), 0), 0), 2) AS ratio,
    round(g.nd - g.nb * (:to - :from) / nullif(:from - (SELECT lo FROM p), 0), 1) AS change,
    g.eb AS errors_before, g.ed AS errors_during
  FROM g WHERE g.nd > 0
  ORDER BY change DESC, during DESC, item
  LIMIT :limit)
SELECT item, detail, before, during, ratio, change, errors_before, errors_during FROM (
  SELECT * FROM ranked
  UNION ALL
  -- no ratio or change: how many clients a bucket keeps is fixed, so the rest of a busy bucket
  -- holds a larger share of its traffic than the rest of a quiet one
  SELECT 1, '(other clients)', 'clients outside the busiest '
      || coalesce(rd.kept, '?') || ' of their 10 s or minute ('
      || CAST(rb.clients + rd.clients AS INTEGER) || ', counted per bucket)',
    rb.requests, rd.requests, NULL, NULL, rb.s5xx, rd.s5xx
  FROM rb, rd WHERE rb.buckets + rd.buckets > 0 AND rd.requests > 0)
ORDER BY k, change DESC, during DESC, item
-- section: events
SELECT kind AS item, component AS detail,
  total(CASE WHEN period = 'before' THEN events END) AS before, total(CASE WHEN period = 'during' THEN events END) AS during,
  round((total(CASE WHEN period = 'during' THEN events END) / (:to - :from))
    / nullif(total(CASE WHEN period = 'before' THEN events END) / nullif(:base_to - :base_from, 0), 0), 2) AS ratio,
  iso(min(CASE WHEN period = 'during' THEN first_ts END)) AS first, iso(max(CASE WHEN period = 'during' THEN last_ts END)) AS last
FROM (
  SELECT 'before' AS period, kind, component, events, first_ts, last_ts FROM event_counts(:base_from, :base_to, :base_to - :base_from, :host)
  UNION ALL
  SELECT 'during', kind, component, events, first_ts, last_ts FROM event_counts(:from, :to, :to - :from, :host))
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
