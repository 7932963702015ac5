// Lines -> parsed record batches. Pure transformation (no I/O, no database): the ingest command
// runs it in-process, and it can equally run in a worker thread.
import type { LineParser, ParseOutcome, EventRecord, SlowTraceRecord } from '../../parsers/types.js';
import type { Line, LineList } from './line-splitter.js';
import { splitUrl } from '../util/route.js';
import { RequestEncoder, type StringDictionary } from './request-encoding.js';
import type { Batch } from '../store/batch.js';

export const REJECT_KEEP_CHARS = 4096;

export type Router = (path: string | null) => string | null;

/** A batch with nothing in it: the one place that lists every field (tests build theirs from it). */
export function emptyBatch(): Batch {
  return {
    requests: { count: 0, nums: new Float64Array(0), text: new Uint8Array(0), strings: [] }, events: [], traces: [], samples: [], rejects: [], lines: 0, parsed: 0, rejected: 0, variants: null,
    endOffset: 0, lastLineNo: 0, firstTs: null, lastTs: null, invalidUtf8: 0, unterminated: false, heldBack: null,
    memberStarts: [],
  };
}

/** `GET /x?y HTTP/1.1` or `/x?y` -> route of the path part */
export function routeOfRequest(request: string | null, router: Router): string | null {
  if (!request) return null;
  const parts = request.split(' ');
  const target = parts.length >= 2 ? parts[1] : parts[0];
  if (!target || (target[0] !== '/' && !target.startsWith('http'))) return null;
  let path = splitUrl(target).path;
  if (path.startsWith('http')) {
    const slash = path.indexOf('/', path.indexOf('//') + 2);
    path = slash >= 0 ? path.slice(slash) : '/';
  }
  return router(path);
}

export interface BatchOptions {
  batchSize: number;
  router: Router;
  /** ids for the repetitive request columns (one per ingest, shared by its batches) */
  dictionary: StringDictionary;
  /** resume point: an empty final batch must not move the stored offset back to 0 */
  startOffset?: number;
  startLine?: number;
}

/** Feeds lines to the parser and yields batches of about `batchSize` lines. */
export class BatchBuilder {
  private batch = emptyBatch();
  private encoder: RequestEncoder;
  /** requests in the batch so far */
  private requests = 0;
  private recordTs(ts: number): void {
    const b = this.batch;
    if (b.firstTs === null || ts < b.firstTs) b.firstTs = ts;
    if (b.lastTs === null || ts > b.lastTs) b.lastTs = ts;
  }

  constructor(private parser: LineParser, private opts: BatchOptions) {
    this.encoder = new RequestEncoder(opts.dictionary, Math.max(16, opts.batchSize + 48));
    this.batch.endOffset = opts.startOffset ?? 0;
    this.batch.lastLineNo = opts.startLine ?? 0;
  }

  private take(outcome: ParseOutcome, line: Line | null, lineNo: number): void {
    const b = this.batch;
    switch (outcome.type) {
      case 'request': {
        const r = outcome.record;
        this.encoder.add(r, this.opts.router(r.path ?? null));
        this.requests++;
        b.parsed++;
        if (outcome.variant !== undefined) {
          const v = (b.variants ??= {});
          v[outcome.variant] = (v[outcome.variant] ?? 0) + 1;
        }
        this.recordTs(r.ts);
        break;
      }
      case 'event': {
        const e = outcome.record as EventRecord & { route: string | null; line_no: number };
        e.route = routeOfRequest(e.request, this.opts.router);
        e.line_no = lineNo;
        b.events.push(e);
        b.parsed++;
        this.recordTs(e.ts);
        break;
      }
      case 'trace': {
        const t = outcome.record as SlowTraceRecord & { route: string | null; line_no: number };
        t.route = null;
        t.line_no ??= lineNo;
        b.traces.push(t);
        b.parsed++;
        this.recordTs(t.ts);
        break;
      }
      case 'samples': {
        // (a snapshot summed over its lines is emitted after its last line: it names its own line)
        for (const r of outcome.records) {
          b.samples.push({ ...r, line_no: r.line_no ?? lineNo });
          this.recordTs(r.ts);
        }
        b.parsed++; // (sums flushed at the end of input: finish() takes the count back)
        break;
      }
      case 'continued':
      // a blank separator is read and understood as nothing: it counts as parsed, so that every
      // line is accounted for (lines = parsed + rejected), where it used to be in neither
      case 'skip':
        b.parsed++;
        break;
      case 'reject':
        b.rejected++;
        b.rejects.push({ line_no: lineNo, reason: outcome.reason, line: (line?.text ?? '').slice(0, REJECT_KEEP_CHARS) });
        break;
    }
  }

