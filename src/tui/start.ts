// The entry of `overload tui` (src/cli/tui.ts) and `overload demo` (src/cli/demo.ts).
//
// React and its reconciler ship a development build (several times larger, with checks on every
// render) that they load unless NODE_ENV is 'production'. For a terminal program that is wasted
// time: ~150 ms more to load before the first paint and slower frames. So NODE_ENV is set before
// anything imports React, unless the user set it.
import type { TuiOptions } from './index.js';

export type { TuiOptions };

export async function startTui(opts: TuiOptions): Promise<number> {
  process.env.NODE_ENV ??= 'production';
  const { startTui: start } = await import('./index.js');
  return start(opts);
}
