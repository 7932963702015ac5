// The postmortem: collect evidence from the canned reports, derive findings, write Markdown with
// an SVG timeline beside it. Used by `overload postmortem` and by the TUI's export.
import type { DB } from '../store/db.js';
import { collect, type CollectOptions, type PostmortemData } from './collect.js';
import { findings, type Finding } from './findings.js';
import { postmortemMarkdown } from './markdown.js';
import { timelineSvg } from './svg.js';
import { diagnose } from '../diagnose/index.js';
import { renderMarkdown } from '../diagnose/render.js';
import { workerLimits } from '../diagnose/rules/demand.js';
import type { Diagnosis } from '../diagnose/types.js';
import { MODULES } from '../correlate/modules.js';

export interface Postmortem {
  markdown: string;
  svg: string;
  data: PostmortemData;
  findings: Finding[];
  /** overload diagnose over the same range (the worst spike when none is given): "What to change" */
  diagnosis: Diagnosis;
}

/**
 * Build the document. `svgName` is how the Markdown links the chart (a file name beside it);
 * null leaves the image out (stdout output has nowhere to put it).
 */
export function buildPostmortem(db: DB, opts: CollectOptions & { svgName?: string | null } = {}): Postmortem {
  const data = collect(db, opts);
  const f = findings(data);
  const { facts, ...diagnosis } = diagnose(db, { from: opts.from, to: opts.to, host: opts.host, tz: opts.tz ?? 'UTC', modules: MODULES });
  const svg = timelineSvg({
    title: `Requests/s, 5xx and p95 latency, ${String(data.params.from).slice(0, 19)}–${String(data.params.to).slice(11, 19)} UTC (${data.params.bucket} buckets)`,
    timeline: data.timeline, bucketMs: data.bucketMs, spikes: data.spikes,
    limits: workerLimits(facts).map((l) => ({ label: `${l.server} ${l.label}`, value: l.value })),
  });
  return { markdown: postmortemMarkdown(data, f, opts.svgName ?? null, renderMarkdown(diagnosis)), svg, data, findings: f, diagnosis };
}
