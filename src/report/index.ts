// The reports API: what the CLI (`overload report`), the TUI and the postmortem use.
//
//   listReports(dirs?) -> ReportDef[]
//       Every report in the folders, sorted by name. dirs defaults to queriesDirs(): the
//       package's queries/ plus $OVERLOAD_QUERIES (":"-separated); a later folder's file replaces
//       a built-in one of the same name. ReportDef carries name, title, description, params
//       (name, type, choices, default, description), ranking, time (how requests are attributed
//       to time), module, sections and path.
//
//   runReport(db, name | def, input?, { dirs?, tz?, optional? }) -> ReportResult
//       input holds parameter values by name: strings as a user types them ('2026-11-22T09:52',
//       '22/Nov/2026:09:52:00 +0000', '10s', 'auto', '20') or numbers (epoch ms for times, ms for
//       durations and buckets). Unset from/to cover the data; bucket 'auto' aims at 60-120 rows.
//       Returns { name, title, columns, rows, sections, params }: columns in a stable order, rows
//       as objects with exactly those keys (JSON columns decoded), sections = the section names
//       when the report has several (each row then carries `section`), params = the values used,
//       as a person reads them (ISO times, bucket label). Throws ReportNotFound / ParamError
//       (show their message) or a SqliteError for a broken user query.
//       The db may be read-only: the first call builds the rollups into TEMP tables of that
//       connection when the database has none or they are older than its rows (see
//       query/rollups.ts); keep the connection open to pay that once.
//
//   renderResult(result, format, width?) -> string       table | json | csv | md | ndjson
//   ensureRollups(db)                                      the first-call work, up front
//   spikeRows(series, bucketMs)                            the detector on a series of your own
//   buildPostmortem(db, { from?, to?, host?, tz?, svgName? }) -> { markdown, svg, findings, data }
//
// Parameter names the CLI maps: --from -> from, --to -> to, --host -> host, --bucket -> bucket,
// --limit -> limit, --param k=v -> k. Bound into SQL as :from, :to, :host, :bucket_ms, :limit,
// :k, plus derived :span_ms, :from_minute, :to_minute, :data_from, :data_to (docs/reports.md).
export { listReports, findReport, runReport, ensureRollups, dataRange, ReportNotFound, type ReportResult, type RunOptions, type Row } from './runner.js';
export { queriesDirs, builtinQueriesDir, parseReport, type ReportDef, type ParamDef } from './loader.js';
export { ParamError, autoBucketMs, bucketLabel, type ParamInput } from './params.js';
export { renderResult } from './output.js';
export { Histogram, Occupancy, HIST_RELATIVE_ERROR } from '../query/histogram.js';
export { spikeRows, SPIKE_COLUMNS } from '../correlate/spikes.js';
export { buildPostmortem } from '../postmortem/index.js';
