// The postmortem as Markdown: summary, timeline (SVG + sparkline), one section per spike window
// with its evidence, findings with the commands that show them, and the data it was built from.
import { renderMarkdown } from '../report/render.js';
import { findReport, type Row } from '../report/runner.js';
import type { ReportDef } from '../report/loader.js';
import { stripControls } from '../util/sanitize.js';
import { cite, MAJOR_MAX, MAJOR_SHARE, SECTIONS_MAX, type PostmortemData, type WindowData } from './collect.js';
import type { Finding } from './findings.js';
import { clock, code, day, duration, fence, ms, num, pct, rate, sparkline, text } from './text.js';
import { OTHER_CLIENTS } from '../correlate/incident.js';
import { markdownCell, userReportsMarkdown } from './user-reports.js';

/**
 * A table from report rows. With the report's definition, each cell as its `-- columns:` header
 * says (a duration as "3.6 s", a stamp as a UTC time), as in the user's report sections; without
 * it (or for a column it does not declare), log text loses its control characters and numbers
 * stay numbers.
 */
function table(rows: Row[], cols: Array<[string, string]>, def?: ReportDef): string {
  if (!rows.length) return '_none_\n';
  const declared = new Map((def?.columns ?? []).map((c) => [c.name, c]));
  const out = rows.map((r) => {
    const o: Row = {};
    for (const [key, label] of cols) {
      const v = r[key];
      const c = declared.get(key);
      // a count or a plain number stays a number: it needs no unit, and the renderer right-aligns a column of them
      const plain = !c || ((c.kind === 'count' || c.kind === 'number') && typeof v === 'number');
      o[label] = !plain ? markdownCell(v, c) : typeof v === 'string' ? stripControls(v) : v;
    }
    return o;
  });
  return renderMarkdown(out, cols.map(([, l]) => l));
}

function span(from: unknown, to: unknown): string {
  return `${clock(from)}–${clock(to)}`;
}