  /**
   * Parsers must not throw; one that does on some line (a bug) costs that line, kept as a reject
   * with the error, not the whole ingest.
   */
  private parse(text: string, lineNo: number): ParseOutcome {
    try {
      return this.parser.parse(text, lineNo);
    } catch (e) {
      return { type: 'reject', reason: 'parser-error', detail: (e as Error).message };
    }
  }

  /** Returns a finished batch when one is due (never while a multi-line entry is open). */
  push(lines: LineList): Batch | null {
    const b = this.batch;
    for (let i = 0, n = lines.length; i < n; i++) {
      const line = lines.at(i)!;
      if (line.unterminated && !line.tooLong) {
        const outcome = this.parse(line.text, line.lineNo);
        if (outcome.type === 'reject') {
          b.heldBack = { lineNo: line.lineNo, text: line.text.slice(0, REJECT_KEEP_CHARS) };
          continue;
        }
        b.lines++;
        b.unterminated = true;
        this.take(outcome, line, line.lineNo);
        b.endOffset = line.endOffset;
        b.lastLineNo = line.lineNo;
        continue;
      }
      b.lines++;
      if (line.invalidUtf8) b.invalidUtf8++;
      if (line.unterminated) b.unterminated = true;
      if (line.tooLong) {
        this.take({ type: 'reject', reason: 'line-too-long' }, line, line.lineNo);
      } else {
        // A completed multi-line record is emitted on the line after it: its line_no is the
        // parser's business (traces carry their own), the outcome belongs to this line.
        this.take(this.parse(line.text, line.lineNo), line, line.lineNo);
      }
      b.endOffset = line.endOffset;
      b.lastLineNo = line.lineNo;
    }
    const open = this.parser.openSince?.() ?? null;
    if (b.lines >= this.opts.batchSize && open === null) return this.cut();
    // A multi-line format that never closes an entry (no blank separators) must not hold
    // memory forever: cut anyway. A resume from here may see the rest of that one entry as
    // orphan lines, which are rejected and counted, not lost silently.
    if (b.lines >= this.opts.batchSize * 8) return this.cut();
    return null;
  }

  /**
   * A gzip member starts at decompressed `offset`: the next line pushed is its first (or the
   * first to end in it). (A multi-line entry open across it keeps the line_no of its start.)
   */
  memberStart(offset: number): void {
    this.batch.memberStarts.push({ offset, lineNo: this.batch.lastLineNo + 1, requestsBefore: this.requests });
  }

  /** Live inputs: cut what has accumulated, if anything, when no multi-line entry is open. */
  cutIfAny(): Batch | null {
    if (this.batch.lines === 0 || (this.parser.openSince?.() ?? null) !== null) return null;
    return this.cut();
  }

  /** End of input: flush the parser's open entry and return the last batch. */
  finish(): Batch {
    // The entry flushed here is made of lines already counted (as 'continued'): it adds its row,
    // not a line, or a slowlog ending without a blank line reads one line more than it has.
    const { parsed, rejected } = this.batch;
    for (const outcome of this.parser.finish?.() ?? []) this.take(outcome, null, this.batch.lastLineNo);
    this.batch.parsed = parsed;
    this.batch.rejected = rejected;
    return this.cut();
  }

  /** The buffers of a batch's requests once written (RequestEncoder.giveBack). */
  giveBack(nums: ArrayBuffer, text: ArrayBuffer): void {
    this.encoder.giveBack(nums, text);
  }

  private cut(): Batch {
    const b = this.batch;
    b.requests = this.encoder.take();
    this.requests = 0;
    this.batch = emptyBatch();
    this.batch.endOffset = b.endOffset;
    this.batch.lastLineNo = b.lastLineNo;
    return b;
  }
}
