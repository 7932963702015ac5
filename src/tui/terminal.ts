// The terminal around the UI: where keys come from (the terminal device when stdin is a pipe
// being ingested, as `goaccess -` does), and the alternate screen, restored however we exit.
import { openSync, fstatSync } from 'node:fs';
import tty from 'node:tty';

/** stdin carries data (a pipe, a redirected file, a socket) rather than a keyboard or nothing. */
export function stdinIsData(): boolean {
  if (process.stdin.isTTY) return false;
  try {
    const st = fstatSync(0);
    return st.isFIFO() || st.isFile() || st.isSocket();
  } catch {
    return false;
  }
}

/** A readable for the keyboard: stdin when it is the terminal, else /dev/tty. Null if there is none. */
export function keyboard(): { stream: NodeJS.ReadStream; owned: boolean } | null {
  if (process.stdin.isTTY) return { stream: process.stdin, owned: false };
  try {
    const fd = openSync('/dev/tty', 'r');
    return { stream: new tty.ReadStream(fd) as unknown as NodeJS.ReadStream, owned: true };
  } catch {
    return null;
  }
}

const ENTER = '\x1b[?1049h\x1b[H\x1b[2J\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';

/** Switch to the alternate screen (the shell's screen comes back on exit) and hide the cursor. */
export function enterScreen(out: NodeJS.WriteStream): () => void {
  out.write(ENTER);
  let done = false;
  const leave = () => {
    if (done) return;
    done = true;
    out.write(LEAVE);
  };
  process.once('exit', leave);
  return leave;
}
