// bzip2, xz and zstd (what logrotate's compresscmd may be set to), read through the system's own
// decompressor as a child process: its output streams into the same line splitter as gzip's.
// Node has no decoder for them, and the tools are everywhere logrotate is.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Damage } from './gzip-members.js';

export type ExternalCompression = 'bzip2' | 'xz' | 'zstd';

interface Tool {
  /** the command, run as `cmd -dc` */
  cmd: string;
  /** the Debian package that has it */
  pkg: string;
  /** magic bytes at the start of the file */
  magic(b: Buffer): boolean;
}

export const TOOLS: Record<ExternalCompression, Tool> = {
  // "BZh" and a block size digit, then a block's or the end-of-stream's 48-bit magic (pi or sqrt(pi))
  bzip2: {
    cmd: 'bzip2', pkg: 'bzip2',
    magic: (b) => b.length >= 10 && b.toString('latin1', 0, 3) === 'BZh' && b[3] >= 0x31 && b[3] <= 0x39 &&
      ['314159265359', '177245385090'].includes(b.toString('hex', 4, 10)),
  },
  xz: { cmd: 'xz', pkg: 'xz-utils', magic: (b) => b.length >= 6 && b.toString('hex', 0, 6) === 'fd377a585a00' },
  zstd: { cmd: 'zstd', pkg: 'zstd', magic: (b) => b.length >= 4 && b.toString('hex', 0, 4) === '28b52ffd' },
};

/** Bytes the magic checks need. */
export const MAGIC_BYTES = 10;

export function sniffExternal(head: Buffer): ExternalCompression | null {
  for (const kind of Object.keys(TOOLS) as ExternalCompression[]) if (TOOLS[kind].magic(head)) return kind;
  return null;
}

export class MissingTool extends Error {}

/** `bzip2`, or `'my log.bz2'`: a path as it can be pasted into a shell. */
function shellWord(s: string): string {
  return /^[\w./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** What to tell a user whose system lacks the tool. */
export function missingToolMessage(kind: ExternalCompression, label: string): string {
  const t = TOOLS[kind];
  return label === '-'
    ? `stdin is ${kind}-compressed; install ${t.pkg}, or decompress before the pipe: \`${t.cmd} -dc FILE | overload ingest\``
    : `${label} is ${kind}-compressed; install ${t.pkg} or run \`${t.cmd} -dc ${shellWord(label)} | overload ingest\``;
}

export interface ExternalState {
  damage: Damage | null;
  /** the decompressor said its input ended early (a half-copied file): what it gave out is kept */
  truncated: string | null;
  /** reading the input failed */
  ioError: string | null;
}

/** The decompressor's first line of complaint, for the message. */
function firstLine(stderr: string, kind: ExternalCompression): string {
  const line = stderr.split('\n').map((l) => l.trim()).find((l) => l) ?? '';
  return (line.replace(/[.;:]+$/, '') || `${TOOLS[kind].cmd} failed`).slice(0, 200);
}

/**
 * Start `tool -dc` on `raw`. Throws MissingTool when the tool is not installed. The output ends
 * when the tool exits; a non-zero exit is recorded in `state` (damage, or a truncated input), not
 * thrown, since what came before it is read.
 */
export async function decompressWith(kind: ExternalCompression, raw: Readable, state: ExternalState):
  Promise<{ output: AsyncIterable<Buffer>; stop(): void }> {
  const tool = TOOLS[kind];
  const args = kind === 'zstd' ? ['-dc', '-q'] : ['-dc'];
  const child = spawn(tool.cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  try {
    await new Promise<void>((resolve, reject) => { child.once('spawn', resolve); child.once('error', reject); });
  } catch (e) {
    raw.destroy();
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new MissingTool(tool.cmd);
    throw e;
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => { if (stderr.length < 4096) stderr += s; });
  // Compressed bytes handed to the tool: it cannot have found damage past them.
  let fed = 0;
  raw.on('data', (b: Buffer) => { fed += b.length; });
  raw.on('error', (e) => { state.ioError = e.message; child.stdin.end(); });
  // (the tool exits at damage without reading the rest: writing to it then fails with EPIPE)
  child.stdin.on('error', () => { raw.unpipe(child.stdin); raw.destroy(); });
  raw.pipe(child.stdin);

  let stopped = false;
  // An input not read to its end (no format matched, an interrupted ingest): a tool left
  // blocked on its full output pipe would keep the process from exiting.
  const stop = () => {
    if (stopped || child.exitCode !== null || child.signalCode !== null) return;
    stopped = true;
    raw.destroy();
    child.kill();
  };
  async function* output(): AsyncGenerator<Buffer> {
    let done = false;
    try {
      for await (const b of child.stdout as AsyncIterable<Buffer>) yield b;
      done = true;
    } finally {
      if (!done) stop();
    }
    const { code, signal } = await exited;
    if (code === 0 || state.ioError || stopped) return;
    const reason = signal ? `${tool.cmd} was killed by ${signal}` : firstLine(stderr, kind);
    if (/ends unexpectedly|unexpected end|premature end/i.test(reason)) { state.truncated = reason; return; }
    // The tools give out a block's bytes before its check fails, and do not say which block it
    // was: everything decoded is suspect.
    state.damage = { kind, from: 0, foundBy: fed, decodedFrom: 0, reason };
  }
  return { output: output(), stop };
}
