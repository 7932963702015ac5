// What every rule family needs: the setting in force for a name (the config's line, else the
// documented default), where it is written, the events of a kind, the snapshot figures of a
// metric, and the words and numbers every finding is made of.
import { isoUtc } from '../../util/time.js';
import { count } from '../../config/values.js';
import type { EventGroup, Facts, Finding, LimitRef, SampleSeries, Setting } from '../types.js';

/** Scopes match by prefix: 'pool:' finds 'pool:www', 'fastcgi:' every FastCGI host of lighttpd. */
function scopeMatches(scope: string, prefix: string | undefined): boolean {
  return prefix === undefined || scope === prefix || scope.startsWith(prefix);
}

/** The effective settings of `server` named `name` (a config line, or a default the view filled in). */
export function settingsNamed(f: Facts, server: string, name: string, scope?: string): Setting[] {
  const lower = name.toLowerCase();
  // Apache directives are case-insensitive; every other server spells its names one way
  const same = (s: Setting) => s.server === server && (server === 'apache' ? s.name.toLowerCase() === lower : s.name === name);
  return f.effective.filter((s) => same(s) && scopeMatches(s.scope, scope));
}

/** The setting in force: the config's (the last active one when several scopes state it), else the documented default. */
export function setting(f: Facts, server: string, name: string, scope?: string): Setting | null {
  const rows = settingsNamed(f, server, name, scope);
  const stated = rows.filter((s) => !s.isDefault);
  if (stated.length) return stated[stated.length - 1];
  if (rows.length) return newest(rows);
  return defaultOf(f, server, name);
}

/**
 * Of several documented defaults (somaxconn: 128 before Linux 5.4, 4096 since), the one of the
 * newest version: the condition is in the limit's doc, so the reader sees what was assumed.
 */
function newest(defaults: Setting[]): Setting {
  return defaults.find((d) => /(>=|since|and later)/.test(d.note ?? '')) ?? defaults[defaults.length - 1];
}

export function defaultOf(f: Facts, server: string, name: string): Setting | null {
  const all = f.defaults.filter((d) => d.server === server && d.name === name);
  return all.length ? newest(all) : null;
}

export function where(s: Setting): string {
  if (s.isDefault) return 'default';
  return s.file ? `${s.file}:${s.line ?? '?'}` : 'config';
}

export function limitRef(s: Setting): LimitRef {
  return {
    server: s.server, setting: s.name, value: s.value, scope: s.scope, where: where(s),
    doc: s.isDefault ? s.doc ?? s.note : null, basis: s.isDefault ? 'default' : 'config',
  };
}

/** A limit known only from a log message (no config given). */
export function inferredRef(server: string, name: string, value: number | string | null, from: string, scope = ''): LimitRef {
  return { server, setting: name, value: value === null ? null : String(value), scope, where: 'inferred', doc: from, basis: 'inferred' };
}

/** A limit that is neither in a config nor documented here, named so the reader knows what to look up. */
export function unknownRef(server: string, name: string, scope = ''): LimitRef {
  return { server, setting: name, value: null, scope, where: 'unknown', doc: null, basis: 'unknown' };
}

/** How a setting reads in a sentence: `pm.max_children = 4 (php-fpm.conf:12)`. */
export function says(s: Setting): string {
  return `${s.name} = ${s.value ?? '(not stored)'} (${s.isDefault ? `default${s.doc ? `, ${s.doc}` : ''}` : where(s)})`;
}

export function countOf(s: Setting | null): number | null {
  return s ? count(s.value) : null;
}

export function eventsOf(f: Facts, kind: string | string[], component?: string | string[]): EventGroup[] {
  const kinds = Array.isArray(kind) ? kind : [kind];
  const comps = component === undefined ? null : Array.isArray(component) ? component : [component];
  return f.events.filter((e) => kinds.includes(e.kind) && (comps === null || comps.includes(e.component)));
}

