// The diagnosis runner: choose the window (given, else the worst spike, else the whole data),
// read the facts once, run every rule family, order the findings. Rules decide what they find;
// this module decides nothing but the window and the order.
import type { DB } from '../store/db.js';
import { dataRange, ensureRollups, runReport, type ReportModules } from '../report/runner.js';
import { ParamError } from '../report/params.js';
import { parseTimeArg } from '../util/time.js';
import { readFacts } from './read.js';
import type { Diagnosis, DiagnoseOptions, Facts, Finding, Window } from './types.js';
import { workerRules } from './rules/workers.js';
import { backlogRules } from './rules/backlog.js';
import { timeoutRules } from './rules/timeouts.js';
import { bufferRules } from './rules/buffers.js';
import { kernelRules } from './rules/kernel.js';
import { demandRules } from './rules/demand.js';

export const RULE_FAMILIES: Array<(f: Facts) => Finding[]> = [workerRules, backlogRules, timeoutRules, bufferRules, kernelRules, demandRules];

export interface DiagnoseInput extends DiagnoseOptions {
  /** as a user types it, or epoch ms (the incident report passes its window's numbers) */
  from?: string | number;
  to?: string | number;
  host?: string;
  tz: string;
  /** the report modules (src/correlate/modules.ts), for the spikes report when no window is given */
  modules?: ReportModules;
}

function parseTime(flag: string, value: string | number, tz: string, dayOf: number): number {
  const t = typeof value === 'number' ? value : parseTimeArg(value, tz, dayOf);
  if (Number.isNaN(t)) throw new ParamError(`--${flag} ${value}: not a time (ISO 8601, a stamp as the logs write it, or epoch seconds)`);
  return t;
}

/** Configs and snapshots without logs have no time: the whole time line is their window (JavaScript's dates reach ±8.64e15 ms). */
export const ALL_TIME: Pick<Window, 'from' | 'to'> = { from: -8.64e15, to: 8.64e15 };

export function chooseWindow(db: DB, input: DiagnoseInput): Window {
  const host = input.host ?? null;
  ensureRollups(db);
  const range = dataRange(db, host);
  const hasData = range.to > range.from;
  if (input.from !== undefined || input.to !== undefined) {
    const from = input.from !== undefined ? parseTime('from', input.from, input.tz, range.from) : hasData ? range.from : ALL_TIME.from;
    const to = input.to !== undefined ? parseTime('to', input.to, input.tz, range.from) : hasData ? range.to : ALL_TIME.to;
    if (to <= from) throw new ParamError('--to must be after --from');
    return { from, to, host, basis: 'given', spike: null };
  }
  if (hasData) {
    const spikes = runReport(db, 'spikes', { host: host ?? undefined }, { tz: input.tz, modules: input.modules }).rows;
    if (spikes.length) {
      // the worst spike, through its aftermath: that is where the "down" and "killed" lines land
      const worst = spikes.reduce((a, b) => (Number(b.severity) > Number(a.severity) ? b : a));
      const to = Number(worst.aftermath_end_ts ?? worst.end_ts);
      return { from: Number(worst.start_ts), to: Math.max(to, Number(worst.end_ts)), host, basis: 'spike', spike: Number(worst.window) };
    }
    return { from: range.from, to: range.to, host, basis: 'data', spike: null };
  }
  return { ...ALL_TIME, host, basis: 'data', spike: null };
}

const SEVERITY = { critical: 0, warning: 1, info: 2 } as const;
const FAMILY = { workers: 0, backlog: 1, timeouts: 2, buffers: 3, kernel: 4, demand: 5 } as const;

export function runRules(facts: Facts): Finding[] {
  const findings = RULE_FAMILIES.flatMap((rule) => rule(facts));
  return findings.sort((a, b) => SEVERITY[a.severity] - SEVERITY[b.severity] || FAMILY[a.family] - FAMILY[b.family] || (a.first ?? 0) - (b.first ?? 0));
}

export function diagnose(db: DB, input: DiagnoseInput): Diagnosis & { facts: Facts } {
  const window = chooseWindow(db, input);
  const facts = readFacts(db, window, { ramMb: input.ramMb, workerMb: input.workerMb }, input.tz);
  const notes = facts.absent.map((a) => `not in this database: ${a}`);
  if (!facts.configured.size && facts.absent.length === 0) notes.push('no server config or sysctl was ingested for this host: limits are inferred from the log messages where they state them');
  if (input.host === undefined) {
    const hosts = (db.prepare('SELECT DISTINCT host FROM sources WHERE host IS NOT NULL').all() as { host: string }[]).map((r) => r.host);
    // configs and logs of different machines would be read as one: say so rather than mix them silently
    if (hosts.length > 1) notes.push(`this database holds ${hosts.length} hosts (${hosts.slice(0, 5).join(', ')}${hosts.length > 5 ? ', ...' : ''}): their configs and logs were read together; give --host to diagnose one`);
  }
  if (!facts.demand.length) notes.push('no access log in the window: the demand side (requests in flight, Little\'s law) is unknown');
  return { window, findings: runRules(facts), notes, facts };
}

export type { Diagnosis, Finding, Facts, Window } from './types.js';
