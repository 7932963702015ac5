// The entry of `overload tui` (src/cli/tui.ts) and `overload demo` (src/cli/demo.ts).
//
// React and its reconciler ship a development build (several times larger, with checks on every
// render) that they load unless NODE_ENV is 'production'. For a terminal program that is wasted
// time: ~150 ms more to load before the first paint and slower frames. So NODE_ENV is set before
// anything imports React, unless the user set it.
//
// The query worker that answers the first paint (its own V8 isolate, the report modules, opening
// the database: 100-250 ms) starts here, before this thread loads the UI's modules (React among
// them, ~60 ms), so the two overlap: when nothing can stop the UI before it needs the worker (a
// terminal, no live input to ingest first, the database there). index.ts closes it otherwise.
import { existsSync } from 'node:fs';
import type { TuiOptions } from './index.js';
import { WorkerExecutor } from './data/worker-executor.js';
import { stdinIsData } from './terminal.js';
import { machineZone } from '../util/time.js';

export type { TuiOptions };

export async function startTui(opts: TuiOptions): Promise<number> {
  process.env.NODE_ENV ??= 'production';
  const live = (opts.follow?.length ?? 0) > 0 || (opts.liveStdin ?? stdinIsData());
  const early = process.stdout.isTTY && !live && existsSync(opts.dbPath)
    ? new WorkerExecutor(opts.dbPath, opts.tz ?? machineZone(), opts.queries) : undefined;
  const { startTui: start } = await import('./index.js');
  return start(opts, early);
}
