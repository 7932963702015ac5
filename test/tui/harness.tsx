// Test harness: the App over a real database, its queries run in-process (the worker thread
// is the same engine; the tmux test covers it through the built program), keys typed as bytes.
import { render } from 'ink-testing-library';
import { App } from '../../src/tui/app.js';
import { QueryClient } from '../../src/tui/data/client.js';
import { InProcessExecutor } from '../../src/tui/data/executors.js';
import { exportPostmortem } from '../../src/tui/export.js';
import type { PanelId } from '../../src/tui/data/types.js';

export const KEY = {
  right: '\x1b[C', left: '\x1b[D', up: '\x1b[A', down: '\x1b[B', shiftRight: '\x1b[1;2C', shiftLeft: '\x1b[1;2D',
  enter: '\r', esc: '\x1b', tab: '\t', backspace: '\x7f', pageDown: '\x1b[6~',
};

export interface Screen {
  frame(): string;
  /** type keys one at a time, each one's frames drawn and its queries answered before the next */
  press(...keys: string[]): Promise<void>;
  /** wait until the frame satisfies `test` (a substring or a predicate) */
  until(test: string | RegExp | ((f: string) => boolean), timeoutMs?: number): Promise<string>;
  client: QueryClient;
  unmount(): void;
}

export async function open(db: string, opts: { columns?: number; rows?: number; panel?: PanelId; exportDir?: string; queries?: string } = {}): Promise<Screen> {
  const client = new QueryClient(new InProcessExecutor(db, 'UTC', opts.queries));
  const size = { columns: opts.columns ?? 100, rows: opts.rows ?? 32 };
  const r = render(<App client={client} tz="UTC" host={null} size={size} color={false} initialPanel={opts.panel}
    onExport={(w) => exportPostmortem(client, w, { dbPath: db, tz: 'UTC', dir: opts.exportDir })} />);
  const frame = () => r.lastFrame() ?? '';
  // one turn of the event loop: the in-process executor runs a query per setImmediate, and React
  // schedules its renders the same way, so turns (not milliseconds) are what a key's work takes
  const turn = () => new Promise<void>((res) => setImmediate(res));
  const lanes = (client as unknown as { lanes?: Record<string, { queue: Array<{ prefetch: boolean }>; running: { prefetch: boolean } | null }> }).lanes;
  if (!lanes) throw new Error("QueryClient keeps no 'lanes': the harness reads them to know when a key's queries are answered");
  /** nothing the user asked for is queued or running (prefetches may be: they draw nothing) */
  const idle = () => Object.values(lanes).every((l) => !(l.running && !l.running.prefetch) && !l.queue.some((j) => !j.prefetch));
  /** wait until the screen has settled: no query the screen waits on, and no new frame for a few turns */
  const settle = async (timeoutMs = 5000) => {
    const t0 = Date.now();
    let frames = r.frames.length;
    for (let quiet = 0; quiet < 3;) {
      await turn();
      if (r.frames.length !== frames || !idle()) { frames = r.frames.length; quiet = 0; } else quiet++;
      if (Date.now() - t0 > timeoutMs) throw new Error(`the screen never settled; last frame:\n${frame()}`);
    }
  };
  const until = async (test: string | RegExp | ((f: string) => boolean), timeoutMs = 5000) => {
    const ok = typeof test === 'function' ? test : (f: string) => (typeof test === 'string' ? f.includes(test) : test.test(f));
    const t0 = Date.now();
    // a new frame or the end of a query is what can change the answer: check after each turn
    // (a 200 ms prefetch timer in the App is what a turn cannot hurry)
    while (!ok(frame())) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`screen never matched ${String(test)}; last frame:\n${frame()}`);
      await (idle() ? new Promise((res) => setTimeout(res, 5)) : turn());
    }
    return frame();
  };
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      r.stdin.write(k);
      // the key's state change rendered, and the queries it started answered and drawn
      await settle();
    }
  };
  // the first frame with the timeline and the panel drawn
  await until((f) => f.includes('┤') && !f.includes('loading'), 10_000);
  return { frame, press, until, client, unmount: () => { r.unmount(); void client.close(); } };
}