function summary(d: PostmortemData, f: Finding[]): string {
  const w = d.windows.filter((x) => x.major);
  const lines: string[] = ['## Summary', ''];
  if (!w.length) {
    lines.push(`No overload window stands out between ${d.params.from} and ${d.params.to}: traffic, 5xx, latency and overload events stayed near their baselines.`, '');
    return lines.join('\n');
  }
  const len = (s: Row) => duration(Number(s.end_ts) - Number(s.start_ts));
  const first = w[0].spike, last = w[w.length - 1].spike;
  const worst = w.reduce((a, x) => (Number(x.spike.rank) < Number(a.spike.rank) ? x : a)).spike;
  const total = w.reduce((a, x) => a + Number(x.spike.end_ts) - Number(x.spike.start_ts), 0);
  const when = w.map((x) => `${w.length > 1 && day(x.spike.start) !== day(first.start) ? `${day(x.spike.start)} ` : ''}${span(x.spike.start, x.spike.end)} (${len(x.spike)})`).join(', ');
  const requests = w.reduce((a, x) => a + Number(x.spike.requests), 0);
  const errors = w.reduce((a, x) => a + Number(x.spike.errors), 0);
  const after = w.filter((x) => x.spike.aftermath_end_ts != null).map((x) => clock(x.spike.aftermath_end));
  lines.push(`- **When:** ${day(first.start)}, ${when} UTC${w.length > 1 ? ` — ${w.length} windows, ${duration(total)} in all` : ''}` +
    `${after.length ? `; the aftermath (errors, events, a draining queue) lasted until ${after.join(', ')}` : ''}.`);
  if (w.length > 1) lines.push(`- **How long:** ${duration(Number(last.end_ts) - Number(first.start_ts))} from the first window's start to the last one's end; the worst is window ${worst.window} (${span(worst.start, worst.end)}).`);
  else lines.push(`- **How long:** ${len(worst)}${worst.resolution && worst.resolution !== d.params.bucket ? ` (found in ${d.params.bucket} buckets, start and end to the ${worst.resolution})` : ''}.`);
  lines.push(`- **Peak rate:** ${rate(worst.peak_rps)} in window ${worst.window}${worst.resolution ? ` (its busiest ${worst.resolution})` : ''}, against a baseline of ${rate(worst.baseline_rps)}.`);
  lines.push(`- **Errors:** ${num(errors)} of ${num(requests)} requests in ${w.length > 1 ? 'these windows' : 'the window'} got a 5xx (${pct(requests ? errors / requests : 0)}).`);
  const worstRoutes = new Map<string, Row>();
  for (const x of w) {
    // a route is among the worst when it cost at least a tenth of what the window's worst cost
    const routes = x.incident.rows.filter((r) => r.section === 'routes');
    const top = Math.max(0, ...routes.map((r) => Number(r.change ?? 0)));
    for (const r of routes.slice(0, 3)) if (Number(r.change ?? 0) >= 0.1 * top && !worstRoutes.has(String(r.item))) worstRoutes.set(String(r.item), r);
  }
  lines.push(`- **Worst routes:** ${[...worstRoutes.values()].slice(0, 4).map((r) => `${code(r.item)} (${num(r.during)} requests, p95 ${ms(r.p95_during_ms)}, ${num(r.errors_during)} 5xx)`).join(', ') || '–'}.`);
  if (f.length) lines.push(`- **Why, in short:** ${f.slice(0, 2).map((x) => x.text + '.').join(' ')}`);
  if (d.lesser.length) {
    const shown = d.lesser.slice(0, 5).map((s) => `${day(s.start)} ${span(s.start, s.end)} (${s.reasons}, severity ${num(s.severity, 1)})`);
    lines.push(`- **Lesser windows** (severity below ${num(MAJOR_SHARE * 100)} % of the worst's ${num(worst.severity, 1)}, or past the ${MAJOR_MAX} worst): ` +
      `${d.lesser.length} — ${shown.join(', ')}${d.lesser.length > 5 ? ', …' : ''}; all are in the spikes table below` +
      `${d.lesser.length > SECTIONS_MAX - w.length ? `, the ${Math.max(0, SECTIONS_MAX - w.length)} most severe explained after the worst` : ', each explained in its section'}.`);
  }
  lines.push('');
  return lines.join('\n');
}

function timeline(d: PostmortemData, svgName: string | null): string {
  const rps = d.timeline.map((r) => Number(r.rps ?? 0));
  const err = d.timeline.map((r) => Number(r.s5xx ?? 0));
  const p95 = d.timeline.map((r) => Number(r.p95_ms ?? 0));
  const lines = ['## Timeline', ''];
  if (svgName) lines.push(`![Requests per second, 5xx and p95 latency; spike windows shaded](${svgName})`, '');
  // a range of several days names its days, not only clock times
  const at = (v: unknown) => (day(d.params.from) !== day(d.params.to) ? `${day(v)} ${clock(v)}` : clock(v));
  lines.push(`${d.params.bucket} buckets from ${at(d.params.from)} to ${at(d.params.to)} UTC:`, '');
  for (const n of d.notes ?? []) lines.push(`_Note: ${text(n, 600)}._`, '');
  lines.push(`    requests/s ${sparkline(rps)}  peak ${rate(Math.max(0, ...rps))}`);
  lines.push(`    5xx        ${sparkline(err)}  peak ${num(Math.max(0, ...err))} per bucket`);
  lines.push(`    p95        ${sparkline(p95)}  peak ${ms(Math.max(0, ...p95))}`, '');
  if (d.spikes.length) {
    // rates in the unit that keeps them readable (a sparse log's baseline is requests an hour)
    const rows = d.spikes.map((r) => ({ ...r, peak: rate(r.peak_rps), baseline: rate(r.baseline_rps) }));
    lines.push(table(rows, [['window', 'window'], ['rank', 'rank'], ['start', 'start'], ['end', 'end'], ['resolution', 'to the'], ['reasons', 'reasons'], ['peak', 'peak rate'],
      ['baseline', 'baseline rate'], ['errors', '5xx'], ['error_rate', 'error rate'], ['p95_ms', 'p95 ms'],
      ['baseline_p95_ms', 'baseline p95 ms'], ['peak_inflight', 'peak in flight'], ['aftermath_end', 'aftermath until']]));
    lines.push(`_From \`${cite('spikes', d.scope)}\`: a window is where a signal left its baseline (the rolling median of the quiet buckets, or over several days the same time of day on the other days) by 4 robust sigmas; rank 1 is the most severe; "to the" is the step its start and end were refined to (docs/reports.md)._`, '');
  }
  return lines.join('\n');
}

