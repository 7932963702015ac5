// Worker thread: the streamed rollups' pass (rollup-stream-pass.ts). Batches come in after the
// writer committed them; the rows of every second and minute the pass finishes go back to the
// writer's thread, which owns the database. Strings a batch did not bring are read through a
// read-only connection of its own (they were committed with an earlier batch).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { StreamPass, type StreamPassResult } from './rollup-stream-pass.js';
import { RowEncoder, rowBuffers, type EncodedRows } from './rollup-rows.js';
import type { Tier } from './tiers.js';
import { threadCpuMs } from '../util/thread-stats.js';

export interface RollupWorkerInit {
  dbPath: string;
  oldHi: Array<[string, number]>;
  clientsKept: number;
}

export type ToRollupWorker =
  | { type: 'begin'; sourceId: number; host: string; tier: Tier; whole: boolean | null }
  | { type: 'end'; sourceId: number }
  | { type: 'feed'; sourceId: number; firstId: number; count: number; nums: Float64Array; text: Uint8Array; strings: Array<number | string> }
  | { type: 'finish' }
  /** rows the writer has inserted: their buffers, for the encoder to fill again */
  | { type: 'recycle'; rows: EncodedRows };

export type FromRollupWorker =
  /** `spare`: the buffers of the batches fed that the pass is done with, for the parse worker to fill again */
  | { type: 'fed'; rows: EncodedRows | null; spare: ArrayBuffer[] }
  | { type: 'finished'; rows: EncodedRows | null; result: StreamPassResult; cpuMs: number }
  | { type: 'error'; message: string };

if (parentPort) {
  const port = parentPort;
  const init = workerData as RollupWorkerInit;
  let reader: Database.Database | null = null;
  let byId: Database.Statement | null = null;
  const lookup = (id: number): string | undefined => {
    if (!byId) {
      reader = new Database(init.dbPath, { readonly: true, fileMustExist: true });
      byId = reader.prepare('SELECT text FROM strings WHERE id = ?').pluck();
    }
    return byId.get(id) as string | undefined;
  };
  // (rows are encoded as they come: a batch's rows would otherwise stay alive as arrays until it
  // is done, long enough for the young generation to copy them)
  const encoder = new RowEncoder();
  const pass = new StreamPass({ oldHi: new Map(init.oldHi), clientsKept: init.clientsKept, lookup, out: encoder });
  const send = (m: FromRollupWorker) => port.postMessage(m, [...(m.type !== 'error' && m.rows ? rowBuffers(m.rows) : []), ...(m.type === 'fed' ? m.spare : [])]);
  /** buffers of the batches fed since the pass last held none */
  const fed: ArrayBuffer[] = [];
  port.on('message', (m: ToRollupWorker) => {
    try {
      switch (m.type) {
        case 'begin': pass.beginSource(m.sourceId, m.host, m.tier, m.whole); break;
        case 'end': pass.endSource(m.sourceId); break;
        case 'feed':
          pass.learn(m.strings);
          pass.feed(m.sourceId, { count: m.count, nums: m.nums, text: m.text, strings: [] }, m.firstId);
          fed.push(m.nums.buffer as ArrayBuffer, m.text.buffer as ArrayBuffer);
          send({ type: 'fed', rows: encoder.take(), spare: pass.holding ? [] : fed.splice(0) });
          break;
        case 'recycle': encoder.giveBack(m.rows); break;
        case 'finish': {
          const result = pass.finish();
          send({ type: 'finished', rows: encoder.take(), result, cpuMs: threadCpuMs() });
          reader?.close();
          break;
        }
      }
    } catch (e) {
      port.postMessage({ type: 'error', message: (e as Error).stack ?? (e as Error).message } satisfies FromRollupWorker);
    }
  });
}
