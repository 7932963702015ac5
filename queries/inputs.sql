-- name: inputs
-- title: Inputs
-- description: Every input (a log file, a config, a snapshot) with its line counts, what it was
--   read as, and why lines were rejected (each reason with its count, most first). The TUI's
--   Sources panel and the postmortem's "Data" section.
-- param: host (text) only this host's inputs
-- ranking: none: inputs in the order they were ingested
-- time: not limited to a range: rejected lines have no time
-- listed: no
-- columns: id id, path text, format text, host text, lines count, parsed count, rejected count,
--   first_ts time ms, last_ts time ms, complete count, note text, reasons text
SELECT
  s.id, s.path, s.format, s.host, s.lines, s.parsed, s.rejected, s.first_ts, s.last_ts, s.complete, s.note,
  (SELECT group_concat(reason || ' ' || n, ', ') FROM (
    SELECT reason, count(*) AS n FROM rejects WHERE source_id = s.id GROUP BY reason ORDER BY n DESC)) AS reasons
FROM sources s
WHERE (:host IS NULL OR s.host = :host)
ORDER BY s.id
