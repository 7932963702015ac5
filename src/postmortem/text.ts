// Small formatting helpers for the postmortem document. Every string that came from a log goes
// through stripControls() (the document is pasted into other tools, where escapes are noise).
import { mdInert, stripControls } from '../util/sanitize.js';

const BARS = '▁▂▃▄▅▆▇█';

/** A Unicode sparkline of at most `width` characters (buckets merged by their maximum). */
export function sparkline(values: number[], width = 80): string {
  if (values.length === 0) return '';
  const step = Math.ceil(values.length / width);
  const merged: number[] = [];
  for (let i = 0; i < values.length; i += step) merged.push(Math.max(...values.slice(i, i + step)));
  const max = Math.max(...merged);
  if (max <= 0) return BARS[0].repeat(merged.length);
  return merged.map((v) => BARS[Math.min(7, Math.round((v / max) * 7))]).join('');
}

/** Inline code for a log-derived string: controls removed, backticks neutralised, length capped. */
export function code(value: unknown, max = 160): string {
  let s = stripControls(value).replace(/`/g, "'").replace(/\s+/g, ' ').trim();
  if (s.length > max) s = s.slice(0, max - 1) + '…';
  return '`' + (s || ' ') + '`';
}

/** Plain text from a log for running prose: controls removed, inert as Markdown (no link, no image). */
export function text(value: unknown, max = 200): string {
  let s = stripControls(value).replace(/\s+/g, ' ').trim();
  if (s.length > max) s = s.slice(0, max - 1) + '…';
  return mdInert(s);
}

/** A fenced block of sample lines, safe against lines that would close the fence. */
export function fence(lines: string[]): string {
  const body = lines.map((l) => stripControls(l).replace(/```/g, "'''")).join('\n');
  return '```text\n' + body + '\n```\n';
}

export function num(v: unknown, digits = 0): string {
  const n = Number(v);
  if (v === null || v === undefined || !Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function pct(v: unknown): string {
  const n = Number(v);
  return v === null || v === undefined || !Number.isFinite(n) ? '–' : `${(n * 100).toFixed(n < 0.1 ? 1 : 0)} %`;
}

export function ms(v: unknown): string {
  const n = Number(v);
  if (v === null || v === undefined || !Number.isFinite(n)) return '–';
  return n >= 1000 ? `${(n / 1000).toFixed(n >= 10_000 ? 0 : 1)} s` : `${Math.round(n)} ms`;
}

export function bytes(v: unknown): string {
  const n = Number(v);
  if (!Number.isFinite(n)) return '–';
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(0)} KB`;
  return `${n} B`;
}

/** `09:52:31` (UTC) from epoch ms or an ISO string. */
export function clock(v: unknown): string {
  const d = new Date(typeof v === 'string' ? v : Number(v));
  return Number.isNaN(d.getTime()) ? '–' : d.toISOString().slice(11, 19);
}

export function day(v: unknown): string {
  const d = new Date(typeof v === 'string' ? v : Number(v));
  return Number.isNaN(d.getTime()) ? '–' : d.toISOString().slice(0, 10);
}

export function duration(msValue: number): string {
  const s = Math.round(msValue / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min ${s % 60 ? `${s % 60} s` : ''}`.trim();
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
