// How numbers and times look on screen: short, unit-bearing, in the zone the user asked for.
import { zoneOffsetMs } from '../util/time.js';
import { normalized, type ColumnDef } from '../report/columns.js';
import type { Cell, Column, ColumnKind } from './data/types.js';

const p2 = (n: number) => String(n).padStart(2, '0');

/** Wall-clock parts of `ms` in `tz`. */
function wall(ms: number, tz: string): Date {
  return new Date(ms + zoneOffsetMs(tz, ms));
}

/** `09:52:42`, or `11-22 09:52` when the span is longer than a day (seconds stop mattering). */
export function clock(ms: number, tz: string, spanMs = 0): string {
  const d = wall(ms, tz);
  const hm = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}`;
  return spanMs > 2 * 86_400_000 ? `${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${hm}` : `${hm}:${p2(d.getUTCSeconds())}`;
}

/** `2026-11-22 09:52:42` */
export function dateTime(ms: number, tz: string): string {
  const d = wall(ms, tz);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

/** `1h05m`, `2m30s`, `45s` */
export function span(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s >= 86_400) return `${Math.floor(s / 86_400)}d${p2(Math.floor((s % 86_400) / 3600))}h`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h${p2(Math.floor((s % 3600) / 60))}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${p2(s % 60)}s`;
  return `${s}s`;
}

export function bucketName(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

/** 1,234,567 (toLocaleString is ~50x slower, and this runs for every cell of every frame) */
export function int(n: number): string {
  const r = Math.round(n);
  const s = String(Math.abs(r)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return r < 0 ? '-' + s : s;
}

/** compact count: 950, 12.3k, 4.1M */
export function count(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(n >= 1e5 ? 0 : 1)}k`;
  return int(n);
}

export function ms(v: number): string {
  if (v >= 60_000) return `${(v / 60_000).toFixed(1)}m`;
  if (v >= 10_000) return `${(v / 1000).toFixed(1)}s`;
  if (v >= 1000) return `${(v / 1000).toFixed(2)}s`;
  if (v >= 10) return `${Math.round(v)}ms`;
  return `${v.toFixed(1)}ms`;
}

export function bytes(v: number): string {
  if (v >= 1 << 30) return `${(v / (1 << 30)).toFixed(1)}G`;
  if (v >= 1 << 20) return `${(v / (1 << 20)).toFixed(1)}M`;
  if (v >= 10_240) return `${Math.round(v / 1024)}K`;
  if (v >= 1024) return `${(v / 1024).toFixed(1)}K`;
  return `${Math.round(v)}B`;
}

export function rate(perSecond: number): string {
  return perSecond >= 100 ? int(perSecond) : perSecond.toFixed(1);
}

/** A rate with the unit that keeps it readable: req/s from 1/s, req/min from 1/min, else req/h. */
export function rateUnit(perSecond: number): string {
  if (perSecond >= 1 || perSecond <= 0) return `${rate(perSecond)} req/s`;
  if (perSecond * 60 >= 1) return `${rate(perSecond * 60)} req/min`;
  return `${rate(perSecond * 3600)} req/h`;
}

/** One table cell as text (not yet terminal-safe: the Cell view sanitises every string it draws). */
export function cell(v: Cell, kind: ColumnKind, tz: string, unit?: string): string {
  if (v === null || v === undefined || v === '') return kind === 'text' ? '' : '-';
  if (typeof v === 'string') return v;
  switch (kind) {
    case 'rate': return `${rate(v)}${unit ?? '/s'}`;
    case 'int': return count(v);
    case 'ms': return ms(v);
    case 'bytes': return bytes(v);
    case 'pct': return `${(v * 100).toFixed(v >= 0.1 ? 0 : 1)}%`;
    case 'time': return clock(v, tz);
    case 'num': return Number.isInteger(v) || Math.abs(v) >= 100 ? int(v) : v.toFixed(Math.abs(v) >= 10 ? 1 : 2);
    default: return String(v);
  }
}

/** The TUI's look for each kind a report's `-- columns:` header can declare, and its width. */
const LOOK: Record<ColumnDef['kind'], { kind: ColumnKind; width?: number }> = {
  time: { kind: 'time', width: 9 }, duration: { kind: 'ms', width: 7 }, count: { kind: 'int', width: 7 },
  bytes: { kind: 'bytes', width: 7 }, rate: { kind: 'rate', width: 10 }, ratio: { kind: 'pct', width: 6 },
  percent: { kind: 'pct', width: 6 }, number: { kind: 'num', width: 8 }, text: { kind: 'text' }, id: { kind: 'text' },
  json: { kind: 'text' },
};

/** A table column for a report column declared in its header: drawn by kind, headed by its name (or a shorter title). */
export function columnOf(c: ColumnDef, title = c.name): Column {
  const look = LOOK[c.kind];
  // room for the title and the sort marker after it (▼)
  const width = look.width === undefined ? undefined : Math.max(look.width, Math.min(title.length + 1, 13));
  return { key: c.name, title, kind: look.kind, width, unit: c.kind === 'rate' ? c.unit?.replace(/^[a-z]*/, '') : undefined };
}

/**
 * A report value as its table column draws it: brought to the kind's scale (normalized: epoch
 * ms, ms, a fraction); nested values as their JSON; anything not of its kind as text, so a
 * column holding words in some rows (incident's before/during) shows them rather than '-'.
 */
export function cellValue(v: unknown, c: ColumnDef): Cell {
  if (v === null || v === undefined) return null;
  if (c.kind === 'json' || (typeof v === 'object' && !(v instanceof Uint8Array))) return typeof v === 'string' ? v : JSON.stringify(v);
  if (c.kind === 'text' || c.kind === 'id') return typeof v === 'bigint' ? v.toString() : String(v);
  const n = normalized(v, c);
  if (n !== null) return n;
  return typeof v === 'string' ? v : String(v);
}
