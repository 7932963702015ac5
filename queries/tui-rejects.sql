-- name: tui-rejects
-- title: TUI drill: rejected lines of one input
-- description: The first rejected lines of one input, with why each was rejected.
-- param: source (int) the input's id (report inputs)
-- param: limit (int, default: 300) how many lines
-- ranking: none: in line order
-- time: none: rejected lines have no time
-- listed: no
-- columns: line_no count, reason text, line text
SELECT line_no, reason, line
FROM rejects
WHERE source_id = :source
ORDER BY line_no
LIMIT :limit