export interface EventSum {
  count: number;
  first: number | null;
  last: number | null;
  limits: number[];
  maxValue: number | null;
  backends: string[];
}

export function sum(groups: EventGroup[]): EventSum {
  const out: EventSum = { count: 0, first: null, last: null, limits: [], maxValue: null, backends: [] };
  for (const g of groups) {
    out.count += g.count;
    out.first = out.first === null ? g.first : Math.min(out.first, g.first);
    out.last = out.last === null ? g.last : Math.max(out.last, g.last);
    for (const l of g.limits) if (!out.limits.includes(l)) out.limits.push(l);
    if (g.maxValue !== null) out.maxValue = Math.max(out.maxValue ?? -Infinity, g.maxValue);
    if (g.backend !== null && !out.backends.includes(g.backend)) out.backends.push(g.backend);
  }
  out.limits.sort((a, b) => a - b);
  out.backends.sort();
  return out;
}

export const time = (ms: number | null) => (ms === null ? '-' : isoUtc(ms));

/** "818 events from 09:52:01 to 09:53:09" */
export function span(e: EventSum, what: string): string {
  if (!e.count) return `no ${what}`;
  return `${e.count} ${what}${e.count === 1 ? ` at ${time(e.first)}` : `, first ${time(e.first)}, last ${time(e.last)}`}`;
}

export function samplesOf(f: Facts, metric: RegExp, snapshot?: RegExp): SampleSeries[] {
  return f.samples.filter((s) => metric.test(s.metric) && (snapshot === undefined || snapshot.test(s.snapshot)));
}

/** A counter's increase over the samples (max - first), a gauge's peak. */
export function sampleFigure(s: SampleSeries): number {
  return s.kind === 'counter' ? s.max - s.first : s.max;
}

export const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

/** The edge tier's demand, else the backend's. */
export function edgeDemand(f: Facts) {
  return f.demand.find((d) => d.tier === 'edge') ?? f.demand[0] ?? null;
}

export function finding(base: Omit<Finding, 'evidence' | 'arithmetic' | 'missing' | 'numbers' | 'limits' | 'first' | 'last'> &
  Partial<Pick<Finding, 'evidence' | 'arithmetic' | 'missing' | 'numbers' | 'limits' | 'first' | 'last'>>): Finding {
  // rule, severity and title first: that is the order a reader of the JSON wants them in
  const { rule, family, server, severity, title, recommendation, ...rest } = base;
  return {
    rule, family, server, severity, title,
    limits: [], evidence: [], arithmetic: [], recommendation, missing: [], numbers: {}, first: null, last: null, ...rest,
  };
}

/** RAM and one worker's RSS in MB, from the options or the snapshots, each with where it came from. */
export function memory(f: Facts, process: RegExp): { ramMb: number | null; ramFrom: string; workerMb: number | null; workerFrom: string } {
  let ramMb: number | null = f.options.ramMb ?? null;
  let ramFrom = ramMb !== null ? '--ram' : '';
  if (ramMb === null) {
    const total = samplesOf(f, /^MemTotal(_kb)?$/i)[0];
    if (total) { ramMb = round(total.max / 1024, 0); ramFrom = `MemTotal of the ${total.snapshot} snapshot`; }
  }
  let workerMb: number | null = f.options.workerMb ?? null;
  let workerFrom = workerMb !== null ? '--worker-mb' : '';
  if (workerMb === null) {
    const rss = f.samples.filter((s) => /^rss(_kb)?$/i.test(s.metric) && process.test(s.subject));
    if (rss.length) {
      // the largest worker's RSS: the pool must hold its workers when each is as large as the largest seen
      workerMb = round(Math.max(...rss.map((s) => s.max)) / 1024, 1);
      workerFrom = `largest RSS of ${rss.length} ${rss[0].subject} process figure(s) in the ps snapshot`;
    }
  }
  return { ramMb, ramFrom, workerMb, workerFrom };
}
