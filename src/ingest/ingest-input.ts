// One input from open to summary: identify it (resume or skip), choose its format, stream it
// through the parser into the store in batches.
import { stampOfFileName } from '../../parsers/snapshot.js';
import type { FormatDefinition, ParserOptions } from '../../parsers/types.js';
import { FORMATS, findFormat } from '../../parsers/index.js';
import { openInput, identityOf, matchesIdentity, InputError, type OpenedInput, type Damage } from './source.js';
import { detectFormat, sampleLines, scoreFormat, type FormatScore } from './detect.js';
import type { Batch } from '../store/batch.js';
import { parseInWorker } from './parse-in-worker.js';
import type { RouteRule } from '../util/route.js';
import { threadTimes } from '../util/thread-stats.js';
import { stallIfAsked } from '../util/test-stall.js';
import type { StoreWriter, SourceRow } from '../store/writer.js';
import type { RollupStream } from '../query/rollup-stream.js';

export interface IngestSettings {
  /** `--format`, or the format chosen for `--log-format` / `--nginx-conf` */
  format: string | null;
  parserOptions: ParserOptions;
  /** the format string given by the user (stored with the source) */
  formatSpec: string | null;
  host: string | null;
  maxLine: number;
  force: boolean;
  batchSize: number;
  routeRules: RouteRule[];
  /** set by SIGINT: stop after the batch in flight */
  stopRequested: () => boolean;
  onProgress?: (p: Progress) => void;
  /**
   * Live mode (a pipe that may never end): commit whatever arrived at least this often instead
   * of waiting for a full batch, and detect the format on the first lines that arrive.
   */
  liveFlushMs?: number;
  /** called after each committed batch (the TUI refreshes on it) */
  onCommit?: () => void;
  /** called once, before the first batch that holds lines is written (never when nothing new was read) */
  onLoadStart?: () => void;
  /** rollups built from the batches as they are written (store/rollup-stream.ts) */
  rollups?: RollupStream | null;
}

export interface Progress {
  label: string;
  bytes: number;
  lines: number;
  diskBytes: number;
  sizeOnDisk: number | null;
}

export type IngestOutcome =
  | { kind: 'ingested'; label: string; sourceId: number; format: string; resumedFrom: number; lines: number; parsed: number;
      rejected: number; rejectReasons: Record<string, number>; variants: Record<string, number>; firstRejects: Array<{ line_no: number; reason: string; line: string }>;
      complete: boolean; note: string | null; seconds: number; invalidUtf8: number; detection: FormatScore | null;
      damaged: Damaged | null }
  | { kind: 'unchanged'; label: string; sourceId: number; format: string }
  | { kind: 'empty'; label: string }
  | { kind: 'no-match'; label: string; ranking: FormatScore[]; firstUnmatched: string | null; forced: string | null };

/** The input's compressed data was corrupt: what is marked, and what to tell the user. */
export interface Damaged {
  /** which bytes are bad, what was (not) read, what is marked: one sentence for the user */
  message: string;
  /** first line (of the source) decoded from the damaged data */
  fromLine: number;
  /** lines and requests of the source from `fromLine` on, as now stored */
  lines: number;
  requests: number;
}

/** Where a gzip member starts, in the decompressed input and in the store. */
interface MemberStart {
  offset: number;
  /** its first line, and the id its first request row has (or would have) */
  fromLine: number;
  fromId: number;
}

function damageMessage(d: Damage): string {
  const where = d.kind === 'gzip'
    ? `the gzip member that starts at byte ${d.from} is corrupt${d.foundBy !== null ? ` (found by byte ${d.foundBy})` : ''}`
    : `the ${d.kind} data is corrupt${d.foundBy !== null ? ` (found by byte ${d.foundBy})` : ''}`;
  return `${where}: ${d.reason}; nothing after it was read`;
}

async function* skipBytes(chunks: AsyncIterable<Buffer>, n: number): AsyncGenerator<Buffer> {
  let left = n;
  for await (const c of chunks) {
    if (c.length === 0) { if (left === 0) yield c; continue; } // (a gzip member starts: source.ts)
    if (left >= c.length) { left -= c.length; continue; }
    yield left > 0 ? c.subarray(left) : c;
    left = 0;
  }
}

function findPrevious(writer: StoreWriter, input: OpenedInput, host: string | null): SourceRow | undefined {
  return writer.findSources(host).find((s) => s.identity !== null && matchesIdentity(input.head, s.identity));
}

export async function ingestInput(label: string, writer: StoreWriter, settings: IngestSettings): Promise<IngestOutcome> {
  const started = Date.now();
  const input = await openInput(label, { headTimeoutMs: settings.liveFlushMs ?? null }); // throws InputError: unreadable
  try {
    return await ingestOpened(label, input, writer, settings, started);
  } finally {
    input.close(); // (an input given up on early: no format matched, interrupted)
  }
}