function section(rows: Row[], name: string): Row[] {
  return rows.filter((r) => r.section === name);
}

function windowPart(x: WindowData): string {
  const s = x.spike;
  const inc = x.incident;
  const lines = [`## Window ${s.window}: ${span(s.start, s.end)} UTC (${duration(Number(s.end_ts) - Number(s.start_ts))}) — ${s.reasons}` +
    `${s.rank != null ? `, rank ${s.rank}${x.major ? '' : ' (a lesser window)'}` : ''}`, ''];
  const sum = section(inc.rows, 'summary');
  lines.push(`Compared with ${inc.params.baseline} before it (from ${clock(inc.params.baseline_from)})` +
    `${s.aftermath_end ? `; the window below runs through the aftermath, until ${clock(s.aftermath_end)}` : ''}:`, '');
  // the request rate in a readable unit (a quiet hour before a sparse site's outage is not "0")
  // (from the counts: the report's rps is rounded to 2 decimals, 3 requests in 28 min would read 0)
  const count = (item: string, k: 'before' | 'during') => Number(sum.find((r) => r.item === item)?.[k] ?? NaN);
  const perSecond = (k: 'before' | 'during') => (count('seconds', k) > 0 ? count('requests', k) / count('seconds', k) : null);
  const r0 = sum.find((r) => r.item === 'rps') ?? {};
  const rateRatio = (b: number | null, d: number | null) => (b && d !== null ? Math.round((d / b) * 100) / 100 : r0.ratio);
  const readable = sum.map((r) => (r.item === 'rps'
    ? { ...r, item: 'request rate', before: rate(perSecond('before')), during: rate(perSecond('during')), ratio: rateRatio(perSecond('before'), perSecond('during')) }
    : r));
  // (each measure has its own unit, which a column's header can not say: the values as they are)
  lines.push(table(readable, [['item', 'measure'], ['before', 'before'], ['during', 'during'], ['ratio', 'ratio']]));
  // the rest drawn by the incident report's header (the file that made these rows)
  const def = findReport(inc.name);
  const routes = section(inc.rows, 'routes');
  lines.push('**Routes** (ranked by the extra time spent serving them):', '');
  lines.push(table(routes, [['item', 'route'], ['before', 'before'], ['during', 'during'], ['ratio', 'rate ratio'], ['change', 'extra busy s'],
    ['errors_during', '5xx'], ['p95_before_ms', 'p95 before'], ['p95_during_ms', 'p95 during']], def));
  const ups = section(inc.rows, 'upstreams').filter((r) => Number(r.errors_during) > 0);
  if (ups.length) {
    lines.push('**Upstreams that failed:**', '');
    lines.push(table(ups, [['item', 'upstream'], ['during', 'attempts'], ['errors_during', 'failed'], ['detail', 'timeouts'], ['p95_during_ms', 'p95']], def));
  }
  // the rest of the clients (too many to tell apart) is no client that surged
  const clients = section(inc.rows, 'clients').filter((r) => r.item !== OTHER_CLIENTS && Number(r.ratio ?? Infinity) >= 2);
  if (clients.length) {
    lines.push('**Clients that surged:**', '');
    lines.push(table(clients, [['item', 'client'], ['before', 'before'], ['during', 'during'], ['ratio', 'rate ratio'], ['errors_during', '5xx']], def));
  }
  // 'other' is what no rule classified (tracing chatter): it is in `overload report events --param quiet=1`
  const ev = section(inc.rows, 'events').filter((r) => r.item !== 'other');
  lines.push('**Events:**', '');
  lines.push(table(ev, [['item', 'kind'], ['detail', 'component'], ['before', 'before'], ['during', 'during'], ['first', 'first'], ['last', 'last']], def));
  const kc = section(inc.rows, 'counters');
  if (kc.length) {
    lines.push('**Kernel counters** (increase between snapshots; a queue or memory that gave out):', '');
    lines.push(table(kc, [['item', 'counter'], ['before', 'before'], ['during', 'during'], ['first', 'first'], ['last', 'last']], def));
  }
  const st = section(inc.rows, 'stacks');
  if (st.length) {
    lines.push('**Slowlog stacks:**', '');
    lines.push(table(st, [['item', 'stack (innermost first)'], ['detail', 'script'], ['during', 'entries'], ['first', 'first'], ['last', 'last']], def));
  }
  const samples = x.samples.rows.map((r) => (r.section === 'events' ? `${r.time} ${r.component} (${r.count}x ${r.kind}): ${r.line}` : `${r.line}${Number(r.count) > 1 ? `   (${r.count}x ${r.kind})` : ''}`));
  if (samples.length) lines.push('**Sample lines** (the first of each event kind, the first of each 5xx status, the slowest requests):', '', fence(samples));
  lines.push(`_Reproduce: \`${cite('incident', { from: new Date(x.from).toISOString(), to: new Date(x.to).toISOString() })}\`, \`${cite('samples', { from: new Date(x.from).toISOString(), to: new Date(x.to).toISOString() })}\`_`, '');
  return lines.join('\n');
}

