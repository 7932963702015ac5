-- name: tui-header
-- title: TUI header
-- description: The TUI's header line: how many inputs, rows parsed and lines rejected, the formats
--   and the hosts. Read from the sources table (one row per input), never by counting requests:
--   count(*) over 10M rows would cost more than the whole first paint.
-- param: host (text) only this host's inputs (the host list is always every host)
-- ranking: none: one row
-- json: formats, hosts
-- listed: no
-- columns: sources count, parsed count, rejected count, formats json, hosts json
SELECT
  count(*) AS sources,
  coalesce(sum(parsed), 0) AS parsed,
  coalesce(sum(rejected), 0) AS rejected,
  (SELECT json_group_array(format) FROM (
    SELECT DISTINCT format FROM sources WHERE (:host IS NULL OR host = :host) ORDER BY format)) AS formats,
  (SELECT json_group_array(host) FROM (
    SELECT DISTINCT host FROM sources WHERE host IS NOT NULL ORDER BY host)) AS hosts
FROM sources
WHERE (:host IS NULL OR host = :host)
