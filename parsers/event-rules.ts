// Error-log classification as data: every error-log format keeps an ordered table of wording ->
// kind rows (lnav's "event rules"), first match wins. A row's named capture groups fill the
// event's fields, so adding a wording is adding a row, not code:
//   (?<value>) (?<limit>) (?<backend>) (?<request>) (?<pid>) (?<client>)
// Other named groups are free for a format's own use (e.g. a signal name).
import type { EventKind, EventRecord } from './types.js';

export type Severity = 'emerg' | 'alert' | 'crit' | 'error' | 'warn' | 'notice' | 'info' | 'debug';

export interface EventRule {
  re: RegExp;
  kind: EventKind;
  /** only for logs that print no level of their own (lighttpd) */
  severity?: Severity;
  /** the message embeds PHP's own error text: let the PHP rules refine kind and value */
  php?: boolean;
  /** which server generation writes this wording, for the reader of the table */
  since?: string;
}

export interface RuleHit {
  rule: EventRule;
  groups: Record<string, string | undefined>;
}

const NO_GROUPS: Record<string, string | undefined> = {};

export function matchRule(rules: readonly EventRule[], text: string): RuleHit | null {
  for (const rule of rules) {
    const m = rule.re.exec(text);
    if (m) return { rule, groups: m.groups ?? NO_GROUPS };
  }
  return null;
}

export function newEvent(ts: number, component: string, message: string): EventRecord {
  return {
    ts, component, kind: 'other', severity: null, backend: null, pid: null, client: null,
    request: null, value: null, limit_value: null, message,
  };
}

function num(s: string | undefined): number | null {
  if (s === undefined || s === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** Copy a hit's kind and the conventional named groups onto the event (only the ones present). */
export function applyHit(ev: EventRecord, hit: RuleHit): void {
  const g = hit.groups;
  ev.kind = hit.rule.kind;
  if (g.value !== undefined) ev.value = num(g.value);
  if (g.limit !== undefined) ev.limit_value = num(g.limit);
  if (g.backend) ev.backend = g.backend;
  if (g.request) ev.request = g.request;
  if (g.pid !== undefined) ev.pid = num(g.pid);
  if (g.client) ev.client = g.client;
}

const LEVELS: Record<string, Severity> = {
  emerg: 'emerg', emergency: 'emerg', panic: 'emerg',
  alert: 'alert',
  crit: 'crit', critical: 'crit', fatal: 'crit',
  error: 'error', err: 'error', syserror: 'error',
  warn: 'warn', warning: 'warn',
  notice: 'notice', note: 'notice',
  info: 'info', informational: 'info',
  debug: 'debug',
};

/** Any server's level word -> the shared scale; Apache's trace1..trace8 count as debug. */
export function normalizeSeverity(level: string | null | undefined): Severity | null {
  if (!level) return null;
  const l = level.toLowerCase();
  return LEVELS[l] ?? (l.startsWith('trace') ? 'debug' : null);
}

/** `GET /x?y HTTP/1.1` -> `GET /x?y`: events name the request, the protocol adds nothing. */
export function stripProtocol(request: string): string {
  const sp = request.lastIndexOf(' ');
  return sp > 0 && request.startsWith('HTTP/', sp + 1) ? request.slice(0, sp) : request;
}
