// Where bytes come from: a file or stdin, plain, gzip, or bzip2/xz/zstd through the system's
// decompressor (sniffed by magic bytes, never by name).
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { gunzipMembers, type Damage, type GzipState } from './gzip-members.js';
import {
  sniffExternal, decompressWith, missingToolMessage, MissingTool, MAGIC_BYTES, type ExternalCompression, type ExternalState,
} from './external-decompress.js';

export type { Damage } from './gzip-members.js';

export type Compression = 'gzip' | ExternalCompression;

export interface OpenedInput {
  /** what the user named: a path, or `-` for stdin */
  label: string;
  isStdin: boolean;
  compression: Compression | null;
  /** size on disk (compressed size for .gz), null for stdin */
  sizeOnDisk: number | null;
  /**
   * the decompressed bytes, from the start. An empty chunk marks where a gzip member starts
   * (after the first): the parse notes the line and row there, so a damaged member's are known.
   */
  chunks: AsyncIterable<Buffer>;
  /** the first bytes of the decompressed content (for identity and format detection) */
  head: Buffer;
  /** set when the stream ended early (truncated gzip, I/O error); what was read is good */
  fault(): string | null;
  /** set when the compressed data is corrupt: what was decoded from `decodedFrom` on may be fabricated */
  damage(): Damage | null;
  /** decompressed offset where the gzip member being read started (0 for other inputs) */
  memberDecodedStart(): number;
  /** bytes read from disk so far (for progress) */
  diskBytesRead(): number;
  /** let go of the file and of a decompressor still running (an input not read to its end) */
  close(): void;
}

export class InputError extends Error {}

const HEAD_BYTES = 256 * 1024;
/**
 * Bytes per read from a file or out of gunzip. 256 KB reads as fast as 1 MB, and a chunk is
 * alive (in flight to the parse worker, then until a collection frees it) in two threads at once:
 * 1 MB chunks cost ~12 MB of peak RSS.
 */
const READ_CHUNK = 256 * 1024;
/** identity covers this many leading bytes: enough to tell log files apart, small to hash */
export const IDENTITY_BYTES = 1024;

export function identityOf(head: Buffer, length = Math.min(head.length, IDENTITY_BYTES)): string {
  return `${length}:` + createHash('sha256').update(head.subarray(0, length)).digest('hex').slice(0, 32);
}

/** Does `head` start with the content an identity string describes? */
export function matchesIdentity(head: Buffer, identity: string): boolean {
  const colon = identity.indexOf(':');
  const length = Number(identity.slice(0, colon));
  return head.length >= length && identityOf(head, length) === identity;
}

/**
 * Read ahead until `head` has HEAD_BYTES (or the input ends), then hand out an iterator that
 * replays those chunks first: detection looks at the start without consuming it.
 */
async function withHead(stream: AsyncIterable<Buffer>, faultRef: { error: string | null }, headTimeoutMs: number | null): Promise<{ head: Buffer; chunks: AsyncIterable<Buffer> }> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const buffered: Buffer[] = [];
  let size = 0;
  let done = false;
  // A live pipe (tail -F) may never fill the head: after the timeout, detect on what arrived.
  // The read still in flight is kept and replayed first, so no byte is lost.
  let inFlight: Promise<IteratorResult<Buffer>> | null = null;
  const deadline = headTimeoutMs === null ? Infinity : Date.now() + headTimeoutMs;
  try {
    while (size < HEAD_BYTES) {
      inFlight = iterator.next();
      let r: IteratorResult<Buffer> | 'timeout';
      if (deadline === Infinity) {
        r = await inFlight;
      } else {
        const left = deadline - Date.now();
        if (left <= 0 && size > 0) break;
        let timer: NodeJS.Timeout | undefined;
        r = await Promise.race([inFlight, new Promise<'timeout'>((res) => { timer = setTimeout(() => res('timeout'), Math.max(left, 0)); })]);
        clearTimeout(timer);
        if (r === 'timeout') {
          if (size > 0) break;
          r = await inFlight; // nothing yet: wait for the first bytes however long they take
        }
      }
      inFlight = null;
      if (r.done) { done = true; break; }
      buffered.push(r.value);
      size += r.value.length;
    }
  } catch (e) {
    faultRef.error = (e as Error).message;
    done = true;
    inFlight = null;
  }
  const head = Buffer.concat(buffered);
  async function* replay(): AsyncGenerator<Buffer> {
    for (const b of buffered) yield b;
    if (done) return;
    try {
      if (inFlight) {
        const r = await inFlight;
        if (r.done) return;
        yield r.value;
      }
      while (true) {
        const r = await iterator.next();
        if (r.done) return;
        yield r.value;
      }
    } catch (e) {
      faultRef.error = (e as Error).message;
    }
  }
  return { head, chunks: replay() };
}

