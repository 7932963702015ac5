// A report's output columns as its header declares them (`-- columns:`): the name, what kind of
// value it is and in which unit. The header is what lets the TUI and the postmortem show a
// report nobody wrote TypeScript for: a duration in ms reads "1.2s", an epoch stamp a clock time,
// a ratio a percentage. Defined once here; each renderer maps kinds to its own look.
//
//   -- columns: bucket_ts time ms, bucket time iso, requests count, rps rate /s, p95_ms duration ms,
//   --   bytes bytes, share_pct percent, events json

/**
 * time: a moment (unit ms = epoch milliseconds, s = epoch seconds, iso = ISO 8601 text);
 * duration: a length of time (ms or s); count: a whole number of things; bytes: a size;
 * rate: things per unit of time (unit: /s, /min, /h, optionally named: req/s); ratio: a fraction
 * 0-1; percent: 0-100; number: any other quantity (unit: free text, for the reader); text: words
 * from the logs or the report; id: a key (a fingerprint, a source id) shown as is; json: a
 * nested value (an object of counts).
 */
export const COLUMN_KINDS = ['time', 'duration', 'count', 'bytes', 'rate', 'ratio', 'percent', 'number', 'text', 'id', 'json'] as const;
export type ColumnKindName = (typeof COLUMN_KINDS)[number];

export interface ColumnDef {
  name: string;
  kind: ColumnKindName;
  /** as written, or the kind's default (time: ms, duration: ms, rate: /s); null for kinds without one */
  unit: string | null;
}

const DEFAULT_UNIT: Partial<Record<ColumnKindName, string>> = { time: 'ms', duration: 'ms', rate: '/s', bytes: 'B' };

/** Which units a kind takes: a list, a pattern, or none at all. */
function unitOk(kind: ColumnKindName, unit: string): boolean {
  switch (kind) {
    case 'time': return ['ms', 's', 'iso'].includes(unit);
    case 'duration': return ['ms', 's'].includes(unit);
    case 'bytes': return unit === 'B';
    case 'rate': return /^[a-z]*\/(s|min|h)$/.test(unit);
    case 'number': return /^\S+$/.test(unit);
    default: return false;
  }
}

/** Parse the text of a `-- columns:` header (its lines joined). Throws naming the file. */
export function parseColumns(text: string, where: string): ColumnDef[] {
  const out: ColumnDef[] = [];
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const parts = entry.split(/\s+/);
    const [name, kind, unit, ...rest] = parts;
    if (!/^\w+$/.test(name) || !kind || rest.length) {
      throw new Error(`${where}: cannot read column "${entry}": expected "name kind [unit]", e.g. "p95_ms duration ms"`);
    }
    if (!(COLUMN_KINDS as readonly string[]).includes(kind)) {
      throw new Error(`${where}: column ${name} has unknown kind ${kind} (kinds: ${COLUMN_KINDS.join(', ')})`);
    }
    const k = kind as ColumnKindName;
    if (unit !== undefined && !unitOk(k, unit)) throw new Error(`${where}: column ${name}: ${k} does not take the unit ${unit}`);
    if (out.some((c) => c.name === name)) throw new Error(`${where}: column ${name} is declared twice`);
    out.push({ name, kind: k, unit: unit ?? DEFAULT_UNIT[k] ?? null });
  }
  return out;
}

/**
 * A column's value as epoch ms (time), ms (duration), a fraction (ratio, percent) or the number
 * itself, so renderers format one scale per kind; null when the value is not of its kind.
 */
export function normalized(v: unknown, c: ColumnDef): number | null {
  if (c.kind === 'time' && c.unit === 'iso') {
    if (typeof v !== 'string') return null;
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null;
  if (n === null) return null;
  if ((c.kind === 'time' || c.kind === 'duration') && c.unit === 's') return n * 1000;
  if (c.kind === 'percent') return n / 100;
  return n;
}
