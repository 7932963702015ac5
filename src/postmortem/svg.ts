// The timeline chart beside the postmortem: requests per second (5xx in red) above, p95 latency
// below, spike windows shaded (their aftermath lighter). Plain SVG with no scripts or external
// references, so it renders anywhere Markdown images do.
import type { Row } from '../report/runner.js';
import { stripControls } from '../util/sanitize.js';

const W = 960, LEFT = 64, RIGHT = 16, TOP = 34;
const H1 = 150, GAP = 26, H2 = 80, BOTTOM = 34, H3 = 90;
const LIMIT_COLOURS = ['#c92a2a', '#862e9c', '#0b7285', '#5c940d'];

function esc(s: unknown): string {
  return stripControls(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

export interface ChartInput {
  title: string;
  timeline: Row[];
  bucketMs: number;
  spikes: Row[];
  /**
   * Configured worker limits (pm.max_children, max-procs x PHP_FCGI_CHILDREN, MaxRequestWorkers):
   * when given, a third panel draws the requests in flight (the timeline's inflight_peak) against each.
   */
  limits?: Array<{ label: string; value: number }>;
}

export function timelineSvg(c: ChartInput): string {
  const rows = c.timeline;
  const limits = c.limits ?? [];
  const third = limits.length > 0 && rows.some((r) => r.inflight_peak != null);
  const H = TOP + H1 + GAP + H2 + (third ? GAP + H3 : 0) + BOTTOM;
  if (!rows.length) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="40"><text x="8" y="24">no data</text></svg>\n`;
  const t0 = Number(rows[0].bucket_ts);
  const t1 = Number(rows[rows.length - 1].bucket_ts) + c.bucketMs;
  const x = (t: number) => LEFT + ((t - t0) / (t1 - t0)) * (W - LEFT - RIGHT);
  const rps = rows.map((r) => Number(r.rps ?? 0));
  const err = rows.map((r) => (Number(r.s5xx ?? 0) * 1000) / c.bucketMs);
  const p95 = rows.map((r) => (r.p95_ms == null ? null : Number(r.p95_ms)));
  const maxRps = niceMax(Math.max(...rps));
  const maxP95 = niceMax(Math.max(0, ...p95.filter((v): v is number => v !== null)));
  const y1 = (v: number) => TOP + H1 - (v / maxRps) * H1;
  const top2 = TOP + H1 + GAP;
  const y2 = (v: number) => top2 + H2 - (v / maxP95) * H2;
  const step = (vals: number[], y: (v: number) => number, base: number) => {
    let d = `M${x(t0).toFixed(1)},${base.toFixed(1)}`;
    rows.forEach((r, i) => {
      const a = x(Number(r.bucket_ts)), b = x(Number(r.bucket_ts) + c.bucketMs);
      d += ` L${a.toFixed(1)},${y(vals[i]).toFixed(1)} L${b.toFixed(1)},${y(vals[i]).toFixed(1)}`;
    });
    return d + ` L${x(t1).toFixed(1)},${base.toFixed(1)} Z`;
  };
  let line = '';
  rows.forEach((r, i) => {
    if (p95[i] === null) return;
    const cx = x(Number(r.bucket_ts) + c.bucketMs / 2);
    line += `${line ? ' L' : 'M'}${cx.toFixed(1)},${y2(p95[i]!).toFixed(1)}`;
  });
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${LEFT}" y="18" font-size="13" font-weight="bold">${esc(c.title)}</text>`);
  for (const s of c.spikes) {
    const a = x(Number(s.start_ts)), b = x(Number(s.end_ts));
    out.push(`<rect x="${a.toFixed(1)}" y="${TOP}" width="${Math.max(1, b - a).toFixed(1)}" height="${H1 + GAP + H2}" fill="#f5a623" fill-opacity="0.22"/>`);
    if (s.aftermath_end_ts != null) {
      const z = x(Number(s.aftermath_end_ts));
      out.push(`<rect x="${b.toFixed(1)}" y="${TOP}" width="${Math.max(1, z - b).toFixed(1)}" height="${H1 + GAP + H2}" fill="#f5a623" fill-opacity="0.09"/>`);
    }
    out.push(`<text x="${(a + 3).toFixed(1)}" y="${TOP + 12}" fill="#8a5a00">${esc(s.window)}</text>`);
  }
  out.push(`<path d="${step(rps, y1, TOP + H1)}" fill="#9aa5b1" stroke="#52606d" stroke-width="0.6"/>`);
  out.push(`<path d="${step(err, y1, TOP + H1)}" fill="#d64545" fill-opacity="0.85"/>`);
  if (line) out.push(`<path d="${line}" fill="none" stroke="#2680c2" stroke-width="1.4"/>`);
  for (const [y, label] of [[TOP, `${maxRps} req/s`], [TOP + H1, '0'], [top2, `${maxP95} ms`], [top2 + H2, '0']] as const) {
    out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y}" y2="${y}" stroke="#cbd2d9" stroke-width="0.5"/>`);
    out.push(`<text x="${LEFT - 4}" y="${y + 4}" text-anchor="end" fill="#52606d">${esc(label)}</text>`);
  }
  if (third) {
    const top3 = top2 + H2 + GAP;
    const inflight = rows.map((r) => Number(r.inflight_peak ?? 0));
    const max3 = niceMax(Math.max(...inflight, ...limits.map((l) => l.value)));
    const y3 = (v: number) => top3 + H3 - (v / max3) * H3;
    out.push(`<path d="${step(inflight, y3, top3 + H3)}" fill="#b197fc" fill-opacity="0.55" stroke="#5f3dc4" stroke-width="0.6"/>`);
    limits.forEach((l, i) => {
      const colour = LIMIT_COLOURS[i % LIMIT_COLOURS.length];
      out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y3(l.value).toFixed(1)}" y2="${y3(l.value).toFixed(1)}" stroke="${colour}" stroke-width="1.2" stroke-dasharray="5 3"/>`);
      out.push(`<text x="${W - RIGHT - 4}" y="${(y3(l.value) - 3 - i * 12).toFixed(1)}" text-anchor="end" fill="${colour}">${esc(`${l.label} = ${l.value}`)}</text>`);
    });
    for (const [y, label] of [[top3, String(max3)], [top3 + H3, '0']] as const) {
      out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y}" y2="${y}" stroke="#cbd2d9" stroke-width="0.5"/>`);
      out.push(`<text x="${LEFT - 4}" y="${y + 4}" text-anchor="end" fill="#52606d">${esc(label)}</text>`);
    }
    out.push(`<text x="${LEFT}" y="${top3 + H3 + 14}" fill="#5f3dc4">requests in flight, peak per bucket (purple) against each configured worker limit (dashed)</text>`);
  }
  out.push(`<text x="${LEFT}" y="${TOP + H1 + 14}" fill="#52606d">requests/s (grey), 5xx/s (red)</text>`);
  out.push(`<text x="${LEFT}" y="${top2 + H2 + 14}" fill="#2680c2">p95 duration (blue); shaded: spike windows (lighter: aftermath)</text>`);
  for (let i = 0; i <= 6; i++) {
    const t = t0 + ((t1 - t0) * i) / 6;
    out.push(`<text x="${x(t).toFixed(1)}" y="${H - 6}" text-anchor="${i === 0 ? 'start' : i === 6 ? 'end' : 'middle'}" fill="#52606d">${clock(t)}</text>`);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