async function ingestOpened(label: string, input: OpenedInput, writer: StoreWriter, settings: IngestSettings, started: number): Promise<IngestOutcome> {
  // Damage found before there is anything to read, or in a start too garbled to detect a format
  // in, is the answer: not "empty", not "no format matches".
  const unreadable = () => {
    const d = input.damage();
    if (d) return new InputError(`cannot read ${label}: ${damageMessage(d)}`);
    // (a compressed file cut off before its first block decodes to nothing at all)
    const f = input.fault();
    return f && input.head.length === 0 ? new InputError(`cannot read ${label}: ${f}`) : null;
  };
  if (input.head.length === 0) { const e = unreadable(); if (e) throw e; return { kind: 'empty', label }; }

  let previous = findPrevious(writer, input, settings.host);
  if (previous && settings.force) {
    writer.deleteSource(previous.id);
    settings.rollups?.invalidate('a source was re-ingested (--force)');
    previous = undefined;
  }

  let format: FormatDefinition | undefined;
  let parserOptions = settings.parserOptions;
  let detection: FormatScore | null = null;
  const wholeInput = input.head.length < 256 * 1024 && settings.liveFlushMs === undefined;
  const sample = sampleLines(input.head, wholeInput);

  if (previous) {
    // Same content as before: continue with the format it was read with.
    format = findFormat(previous.format);
    parserOptions = { ...parserOptions, logFormat: previous.format_spec ?? parserOptions.logFormat };
    if (settings.format && settings.format !== previous.format) {
      throw Object.assign(new Error(`${label} was ingested before as ${previous.format}; pass --force to re-ingest it as ${settings.format}`), { exitCode: 1 });
    }
  } else if (settings.format) {
    format = findFormat(settings.format);
    if (!format) throw Object.assign(new Error(`unknown format "${settings.format}" (see: overload formats)`), { exitCode: 1 });
    const score = scoreFormat(format, sample, parserOptions);
    if (score.parsed === 0 && score.total > 0) {
      const e = unreadable(); if (e) throw e;
      return { kind: 'no-match', label, ranking: detectFormat(FORMATS, sample, parserOptions).ranking, firstUnmatched: score.unmatched, forced: format.name };
    }
    detection = score;
  } else {
    const d = detectFormat(FORMATS, sample, parserOptions);
    if (!d.best) { const e = unreadable(); if (e) throw e; }
    if (!d.best) return { kind: 'no-match', label, ranking: d.ranking, firstUnmatched: d.firstUnmatched, forced: null };
    format = d.best.format;
    detection = d.best;
  }
  if (!format) throw new Error(`format ${previous?.format} of an earlier ingest is unknown to this version`);
  // a snapshot file without a date line inside is placed by the stamp in its name
  // (status-json-full-20261122T095144.json), before --at: one --at given for a series of
  // stamped files must not fold them into one time
  if (format.produces === 'samples' && !input.isStdin) {
    const named = stampOfFileName(label, parserOptions.tz);
    if (!Number.isNaN(named)) parserOptions = { ...parserOptions, at: named };
  }

  const sourceId = previous?.id ?? writer.createSource({
    path: input.isStdin ? '(stdin)' : label, format: format.name, host: settings.host, tz: parserOptions.tz,
    identity: identityOf(input.head), formatSpec: parserOptions.logFormat ?? settings.formatSpec,
  });
  const resumeFrom = previous?.bytes ?? 0;
  const rejectReasons: Record<string, number> = {};
  const variants: Record<string, number> = {};
  const firstRejects: Array<{ line_no: number; reason: string; line: string }> = [];
  let lines = 0, parsed = 0, rejected = 0, invalidUtf8 = 0;
  let unterminated = false;
  const held: { line: { lineNo: number; text: string } | null } = { line: null };
  let bytes = resumeFrom;
  const rollups = settings.rollups ?? null;
  rollups?.beginSource(sourceId, settings.host);
  // Where the gzip members from the one being read on start (the parse notes them in its
  // batches): if one turns out damaged, its rows are marked from there. (The first entry: where
  // this run starts, the first member's start unless it resumes.)
  let nextId = writer.lastRequestId() + 1;
  const starts: MemberStart[] = [{ offset: resumeFrom, fromLine: (previous?.lines ?? 0) + 1, fromId: nextId }];
  let loading = false;
  /** buffers of batches written and not handed to the rollup worker: back to the parse worker */
  let written: ArrayBuffer[] = [];
  const account = (b: Batch) => {
    if (!loading && b.lines > 0) {
      loading = true;
      settings.onLoadStart?.();
    }
    const firstId = writer.writeBatch(sourceId, settings.host, b);
    if (b.requests.count > 0) { nextId = firstId + b.requests.count; }
    const batchFirstId = b.requests.count > 0 ? firstId : nextId;
    for (const m of b.memberStarts) starts.push({ offset: m.offset, fromLine: m.lineNo, fromId: batchFirstId + m.requestsBefore });
    // (damage can only be in the member being read or a later one)
    const reading = input.memberDecodedStart();
    while (starts.length > 1 && starts[1].offset <= reading) starts.shift();
    // Only once the batch is committed: the rollup worker reads the strings of earlier batches
    // through a connection of its own, which sees nothing uncommitted.
    // (the batch's buffers go back to the parse worker: through the rollup worker, or from here)
    if (!rollups?.feed(sourceId, b.requests, firstId)) written.push(b.requests.nums.buffer as ArrayBuffer, b.requests.text.buffer as ArrayBuffer);
    settings.onCommit?.();
    lines += b.lines; parsed += b.parsed; rejected += b.rejected; invalidUtf8 += b.invalidUtf8;
    unterminated ||= b.unterminated;
    held.line = b.heldBack ?? held.line;
    bytes = b.endOffset;
    for (const [v, n] of Object.entries(b.variants ?? {})) variants[v] = (variants[v] ?? 0) + n;
    for (const r of b.rejects) {
      rejectReasons[r.reason] = (rejectReasons[r.reason] ?? 0) + 1;
      if (firstRejects.length < 5) firstRejects.push(r);
    }
  };

  let stopped = false;
  const chunks = resumeFrom > 0 ? skipBytes(input.chunks, resumeFrom) : input.chunks;
  const batches = parseInWorker(chunks, {
    format: format.name, parserOptions, batchSize: settings.batchSize, maxLine: settings.maxLine,
    routeRules: settings.routeRules.map((r) => ({ source: r.pattern.source, flags: r.pattern.flags, template: r.template })),
    startOffset: resumeFrom, startLine: previous?.lines ?? 0, liveFlushMs: settings.liveFlushMs ?? null,
    firstStringId: writer.reserveStringIds(), reuseStringsFrom: writer.reusableStringsFile(),
  }, () => {
    const out = rollups ? [...written, ...rollups.spare()] : written;
    written = [];
    return out;
  });
  let idleSince = performance.now();
  for await (const batch of batches) {
    const t0 = performance.now();
    threadTimes.waitMs += t0 - idleSince;
    account(batch);
    stallIfAsked('batch');
    const t1 = performance.now();
    threadTimes.writeMs += t1 - t0;
    // (the rollup pass runs beside the writer; a few batches behind at most)
    if (rollups) await rollups.keepUp();
    idleSince = performance.now();
    threadTimes.rollupWaitMs += idleSince - t1;
    settings.onProgress?.({ label, bytes, lines, diskBytes: input.diskBytesRead(), sizeOnDisk: input.sizeOnDisk });
    if (settings.stopRequested()) { stopped = true; break; }
  }

  rollups?.endSource(sourceId);
  const fault = input.fault();
  const damage = input.damage();
  let damaged: Damaged | null = null;
  const notes: string[] = [];
  if (damage) {
    // No start noted at the damage: when it is past where this run began, no line ended in the
    // damaged member (a header that is not gzip: nothing decoded from it); when it is before,
    // an earlier run read the start of that member, and all the source's rows are marked.
    const lastLine = (previous?.lines ?? 0) + lines;
    const start = starts.find((m) => m.offset === damage.decodedFrom)
      ?? (damage.decodedFrom >= resumeFrom ? { fromLine: lastLine + 1, fromId: nextId } : { fromLine: 1, fromId: 0 });
    if (start.fromLine <= lastLine) writer.markSuspect(sourceId, start.fromLine, start.fromId);
    const counts = start.fromLine <= lastLine ? writer.suspectCounts(sourceId) : { lines: 0, requests: 0 };
    damaged = {
      fromLine: start.fromLine, ...counts,
      message: counts.lines === 0 ? `${damageMessage(damage)}. No line was decoded from the damaged data`
        : `${damageMessage(damage)}. ${counts.lines} lines from line ${start.fromLine} on (${counts.requests} requests) were decoded from the damaged data and may be fabricated: marked suspect (sources.suspect_from_line, suspect_from_id)`,
    };
  }
  if (fault) notes.push(fault + '; kept what was read before it');
  if (stopped) notes.push('interrupted; run the same command again to resume');
  if (unterminated) notes.push('last line had no newline (kept)');
  // (a line held back at damage is the damage's, not one being written)
  if (held.line && !damage) notes.push(`line ${held.line.lineNo} has no newline and does not parse (still being written?): not stored yet, the next run reads it: ${held.line.text.slice(0, 120)}`);
  if (invalidUtf8) notes.push(`${invalidUtf8} lines were not valid UTF-8 (read as Latin-1)`);
  const note = notes.length ? notes.join('; ') : null;
  const complete = !stopped && !fault && !damage;
  // (the damage leads the stored note; the ingest prints it as an error of its own)
  writer.finishSource(sourceId, complete, [damaged?.message, note].filter((n) => n).join('; ') || null);

  if (previous && lines === 0 && !damaged) return { kind: 'unchanged', label, sourceId, format: format.name };
  return {
    kind: 'ingested', label, sourceId, format: format.name, resumedFrom: resumeFrom, lines, parsed, rejected,
    rejectReasons, variants, firstRejects, complete, note, seconds: (Date.now() - started) / 1000, invalidUtf8, detection, damaged,
  };
}
