// Messages between the ingest main thread and its parse worker.
import type { ParserOptions } from '../../parsers/types.js';
import type { Batch } from '../store/batch.js';

export interface WorkerInit {
  format: string;
  parserOptions: ParserOptions;
  /** route rules as RegExp sources (RegExp objects do not cross threads) */
  routeRules: Array<{ source: string; flags: string; template: string }>;
  batchSize: number;
  maxLine: number;
  startOffset: number;
  startLine: number;
  liveFlushMs: number | null;
  /** first id of the block of string ids the writer reserved for this input */
  firstStringId: number;
  /** the database whose committed strings the dictionary reuses (db.ts reusableStringsFile), or null */
  reuseStringsFrom: string | null;
}

export type ToWorker =
  | { type: 'chunk'; buf: Uint8Array }
  /** a gzip member starts with the next chunk (see source.ts `chunks`, Batch.memberStarts) */
  | { type: 'boundary' }
  | { type: 'end' }
  /** `spare`: buffers of batches written (nums, text, nums, text, ...), for the encoder to fill again */
  | { type: 'ack'; spare?: ArrayBuffer[] };

export type FromWorker =
  /** `cpuMs`: the worker's own CPU time, sent with the final batch (see thread-stats.ts) */
  | { type: 'batch'; batch: Batch; final: boolean; cpuMs?: number }
  /** the worker took a chunk off its queue: the reader may send more */
  | { type: 'consumed'; bytes: number }
  | { type: 'error'; message: string };
