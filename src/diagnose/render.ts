// A diagnosis as text: a terminal table of findings with each one's details under it, Markdown
// (the incident section and the postmortem reuse it), or JSON. Every string that came from a
// config or a log (setting values, file names, socket names in evidence) passes the sanitizers.
import { stripControls, termSafe } from '../util/sanitize.js';
import { isoUtc } from '../util/time.js';
import type { Diagnosis, Finding, LimitRef } from './types.js';

export function limitText(l: LimitRef): string {
  const scope = l.scope ? ` [${l.scope}]` : '';
  const value = l.value ?? (l.basis === 'unknown' ? '?' : '(not stored)');
  const at = l.where === 'default' ? `default${l.doc ? `: ${l.doc}` : ''}` : l.where === 'inferred' ? `inferred from ${l.doc ?? 'the logs'}` : l.where === 'unknown' ? 'not given' : l.where;
  return `${l.server} ${l.setting} = ${value}${scope} (${at})`;
}

export function windowText(d: Diagnosis): string {
  const w = d.window;
  if (w.from <= -8e15 && w.to >= 8e15) return 'all of the data (no time stamps: configs and snapshots only)';
  const basis = w.basis === 'spike' ? `spike ${w.spike} (the worst, through its aftermath)` : w.basis === 'given' ? '--from/--to' : 'the whole data (no spike found)';
  return `${isoUtc(w.from)} .. ${isoUtc(w.to)}, ${basis}${w.host ? `, host ${w.host}` : ''}`;
}

function details(f: Finding, clean: (s: unknown) => string, bullet: string): string[] {
  const out: string[] = [];
  for (const l of f.limits) out.push(`${bullet}limit: ${clean(limitText(l))}`);
  for (const e of f.evidence) out.push(`${bullet}evidence: ${clean(e)}`);
  for (const a of f.arithmetic) out.push(`${bullet}arithmetic: ${clean(a)}`);
  out.push(`${bullet}change: ${clean(f.recommendation)}`);
  for (const m of f.missing) out.push(`${bullet}missing: ${clean(m)}`);
  return out;
}

export function renderText(d: Diagnosis): string {
  const out = [`Diagnosis: ${termSafe(windowText(d))}`, ''];
  if (!d.findings.length) out.push('No limit was hit in this window.', '');
  d.findings.forEach((f, i) => {
    out.push(`${i + 1}. [${f.severity}] ${termSafe(f.title)}  (${f.rule})`);
    out.push(...details(f, termSafe, '   '), '');
  });
  for (const n of d.notes) out.push(`note: ${termSafe(n)}`);
  return out.join('\n').trimEnd() + '\n';
}

/** Markdown cells and lines: no control characters, and nothing that opens markup of its own. */
export function mdText(s: unknown): string {
  return stripControls(s).replace(/([\\`*_[\]<>|])/g, '\\$1');
}

export function renderMarkdown(d: Diagnosis, heading = '##'): string {
  const out = [`${heading} What to change`, '', `_Window: ${mdText(windowText(d))}_`, ''];
  if (!d.findings.length) out.push('No limit was hit in this window.', '');
  for (const f of d.findings) {
    out.push(`${heading}# ${mdText(f.title)}`, '', `**${f.severity}** · \`${f.rule}\``, '');
    out.push(...details(f, mdText, '- '), '');
  }
  for (const n of d.notes) out.push(`_${mdText(n)}_`, '');
  return out.join('\n').trimEnd() + '\n';
}

/** Every string made terminal-safe (JSON escapes C0 controls but not the bidi overrides). */
export function safeStrings(v: unknown): unknown {
  if (typeof v === 'string') return termSafe(v);
  if (Array.isArray(v)) return v.map(safeStrings);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, safeStrings(x)]));
  return v;
}

export function diagnosisJson(d: Diagnosis): unknown {
  return safeStrings({
    window: { from: isoUtc(d.window.from), to: isoUtc(d.window.to), from_ts: d.window.from, to_ts: d.window.to, host: d.window.host, basis: d.window.basis, spike: d.window.spike },
    findings: d.findings.map((f) => ({ ...f, first: isoUtc(f.first), last: isoUtc(f.last) })),
    notes: d.notes,
  });
}

export function renderJson(d: Diagnosis): string {
  return JSON.stringify(diagnosisJson(d), null, 2) + '\n';
}
