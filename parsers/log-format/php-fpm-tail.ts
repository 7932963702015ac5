// PHP-FPM access logs without a pasted access.format: the default layout
// (`%R - %u %t "%m %r" %s`), optionally followed by key=value fields the way people extend it
// (`pid=%p dur=%{mili}dms mem=%{kilo}MKB cpu=%C%%`). Values carry their unit as a suffix, so
// the unit is read from the value: `16.836ms`, `2048KB`, `0.00%`. A bare duration is seconds
// and a bare memory figure bytes, FPM's own defaults for %d and %M.
import type { LineParser, ParseOutcome } from '../types.js';
import type { FieldSpec } from './fields.js';
import { numberWithUnit, readTail, type TailItem } from './kv-tail.js';
import { compilePhpFpmFormat, PHP_FPM_DEFAULT_FORMAT } from './php-fpm-format.js';
import { compilePlan, type Plan } from './plan.js';
import { compileSplitter } from './split.js';

type Convert = (n: number, unit: string) => number | null;

const DURATION_MS: Convert = (n, u) =>
  u === 'ms' ? n : u === 's' || u === '' || u === 'sec' ? n * 1000 : u === 'us' || u === 'µs' ? n / 1000 : null;
const MEMORY_KB: Convert = (n, u) =>
  u === 'kb' || u === 'k' ? n : u === 'mb' || u === 'm' ? n * 1024 : u === 'b' || u === '' ? n / 1024 : null;
const PERCENT: Convert = (n, u) => (u === '%' || u === '' ? n : null);
const PLAIN: Convert = (n, u) => (u === '' ? n : null);

/** key -> the field it becomes and how its value converts to that field's unit */
const KEYS: Record<string, [FieldSpec, Convert | null]> = {};
const duration: FieldSpec = { name: 'duration_ms', role: 'duration', shape: 'number', unit: 'ms' };
for (const k of ['dur', 'duration', 'd', 'took', 'time_taken']) KEYS[k] = [duration, DURATION_MS];
for (const k of ['mem', 'memory', 'm']) KEYS[k] = [{ name: 'memory_kb', role: 'extra_number', shape: 'number' }, MEMORY_KB];
KEYS.cpu = [{ name: 'cpu_pct', role: 'extra_number', shape: 'number' }, PERCENT];
KEYS.pid = [{ name: 'pid', role: 'extra_number', shape: 'number' }, PLAIN];
KEYS.ppid = [{ name: 'ppid', role: 'extra_number', shape: 'number' }, PLAIN];
KEYS.pool = [{ name: 'pool', role: 'extra', shape: 'token' }, null];

const NO_MATCH: ParseOutcome = { type: 'reject', reason: 'no-match' };

function specFor(it: TailItem, i: number): FieldSpec {
  if (it.key === null) return { name: `field_${i + 1}`, role: 'extra', shape: 'text' };
  return KEYS[it.key]?.[0] ?? { name: it.key, role: 'extra', shape: 'text' };
}

export function createPhpFpmDefaultParser(tz: string): LineParser {
  const compiled = compilePhpFpmFormat(PHP_FPM_DEFAULT_FORMAT);
  const head = compileSplitter(compiled.segments);
  const n = head.fields.length;
  const plans = new Map<string, Plan>();
  const values: string[] = [];
  return {
    parse(line) {
      const pos = head.split(line, values, true);
      if (pos < 0 || (pos < line.length && line.charCodeAt(pos) !== 32)) {
        return line.trim() === '' ? { type: 'skip' } : NO_MATCH;
      }
      const items = readTail(line, pos);
      if (!items) return NO_MATCH;
      let sig = '';
      for (let i = 0; i < items.length; i++) {
        const it = items[i];
        sig += (it.key ?? '') + ' ';
        const conv = it.key === null ? null : KEYS[it.key]?.[1];
        let v = it.value;
        if (conv && v !== '-') {
          const nu = numberWithUnit(v);
          const x = nu && conv(nu.n, nu.unit);
          if (x === null || x === undefined) return { type: 'reject', reason: 'bad-field', detail: it.key! };
          v = String(Math.round(x * 1000) / 1000);
        }
        values[n + i] = v;
      }
      let plan = plans.get(sig);
      if (!plan) {
        if (plans.size > 1000) plans.clear();
        plan = compilePlan([...head.fields, ...items.map(specFor)], { tz, stampSide: 'start' });
        plans.set(sig, plan);
      }
      return plan.build(values);
    },
  };
}
