// Work that needs every source in place: joins across sources and derived tables.
import type { DB } from './db.js';

type Step = (db: DB) => void;

// Steps are registered by the modules that own them (slowlog join, rollups) so this file does
// not grow a dependency on each; see registerAfterIngest callers.
const steps: Step[] = [];

export function registerAfterIngest(step: Step): void {
  if (!steps.includes(step)) steps.push(step);
}

export function afterIngest(db: DB): void {
  for (const step of steps) step(db);
}
