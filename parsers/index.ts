// The one registry of log formats. Adding a format = one file under parsers/ plus one line here;
// the generic sample test (test/parsers/samples.test.ts) covers it through its own samples.
import type { FormatDefinition } from './types.js';

// --- access logs (requests table) ---
// (access formats are listed here)

// --- error logs, PHP-FPM, slowlogs (events / slow_traces tables) ---
// (event formats are listed here)

export const FORMATS: FormatDefinition[] = [
  // access
  // events
];

export function findFormat(name: string): FormatDefinition | undefined {
  return FORMATS.find((f) => f.name === name);
}
