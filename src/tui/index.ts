// startTui: the terminal UI over a database, optionally ingesting live input while it runs.
// `overload tui` (src/cli/tui.ts) and `overload demo` (on a terminal) both come through here.
import { existsSync } from 'node:fs';
import { QueryClient, type Executor } from './data/client.js';
import { rootWindow } from './state.js';
import type { HeaderData, TimelineData } from './data/types.js';
import { prepaint } from './prepaint.js';
import { WorkerExecutor } from './data/worker-executor.js';
import { LiveIngest } from './live/live-feed.js';
import { colorEnabled } from './views/runs.js';
import { keyboard, stdinIsData, enterScreen } from './terminal.js';
import { exportPostmortem } from './export.js';
import { assertZone, machineZone, parseTimeArg } from '../util/time.js';
import { termSafe } from '../util/sanitize.js';
import { trace } from './trace.js';

export interface TuiOptions {
  dbPath: string;
  from?: string;
  to?: string;
  host?: string;
  tz?: string;
  /** files to ingest as they grow while the UI runs */
  follow?: string[];
  /** ingest stdin while the UI runs; default: when stdin is a pipe or a file */
  liveStdin?: boolean;
  /** folders of the user's reports (':'-separated): each one a panel after the built-in ones */
  queries?: string;
}

/** Exit code when there is no terminal: a usage error (EXIT.usage), see src/cli/tui.ts. */
export const NO_TERMINAL = 1;
const UNREADABLE = 2;

function failWith(message: string, code: number): number {
  process.stderr.write(`overload: ${message}\n`);
  return code;
}

/**
 * `early`: the query worker start.ts started before this module loaded (for the database, in
 * the zone this function resolves); used as the interactive lane's, or closed when the UI stops
 * before it needs it.
 */
export async function startTui(opts: TuiOptions, early?: Executor): Promise<number> {
  trace('tui module loaded');
  const fail = (message: string, code: number) => { void early?.close(); return failWith(message, code); };
  if (!process.stdout.isTTY) {
    return fail('tui needs a terminal to draw on (stdout is not one).\n' +
      '  For text output use the reports: overload report spikes, overload report --list, overload postmortem -o incident.md', NO_TERMINAL);
  }
  const tz = opts.tz ?? machineZone();
  try { assertZone(tz); } catch { return fail(`unknown time zone "${termSafe(opts.tz)}" (use an IANA name such as Europe/Berlin or UTC)`, 1); }
  // a time of day (09:52) means that time on the day the data starts, known once the database
  // is open: check the syntax now (against any day), resolve it then
  for (const [name, v] of [['from', opts.from], ['to', opts.to]] as const) {
    if (v !== undefined && Number.isNaN(parseTimeArg(v, tz, Date.now()))) {
      return fail(`--${name} ${termSafe(v)}: expected ISO 8601, a stamp as the logs write it, a time of day (09:52) or epoch seconds`, 1);
    }
  }

  const follow = opts.follow ?? [];
  const liveStdin = follow.length === 0 && (opts.liveStdin ?? stdinIsData());
  const inputs = follow.length ? follow : liveStdin ? ['-'] : [];
  if (inputs.length === 0 && !existsSync(opts.dbPath)) {
    return fail(`no database at ${termSafe(opts.dbPath)}: ingest logs first (overload ingest FILE --db ${termSafe(opts.dbPath)}),\n` +
      '  or feed one live: tail -F access.log | overload tui', UNREADABLE);
  }
  const keys = keyboard();
  if (!keys) return fail('tui reads keys from the terminal, and there is none (/dev/tty cannot be opened)', NO_TERMINAL);

  // ink draws nothing until exit when it believes it runs in CI; we are on a terminal by now
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;

  let client: QueryClient | null = null;
  let live: LiveIngest | null = null;
  const leave = enterScreen(process.stdout);
  try {
    if (inputs.length) {
      void early?.close(); // (start.ts starts none for live input: the database may not exist yet)
      early = undefined;
      live = new LiveIngest({ dbPath: opts.dbPath, tz, host: opts.host ?? null, inputs, onCommitted: () => { void client?.invalidate(); } });
      await live.ready;
    }
    // two workers: one answers keys, the other runs the slow reports and prefetches (client.ts);
    // the first (started by start.ts, when it could) answers the first paint
    client = new QueryClient(early ?? new WorkerExecutor(opts.dbPath, tz, opts.queries), () => new WorkerExecutor(opts.dbPath, tz, opts.queries));
    const c = client;
    const host = opts.host ?? null;
    trace('workers started');
    const h0 = (await c.fetch({ type: 'header', host })) as HeaderData;
    const at = (v: string | undefined) => (v === undefined ? undefined : parseTimeArg(v, tz, h0.from ?? Date.now()));
    const from = at(opts.from);
    const to = at(opts.to);
    // the first paint: header and bars, drawn straight to the terminal (prepaint.ts). ink and
    // React load after it: loading them (~0.3-0.5 s of CPU) while the worker booted and answered
    // made that 2-4x slower on two cores shared with other work, and the first paint with it
    const root = rootWindow(h0, process.stdout.columns || 80, host, from, to);
    if (root) {
      try {
        const tl = (await c.fetch({ type: 'timeline', window: root })) as TimelineData;
        prepaint(process.stdout, h0, tl, tz, host);
        trace('prepaint');
      } catch { /* the App shows what failed */ }
      // the bars are known: the spike detector's worker can start booting
      c.warmUp();
    }
    const [{ render }, { App }, { createElement }] = await Promise.all([import('ink'), import('./app.js'), import('react')]);
    trace('ink loaded');
    // ink writes its first frame over the first paint without clearing line ends: clear the
    // screen in the same tick as that write (onRender runs just before it), so nothing blinks
    let cleared = false;
    const app = render(createElement(App, {
      client: c, tz, host, from, to, live, color: colorEnabled(),
      onExport: (w) => exportPostmortem(c, w, { dbPath: opts.dbPath, tz }),
    }), { stdin: keys.stream, stdout: process.stdout, exitOnCtrlC: true, maxFps: 30, onRender: ({ renderTime }) => {
        if (!cleared) { cleared = true; process.stdout.write('\x1b[H\x1b[J'); }
        trace('frame', `${renderTime.toFixed(1)}ms`);
      } });
    const onTerm = () => app.unmount();
    process.once('SIGTERM', onTerm);
    await app.waitUntilExit();
    process.off('SIGTERM', onTerm);
    return 0;
  } catch (e) {
    leave();
    return fail(termSafe((e as Error).message), UNREADABLE);
  } finally {
    leave();
    await live?.stop();
    await client?.close();
    if (keys.owned) keys.stream.destroy();
    if (liveStdin) process.stdin.destroy();
  }
}
