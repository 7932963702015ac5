// OVERLOAD_TUI_TRACE=<file>: a line per milestone (startup steps, each query's lane and time,
// each frame's render time), to see where a slow screen spends its time. Off by default. Times
// are ms since the process started (performance.now()), so the first paint reads as the user
// sees it, node's own start and the module loading included.
import { appendFileSync } from 'node:fs';

const file = process.env.OVERLOAD_TUI_TRACE;

export function trace(event: string, detail = ''): void {
  if (!file) return;
  try { appendFileSync(file, `${performance.now().toFixed(1).padStart(9)} ${event} ${detail}\n`); } catch { /* tracing must not break the UI */ }
}

export const tracing = !!file;
