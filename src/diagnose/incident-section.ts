// The "what to change" section of `report incident`: the diagnosis of the same window, one row
// per finding (title, severity and rule, the recommendation), so the incident report ends with
// the limit that broke.
import type { DB } from '../store/db.js';
import type { Row } from '../report/runner.js';
import { isoUtc } from '../util/time.js';
import { diagnose } from './index.js';

export const WHAT_TO_CHANGE = 'what to change';

export function whatToChangeRows(db: DB, from: number, to: number, host: string | null, tz: string): Row[] {
  const d = diagnose(db, { from, to, host: host ?? undefined, tz });
  return d.findings.map((f) => ({
    section: WHAT_TO_CHANGE, item: f.title, detail: `${f.severity} (${f.rule}): ${f.recommendation}`,
    first: isoUtc(f.first), last: isoUtc(f.last),
  }));
}