/** The first byte of every magic number we look for: a text log never waits for more bytes. */
const MAGIC_LEADS = new Set([0x1f, 0x42, 0xfd, 0x28]);

/** The compression the first bytes say (never the file name), the bytes put back for reading. */
async function sniffCompression(stream: Readable): Promise<Compression | null> {
  // Peek at the first bytes without losing them.
  const parts: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    const onReadable = () => {
      let b: Buffer | null;
      while ((b = stream.read() as Buffer | null) !== null) { parts.push(b); size += b.length; }
      if (size >= MAGIC_BYTES || (size > 0 && !MAGIC_LEADS.has(parts[0][0]))) { cleanup(); resolve(); }
    };
    const onEnd = () => { cleanup(); resolve(); };
    const onError = (e: Error) => { cleanup(); reject(e); };
    const cleanup = () => {
      stream.off('readable', onReadable); stream.off('end', onEnd); stream.off('error', onError);
    };
    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
  if (size === 0) return null;
  const first = Buffer.concat(parts);
  stream.unshift(first);
  if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) return 'gzip';
  return sniffExternal(first);
}

export interface OpenOptions {
  /** live inputs: detect on what arrived after this long instead of waiting for a full head */
  headTimeoutMs?: number | null;
}

export async function openInput(label: string, options: OpenOptions = {}): Promise<OpenedInput> {
  const isStdin = label === '-';
  let raw: Readable;
  let sizeOnDisk: number | null = null;
  if (isStdin) {
    raw = process.stdin;
  } else {
    let st;
    try {
      st = await fs.stat(label);
    } catch (e) {
      throw new InputError(`cannot read ${label}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    if (st.isDirectory()) throw new InputError(`cannot read ${label}: it is a directory`);
    sizeOnDisk = st.size;
    try {
      const handle = await fs.open(label, 'r');
      // The stream owns the handle from here and closes it at the end.
      raw = handle.createReadStream({ highWaterMark: READ_CHUNK });
    } catch (e) {
      throw new InputError(`cannot read ${label}: ${(e as Error).message}`);
    }
  }
  const faultRef = { error: null as string | null };
  let compression: Compression | null;
  try {
    compression = await sniffCompression(raw);
  } catch (e) {
    throw new InputError(`cannot read ${label}: ${(e as Error).message}`);
  }
  let stream: AsyncIterable<Buffer> = raw;
  let stopTool = () => {};
  const gz: GzipState = { damage: null, truncatedAt: null, memberDecodedStart: 0 };
  const ext: ExternalState = { damage: null, truncated: null, ioError: null };
  if (compression === 'gzip') stream = gunzipMembers(raw, gz);
  else if (compression) {
    try {
      ({ output: stream, stop: stopTool } = await decompressWith(compression, raw, ext));
    } catch (e) {
      if (e instanceof MissingTool) throw new InputError(missingToolMessage(compression, label));
      throw new InputError(`cannot read ${label}: ${compression} -dc: ${(e as Error).message}`);
    }
  }
  const { head, chunks } = await withHead(stream, faultRef, options.headTimeoutMs ?? null);
  return {
    label, isStdin, compression, sizeOnDisk, chunks, head,
    fault: () => {
      const error = faultRef.error ?? ext.ioError;
      if (error) return compression ? `${compression} stream ended early (${error})` : error;
      if (gz.truncatedAt !== null) return `gzip stream ended early: the file ends inside the gzip member that starts at byte ${gz.truncatedAt}`;
      if (ext.truncated !== null) return `${compression} stream ended early (${ext.truncated})`;
      return null;
    },
    damage: () => gz.damage ?? ext.damage,
    memberDecodedStart: () => gz.memberDecodedStart,
    // fs.ReadStream counts what it read; stdin has no size to compare with anyway.
    diskBytesRead: () => (raw as Readable & { bytesRead?: number }).bytesRead ?? 0,
    close: () => { stopTool(); if (!isStdin) raw.destroy(); },
  };
}
