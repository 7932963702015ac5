// `e`: the window's postmortem as Markdown in ./overload-postmortem-<from>.md. The postmortem
// module (src/postmortem/, another engineer's) writes it when it is installed; until then the
// TUI writes its own from the panels of the window, which are already computed and cached.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stripControls } from '../util/sanitize.js';
import { isoUtc } from '../util/time.js';
import { cell, dateTime, span, bucketName } from './format.js';
import { PANEL_TITLES, type HeaderData, type PanelId, type Table, type SpikesData, type Window } from './data/types.js';
import type { QueryClient } from './data/client.js';

/** `20261122T095242Z`: sortable, and no colons (they upset some file systems and shells). */
export function exportName(from: number): string {
  return `overload-postmortem-${isoUtc(from)!.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.md`;
}

type PostmortemModule = { writePostmortem?: (o: Record<string, unknown>) => Promise<string> | string };

/** The postmortem module if it exists (a path in a variable: the build must not require it). */
async function postmortemModule(): Promise<PostmortemModule | null> {
  const path = '../postmortem/index.js';
  try { return (await import(path)) as PostmortemModule; } catch { return null; }
}

function mdTable(t: Table, tz: string, limit = 15): string {
  if (t.rows.length === 0) return `_${stripControls(t.note ?? 'nothing in this window')}_\n`;
  // every cell came from a log: no control characters, no pipes that would break the table
  const esc = (s: string) => stripControls(s).replace(/\|/g, '\\|');
  const head = `| ${t.columns.map((c) => esc(c.title || ' ')).join(' | ')} |\n| ${t.columns.map((c) => (c.kind === 'text' ? '---' : '---:')).join(' | ')} |\n`;
  return head + t.rows.slice(0, limit).map((r) => `| ${t.columns.map((c) => esc(cell(r[c.key] ?? null, c.kind, tz))).join(' | ')} |`).join('\n') + '\n';
}

export async function exportPostmortem(client: QueryClient, w: Window, opts: { dbPath: string; tz: string; dir?: string }): Promise<string> {
  const file = resolve(opts.dir ?? process.cwd(), exportName(w.from));
  const mod = await postmortemModule();
  if (mod?.writePostmortem) {
    await mod.writePostmortem({ db: opts.dbPath, from: w.from, to: w.to, host: w.host, tz: opts.tz, output: file });
    return `postmortem written to ${file}`;
  }
  const header = (await client.fetch({ type: 'header' })) as HeaderData;
  const tl = (await client.fetch({ type: 'spikes', window: w })) as SpikesData;
  const panels: PanelId[] = ['overview', 'endpoints', 'oversized', 'events', 'slowlog', 'upstreams', 'status'];
  const tables: Table[] = [];
  for (const p of panels) tables.push((await client.fetch({ type: 'panel', panel: p, window: w })) as Table);
  const lines = [
    `# Postmortem: ${dateTime(w.from, opts.tz)} - ${dateTime(w.to, opts.tz)} ${opts.tz}`,
    '',
    `Window ${span(w.to - w.from)} in ${bucketName(w.bucketMs)} buckets${w.host ? `, host ${stripControls(w.host)}` : ''}. ` +
      `Database ${stripControls(opts.dbPath)}: ${header.sources} sources (${stripControls(header.formats.join(', '))}), ` +
      `${header.rows.toLocaleString('en-US')} rows, ${header.rejects.toLocaleString('en-US')} rejected lines.`,
    '',
    `Spike windows: ${tl.spikes.length ? tl.spikes.map((s) => `${dateTime(s.from, opts.tz)} - ${dateTime(s.to, opts.tz)} (${stripControls(s.reason)})`).join('; ') : 'none detected'}.`,
    '',
  ];
  panels.forEach((p, i) => lines.push(`## ${PANEL_TITLES[p]}`, '', mdTable(tables[i], opts.tz)));
  lines.push('_Written by `overload tui` (press e); `overload postmortem` writes the full document._', '');
  writeFileSync(file, lines.join('\n'));
  return `postmortem written to ${file}`;
}
