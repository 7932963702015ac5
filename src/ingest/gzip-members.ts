// gzip, member by member, each checked against its trailer (CRC32 and length, RFC 1952).
//
// Not zlib's Gunzip: it checks the trailer too, but says only "incorrect data check" after it
// has given out the whole damaged member, with no word of where that member started, in the file
// or in what was decoded. Damaged deflate data often decodes without any error into plausible
// garbage (64 zero bytes in the middle of a log's .gz decoded to thousands of broken lines and
// a few that parse as requests), so what was given out of a member is only known good once its
// trailer matches. Here the reader knows where each member starts, on both sides, so the ingest
// can mark exactly what came out of the damaged one.
import { createInflateRaw, crc32, type InflateRaw } from 'node:zlib';

/** What is known about damage to a compressed input (gzip here, also the external decompressors). */
export interface Damage {
  /** the compression, for the message */
  kind: string;
  /** compressed byte offset from which the data is bad (the damaged member's start for gzip) */
  from: number;
  /** compressed byte offset by which the damage was found (null: unknown) */
  foundBy: number | null;
  /** decompressed offset from which what was given out may be fabricated */
  decodedFrom: number;
  /** what the decoder said */
  reason: string;
}

export interface GzipState {
  /** the input is corrupt: nothing after `damage.foundBy` was read */
  damage: Damage | null;
  /** the input ended inside the member that starts at this byte (the usual half-copied file) */
  truncatedAt: number | null;
  /** decompressed offset where the member being read started */
  memberDecodedStart: number;
}

const CHUNK = 256 * 1024;

/** Compressed bytes read from the source and not yet consumed, with their offset in the file. */
class ByteQueue {
  private bufs: Buffer[] = [];
  /** bytes queued */
  length = 0;
  /** file offset of the first queued byte */
  offset = 0;
  eof = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** Read until `n` bytes are queued; false when the input ends first. */
  async need(n: number): Promise<boolean> {
    while (this.length < n && !this.eof) {
      const r = await this.source.next();
      if (r.done) { this.eof = true; break; }
      if (r.value.length) { this.bufs.push(r.value); this.length += r.value.length; }
    }
    return this.length >= n;
  }

  /** Byte `i` of the queue (i < length). */
  at(i: number): number {
    for (const b of this.bufs) {
      if (i < b.length) return b[i];
      i -= b.length;
    }
    throw new RangeError('past the queued bytes');
  }

  skip(n: number): void {
    this.offset += n;
    this.length -= n;
    while (n > 0) {
      const b = this.bufs[0];
      if (n >= b.length) { this.bufs.shift(); n -= b.length; } else { this.bufs[0] = b.subarray(n); n = 0; }
    }
  }

  /** Everything queued, then the source's next chunks (null at the end). */
  async next(): Promise<Buffer | null> {
    if (this.length > 0) {
      const all = this.bufs.length === 1 ? this.bufs[0] : Buffer.concat(this.bufs);
      this.bufs = [];
      this.offset += this.length;
      this.length = 0;
      return all;
    }
    if (this.eof) return null;
    const r = await this.source.next();
    if (r.done) { this.eof = true; return null; }
    this.offset += r.value.length;
    return r.value;
  }

  /** Put back the unconsumed end of a chunk taken with next(). */
  unshift(b: Buffer): void {
    if (!b.length) return;
    this.bufs.unshift(b);
    this.length += b.length;
    this.offset -= b.length;
  }
}

/** Length of the member header at the queue's start; 'eof' when the input ends inside it, null when it is not gzip. */
async function headerLength(q: ByteQueue): Promise<number | 'eof' | null> {
  if (!(await q.need(10))) return q.length >= 2 && (q.at(0) !== 0x1f || q.at(1) !== 0x8b) ? null : 'eof';
  if (q.at(0) !== 0x1f || q.at(1) !== 0x8b || q.at(2) !== 8) return null;
  const flags = q.at(3);
  if (flags & 0xe0) return null; // reserved bits
  let n = 10;
  if (flags & 4) { // FEXTRA
    if (!(await q.need(n + 2))) return 'eof';
    n += 2 + (q.at(n) | (q.at(n + 1) << 8));
  }
  for (const flag of [8, 16]) { // FNAME, FCOMMENT: zero-terminated
    if (!(flags & flag)) continue;
    while (true) {
      if (!(await q.need(n + 1))) return 'eof';
      if (q.at(n++) === 0) break;
    }
  }
  if (flags & 2) n += 2; // FHCRC
  return (await q.need(n)) ? n : 'eof';
}

