// Apache `%{format}t`, lighttpd and PHP-FPM `%{format}t` write time with strftime. A format is
// compiled once into a regex plus setters; each value yields the wall-clock parts it carries.
// Several such fields may build one stamp together (Apache's documented
// `[%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t]`), so parts are merged by the caller.
import { monthIndex } from '../../src/util/time.js';

export interface TimeParts {
  year?: number; month0?: number; day?: number;
  hour?: number; minute?: number; second?: number;
  pm?: boolean;
  /** minutes east of UTC */
  offsetMin?: number;
  epochMs?: number;
}

type Setter = (p: TimeParts, v: string) => boolean;

const num = (key: keyof TimeParts): Setter => (p, v) => {
  const n = Number(v.trim());
  (p as Record<string, number>)[key] = n;
  return Number.isInteger(n);
};

const month: Setter = (p, v) => {
  const m = monthIndex(v);
  p.month0 = m;
  return m !== undefined;
};

const offset: Setter = (p, v) => {
  if (v === 'Z') { p.offsetMin = 0; return true; }
  const d = v.replace(':', '');
  const mins = Number(d.slice(1, 3)) * 60 + Number(d.slice(3, 5));
  p.offsetMin = (d[0] === '-' ? -1 : 1) * mins;
  return Number.isFinite(mins);
};

const DIRECTIVES: Record<string, [string, Setter | null] | string> = {
  Y: ['(\\d{4})', num('year')],
  y: ['(\\d{2})', (p, v) => { p.year = 2000 + Number(v); return true; }],
  m: ['(\\d{1,2})', (p, v) => { p.month0 = Number(v) - 1; return p.month0 >= 0 && p.month0 < 12; }],
  d: ['(\\d{1,2})', num('day')],
  e: ['( ?\\d{1,2})', num('day')],
  H: ['(\\d{1,2})', num('hour')],
  k: ['( ?\\d{1,2})', num('hour')],
  I: ['(\\d{1,2})', num('hour')],
  l: ['( ?\\d{1,2})', num('hour')],
  p: ['([AaPp][Mm])', (p, v) => { p.pm = v[0] === 'P' || v[0] === 'p'; return true; }],
  M: ['(\\d{2})', num('minute')],
  S: ['(\\d{2})', num('second')],
  b: ['([A-Za-z]{3})', month],
  h: ['([A-Za-z]{3})', month],
  B: ['([A-Za-z]+)', month],
  a: ['[A-Za-z]{3}', null],
  A: ['[A-Za-z]+', null],
  j: ['\\d{3}', null],
  z: ['(Z|[+-]\\d{2}:?\\d{2})', offset],
  Z: ['([A-Za-z]+)', (p, v) => { if (/^(UTC|GMT|Z)$/i.test(v)) p.offsetMin = 0; return true; }],
  s: ['(\\d+)', (p, v) => { p.epochMs = Number(v) * 1000; return true; }],
  n: ['\\s+', null],
  t: ['\\s+', null],
  '%': ['%', null],
  T: '%H:%M:%S',
  D: '%m/%d/%y',
  F: '%Y-%m-%d',
  R: '%H:%M',
  r: '%I:%M:%S %p',
  c: '%a %b %e %H:%M:%S %Y',
};

export interface StrftimeParser {
  /** parts of one value, or null when it does not fit the format */
  parse(value: string): TimeParts | null;
  /** true when the format can produce a space (the splitter must treat it as text) */
  hasSpace: boolean;
}

function expand(format: string): string {
  return format.replace(/%[EO]?([TDFRrc])/g, (_, d: string) => DIRECTIVES[d] as string);
}

export function compileStrftime(format: string): StrftimeParser {
  const f = expand(format);
  const setters: Setter[] = [];
  let src = '^';
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '%' && i + 1 < f.length) {
      let d = f[++i];
      if ((d === 'E' || d === 'O') && i + 1 < f.length) d = f[++i];
      const def = DIRECTIVES[d];
      if (Array.isArray(def)) {
        src += def[0];
        if (def[1]) setters.push(def[1]);
      } else {
        src += '.*?'; // an unsupported directive: match anything, learn nothing
      }
    } else {
      src += f[i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  const re = new RegExp(src + '$');
  let lastValue: string | null = null;
  let lastParts: TimeParts | null = null;
  return {
    hasSpace: /\s|%[nteckTcr]/.test(format),
    parse(value) {
      if (value === lastValue) return lastParts;
      const m = re.exec(value);
      let parts: TimeParts | null = null;
      if (m) {
        parts = {};
        for (let i = 0; i < setters.length; i++) {
          if (!setters[i](parts, m[i + 1])) { parts = null; break; }
        }
        if (parts && parts.pm !== undefined && parts.hour !== undefined) {
          parts.hour = (parts.hour % 12) + (parts.pm ? 12 : 0);
        }
      }
      lastValue = value;
      lastParts = parts;
      return parts;
    },
  };
}
