// Streamed output: text chunks from a renderer go to stdout in 64 KiB writes, waiting for the
// stream to drain when it asks to, so memory stays flat however many rows a query returns.
// A reader that goes away (`| head`) ends the output quietly instead of failing the command.

const CHUNK_CHARS = 1 << 16;
const guarded = new WeakSet<NodeJS.WritableStream>();

/** Until the stream drained, failed or closed (whichever first). */
function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.removeListener('drain', done);
      out.removeListener('error', done);
      out.removeListener('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('error', done);
    out.on('close', done);
  });
}

/** Write every chunk of `text` to `out`; resolves false when the reader closed the pipe early. */
export async function writeOut(text: Iterable<string>, out: NodeJS.WritableStream = process.stdout): Promise<boolean> {
  let failed: NodeJS.ErrnoException | null = null;
  const onError = (e: NodeJS.ErrnoException) => { failed ??= e; };
  out.on('error', onError);
  if (!guarded.has(out)) {
    // an EPIPE that arrives after the last write must not crash the process either
    guarded.add(out);
    out.on('error', () => {});
  }
  try {
    let buf: string[] = [];
    let size = 0;
    const flush = async () => {
      const chunk = buf.join('');
      buf = [];
      size = 0;
      if (!out.write(chunk)) await drained(out);
      // a pipe written synchronously never says "wait": let its EPIPE event in between chunks
      else await new Promise(setImmediate);
    };
    for (const piece of text) {
      if (failed) break;
      buf.push(piece);
      size += piece.length;
      if (size >= CHUNK_CHARS) await flush();
    }
    if (size && !failed) await flush();
  } finally {
    out.removeListener('error', onError);
  }
  const err = failed as NodeJS.ErrnoException | null;
  if (err && err.code !== 'EPIPE') throw err;
  return !err;
}