/** Write one chunk and wait until the inflater has taken what it wants of it. */
function feed(inflate: InflateRaw, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    inflate.once('error', onError);
    inflate.write(chunk, (e) => {
      inflate.off('error', onError);
      if (e) reject(e); else resolve();
    });
  });
}

/**
 * The decompressed bytes of a gzip input. Stops at the first damage (recorded in `state`, not
 * thrown: what came before it is good); I/O errors of the source are thrown. An empty Buffer
 * marks where each member after the first starts: the parse notes the line and row there.
 */
export async function* gunzipMembers(source: AsyncIterable<Buffer>, state: GzipState): AsyncGenerator<Buffer> {
  const q = new ByteQueue(source[Symbol.asyncIterator]());
  let decoded = 0;
  let members = 0;
  const corrupt = (from: number, foundBy: number | null, reason: string) => {
    state.damage = { kind: 'gzip', from, foundBy, decodedFrom: state.memberDecodedStart, reason };
  };
  while (true) {
    if (members > 0) {
      // gzip(1) ignores zeros after the last member (padding by tape or block devices)
      let zeros = true;
      while (zeros && (await q.need(1))) {
        const chunk = (await q.next())!;
        const nz = chunk.findIndex((b) => b !== 0);
        if (nz >= 0) { q.unshift(chunk.subarray(nz)); zeros = false; }
      }
      if (zeros) return; // the end, after a whole member
    }
    const memberAt = q.offset;
    state.memberDecodedStart = decoded;
    const header = await headerLength(q);
    if (header === 'eof') { state.truncatedAt = memberAt; return; }
    if (header === null) {
      corrupt(memberAt, memberAt, members === 0 ? 'its gzip header is not valid' : `the bytes at ${memberAt} are not a gzip member`);
      return;
    }
    q.skip(header);
    const dataAt = q.offset;
    if (members++ > 0) yield Buffer.alloc(0);

    const inflate = createInflateRaw({ chunkSize: CHUNK });
    let inputEnded = false;
    let failing = 0; // length of the chunk being fed, for where an error was found
    // Feeds the member's deflate data; resolves once the inflater stopped taking it (the rest
    // of the last chunk is the trailer and whatever follows) or the input ended.
    const feeding = (async () => {
      while (true) {
        const chunk = await q.next();
        if (chunk === null) { inputEnded = true; inflate.end(); return; }
        const before = inflate.bytesWritten;
        failing = chunk.length;
        await feed(inflate, chunk);
        const used = inflate.bytesWritten - before;
        if (used < chunk.length) { q.unshift(chunk.subarray(used)); return; }
      }
    })();
    // an I/O error of the source ends the read below with that error
    feeding.catch((e: Error) => inflate.destroy(e));

    let crc = 0;
    let size = 0;
    try {
      for await (const out of inflate as AsyncIterable<Buffer>) {
        crc = crc32(out, crc);
        size += out.length;
        decoded += out.length;
        yield out;
      }
      await feeding;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (inputEnded && err.code === 'Z_BUF_ERROR') { state.truncatedAt = memberAt; return; }
      if (!err.code?.startsWith('Z_')) throw e; // (an I/O error of the source, not the data)
      corrupt(memberAt, dataAt + inflate.bytesWritten + failing, err.message);
      return;
    } finally {
      inflate.destroy();
    }
    if (inputEnded) {
      // (deflate data that ended exactly at the end of the file: no trailer at all)
      state.truncatedAt = memberAt;
      return;
    }
    const trailerAt = q.offset;
    if (!(await q.need(8))) { state.truncatedAt = memberAt; return; }
    const word = (i: number) => (q.at(i) | (q.at(i + 1) << 8) | (q.at(i + 2) << 16) | (q.at(i + 3) << 24)) >>> 0;
    const wantCrc = word(0);
    const wantSize = word(4);
    if (wantCrc !== crc >>> 0) { corrupt(memberAt, trailerAt, 'the CRC32 in its trailer does not match what it decoded to'); return; }
    if (wantSize !== size % 0x100000000) { corrupt(memberAt, trailerAt, 'the length in its trailer does not match what it decoded to'); return; }
    q.skip(8);
  }
}