function findingsPart(f: Finding[]): string {
  if (!f.length) return '';
  const lines = ['## Findings', ''];
  f.forEach((x, i) => lines.push(`${i + 1}. ${x.text}. _Evidence:_ ${x.evidence.map((e) => `\`${e}\``).join(', ')}`));
  lines.push('');
  return lines.join('\n');
}

function dataPart(d: PostmortemData): string {
  return ['## Data', '', 'Built by `overload postmortem` from these logs (every number above comes from a canned report; run `overload report --list`):', '',
    table(d.sources, [['path', 'file'], ['format', 'format'], ['lines', 'lines'], ['parsed', 'parsed'], ['rejected', 'rejected']]),
    // (rows from damaged compressed data are counted above like the rest: the reader is told)
    ...d.suspect.map((s) => `**Damaged input:** lines ${s.fromLine}–${s.fromLine + s.lines - 1} of ${code(s.path)} (${num(s.requests)} requests) ` +
      'were decoded from corrupt compressed data and may be made up; the numbers above include them.\n')].join('\n');
}

export function postmortemMarkdown(d: PostmortemData, f: Finding[], svgName: string | null, whatToChange = ''): string {
  // the title names the windows that matter; routine bumps do not stretch it over two weeks
  const w = d.windows.filter((x) => x.major);
  const title = w.length
    ? `# Postmortem: overload on ${day(w[0].spike.start)}, ${span(w[0].spike.start, w[w.length - 1].spike.end)} UTC`
    : `# Postmortem: ${day(d.params.from)}, ${clock(d.params.from)}–${clock(d.params.to)} UTC`;
  return [title, '', summary(d, f), timeline(d, svgName), ...d.windows.map(windowPart), findingsPart(f), ...(whatToChange ? [whatToChange] : []),
    userReportsMarkdown(d.userReports, d.scope), dataPart(d)].join('\n');
}
