// What the ingest hands the store: one batch of parsed lines, ready to write in one transaction
// (src/store/writer.ts). Defined here, beside its consumer, so the store imports nothing above it;
// src/ingest/batches.ts builds them.
import type { RejectReason, EventRecord, SlowTraceRecord, SampleRecord } from '../../parsers/types.js';
import type { EncodedRequests } from './row-layout.js';

export interface RejectRow {
  line_no: number;
  reason: RejectReason;
  line: string;
}

export interface Batch {
  /** the batch's requests, encoded for the writer (numbers in one transferable array) */
  requests: EncodedRequests;
  events: Array<EventRecord & { route: string | null; line_no: number }>;
  traces: Array<SlowTraceRecord & { route: string | null; line_no: number }>;
  /** figures of snapshots (kernel counters, ss, status pages ...): one record per subject and kind */
  samples: Array<SampleRecord & { line_no: number }>;
  rejects: RejectRow[];
  /** counters for the lines this batch accounts for */
  lines: number;
  parsed: number;
  rejected: number;
  /** lines read as a variant of the format's family, by variant (null: none) */
  variants: Record<string, number> | null;
  /** resume point after this batch */
  endOffset: number;
  lastLineNo: number;
  firstTs: number | null;
  lastTs: number | null;
  /** lines that were not valid UTF-8 (decoded as Latin-1) */
  invalidUtf8: number;
  /** last line of the input had no newline */
  unterminated: boolean;
  /**
   * A last line without newline that does not parse is most likely still being written: it is
   * neither stored nor rejected, and the resume offset stays before it so the next run reads it
   * whole. Reported so a file that really ends that way is not a silent loss.
   */
  heldBack: { lineNo: number; text: string } | null;
  /**
   * Where gzip members started within this batch (source.ts marks them in the bytes): the
   * decompressed offset, the first line that ends in the member, and how many of the batch's
   * requests came before it. Rows of a member whose trailer fails are marked from there.
   */
  memberStarts: Array<{ offset: number; lineNo: number; requestsBefore: number }>;
}
