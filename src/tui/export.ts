// `e`: the window's postmortem, written by the postmortem module (src/postmortem, the same
// document as `overload postmortem`) to ./overload-postmortem-<from>.md with its SVG chart beside
// it. The document is built in the background worker; if that fails, the TUI writes a short one
// from the panels of the window, which are already computed.
import { writeFileSync } from 'node:fs';
import { resolve, basename, dirname, relative, isAbsolute } from 'node:path';
import { mdInert, stripControls } from '../util/sanitize.js';
import { isoUtc } from '../util/time.js';
import { cell, dateTime, span, bucketName } from './format.js';
import { PANEL_TITLES, type BuiltinPanel, type PostmortemDoc, type Table, type SpikesData, type Window } from './data/types.js';
import type { QueryClient } from './data/client.js';

/** `20261122T095242Z`: sortable, and no colons (they upset some file systems and shells). */
export function exportName(from: number): string {
  return `overload-postmortem-${isoUtc(from)!.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.md`;
}

/** Log text in the fallback document: no control characters, and inert (no link, image or cell break). */
const inert = (s: string) => mdInert(stripControls(s));

export function mdTable(t: Table, tz: string, limit = 15): string {
  if (t.rows.length === 0) return `_${inert(t.note ?? 'nothing in this window')}_\n`;
  const esc = inert;
  const head = `| ${t.columns.map((c) => esc(c.title || ' ')).join(' | ')} |\n| ${t.columns.map((c) => (c.kind === 'text' && c.align !== 'right' ? '---' : '---:')).join(' | ')} |\n`;
  return head + t.rows.slice(0, limit).map((r) => `| ${t.columns.map((c) => esc(typeof r._line === 'string' ? r._line : cell(r[c.key] ?? null, c.kind, tz, c.unit))).join(' | ')} |`).join('\n') + '\n';
}

/** The fallback document: the window's panels as Markdown tables. */
async function panelsDocument(client: QueryClient, w: Window, tz: string, dbPath: string): Promise<string> {
  const spikes = (await client.fetch({ type: 'spikes', window: w })) as SpikesData;
  const panels: BuiltinPanel[] = ['endpoints', 'oversized', 'events', 'slowlog', 'upstreams', 'status'];
  const lines = [
    `# Postmortem: ${dateTime(w.from, tz)} - ${dateTime(w.to, tz)} ${tz}`, '',
    `Window ${span(w.to - w.from)} in ${bucketName(w.bucketMs)} buckets${w.host ? `, host ${inert(w.host)}` : ''}; database ${inert(dbPath)}.`, '',
    `Spike windows: ${spikes.spikes.length ? spikes.spikes.map((s) => `${dateTime(s.from, tz)} - ${dateTime(s.to, tz)} (${inert(s.reason)})`).join('; ') : 'none detected'}.`, '',
  ];
  for (const p of panels) lines.push(`## ${PANEL_TITLES[p]}`, '', mdTable((await client.fetch({ type: 'panel', panel: p, window: w })) as Table, tz));
  lines.push('_Written by `overload tui` from its panels: the postmortem module failed on this window._', '');
  return lines.join('\n');
}

/** The file's name first and its folder last: the footer cuts a long line at its end, and the
 *  name is what the user needs to see (the folder is the current one unless --export-dir said). */
function written(file: string, rest: string): string {
  const dir = dirname(file);
  const rel = relative(process.cwd(), dir);
  const where = rel === '' ? '' : ` in ${!rel.startsWith('..') && !isAbsolute(rel) ? `./${rel}` : dir}`;
  return `postmortem written to ${basename(file)} ${rest}${where}`;
}

export async function exportPostmortem(client: QueryClient, w: Window, opts: { dbPath: string; tz: string; dir?: string }): Promise<string> {
  const file = resolve(opts.dir ?? process.cwd(), exportName(w.from));
  const svgFile = file.replace(/\.md$/, '.svg');
  try {
    const doc = (await client.fetch({ type: 'postmortem', window: w, svgName: basename(svgFile) })) as PostmortemDoc;
    writeFileSync(svgFile, doc.svg);
    writeFileSync(file, doc.markdown);
    return written(file, `(chart beside it: ${basename(svgFile)})`);
  } catch (e) {
    writeFileSync(file, await panelsDocument(client, w, opts.tz, opts.dbPath));
    return written(file, `(panels only: ${(e as Error).message})`);
  }
}
