// The heuristic behind nginx-combined-kv (and varnishncsa without -F): the combined layout,
// possibly with bare numbers after the body bytes (usually $bytes_sent) and a third quoted
// string (the stock `main` format's $http_x_forwarded_for), followed by key=value pairs whose
// keys are the names people give nginx variables (rt=, urt=, ua=, ...).
// - nginx flavor: stamped at the end; lines carrying nothing beyond combined are refused, so
//   plain combined logs stay nginx-combined.
// - varnish flavor: stamped at the start; the tail is optional but the request target must be
//   absolute (varnishncsa's %r always is), and Varnish's own names (handling=, ttfb=) map too.
//
// The keys of a line decide its plan; real logs repeat one key sequence, so plans are cached by
// that sequence and a line costs a split, a tail scan and the plan's closures.
import type { LineParser, ParseOutcome } from '../types.js';
import type { FieldSpec, Segment } from './fields.js';
import { readTail, type TailItem } from './kv-tail.js';
import { compileNginxFormat, nginxVar } from './nginx-format.js';
import { compileLineParser, type ParseLine } from './line-parser.js';
import { compilePlan, type Plan } from './plan.js';
import { compileSplitter } from './split.js';

export type TailFlavor = 'nginx' | 'varnish';

const PREFIX = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent';

/** Key names seen in the wild -> the nginx variable they hold. Other keys are kept as-is. */
export const KV_ALIASES: Record<string, string> = {
  rt: 'request_time', reqtime: 'request_time', req_time: 'request_time',
  urt: 'upstream_response_time', upstream_time: 'upstream_response_time',
  uct: 'upstream_connect_time', uht: 'upstream_header_time',
  ua: 'upstream_addr', upstream: 'upstream_addr',
  us: 'upstream_status',
  ucs: 'upstream_cache_status', cache: 'upstream_cache_status', cs: 'upstream_cache_status',
  conn: 'connection', reqs: 'connection_requests', creqs: 'connection_requests',
  vhost: 'host', hostname: 'host', sn: 'server_name',
  rl: 'request_length', reqlen: 'request_length', bs: 'bytes_sent',
  xff: 'http_x_forwarded_for', ref: 'http_referer', rid: 'request_id', reqid: 'request_id',
};

/** varnishncsa -F habits: `handling=%{Varnish:handling}x ttfb=%{Varnish:time_firstbyte}x` */
const VARNISH_KEYS: Record<string, FieldSpec> = {
  handling: { name: 'varnish_handling', role: 'extra', shape: 'token' },
  hitmiss: { name: 'varnish_hitmiss', role: 'extra', shape: 'token' },
  vxid: { name: 'varnish_vxid', role: 'extra', shape: 'token' },
  side: { name: 'varnish_side', role: 'extra', shape: 'token' },
};
for (const k of ['ttfb', 'time_firstbyte', 'firstbyte']) {
  VARNISH_KEYS[k] = { name: 'varnish_time_firstbyte_ms', role: 'extra_number', shape: 'number', scale: 1000 };
}

const QUOTED_NAMES = ['http_referer', 'http_user_agent', 'http_x_forwarded_for'];
const NUMBER = /^\d+$/;
const NO_MATCH: ParseOutcome = { type: 'reject', reason: 'no-match' };
const PLAN_CACHE_MAX = 1000;

function keySpec(key: string, flavor: TailFlavor): FieldSpec {
  return (flavor === 'varnish' ? VARNISH_KEYS[key] : undefined) ?? nginxVar(KV_ALIASES[key] ?? key);
}

function tailSpecs(items: TailItem[], flavor: TailFlavor): FieldSpec[] | null {
  const specs: FieldSpec[] = [];
  let quoted = 0;
  let numbers = 0;
  items.forEach((it, i) => {
    if (it.key !== null) specs.push(keySpec(it.key, flavor));
    else if (it.quoted) {
      const name = QUOTED_NAMES[quoted++] ?? `quoted_${i + 1}`;
      specs.push(nginxVar(name));
    } else if (quoted === 0 && NUMBER.test(it.value) && numbers++ === 0) specs.push(nginxVar('bytes_sent'));
    else specs.push({ name: `field_${i + 1}`, role: 'extra', shape: 'token' });
  });
  // combined's referer and user agent must be there, before any key=value
  const firstKey = items.findIndex((it) => it.key !== null);
  const quotedBeforeKeys = items.filter((it, i) => it.quoted && it.key === null && (firstKey < 0 || i < firstKey)).length;
  if (quotedBeforeKeys < 2 || (flavor === 'nginx' && items.length <= 2)) return null;
  return specs;
}

function signature(items: TailItem[]): string {
  let sig = '';
  for (const it of items) sig += (it.key ?? (it.quoted ? '"' : NUMBER.test(it.value) ? '#' : '~')) + ' ';
  return sig;
}

const NOT_ABSOLUTE: ParseOutcome = { type: 'reject', reason: 'no-match', detail: 'request target is not absolute: not varnishncsa' };

/**
 * The format a tail signature amounts to, as segments: prefix, then ` key="` field `"` ... .
 * Compiled by the fused scanner it parses lines of that shape several times faster than the
 * generic tail reader; it accepts only what the reader would read the same way (a value with
 * a space, a double space, a non-number where a number was seen all make it refuse), and
 * anything it refuses goes through the reader.
 */
function shapeSegments(prefix: Segment[], items: TailItem[], specs: FieldSpec[]): Segment[] {
  const segments = [...prefix];
  items.forEach((it, i) => {
    const q = it.quoted ? '"' : '';
    segments.push(' ' + (it.key !== null ? it.key + '=' : '') + q, specs[i], q);
  });
  return segments;
}

const FAST_MAX = 4;

export function createCombinedTailParser(tz: string, flavor: TailFlavor = 'nginx'): LineParser {
  const stampSide = flavor === 'nginx' ? 'end' : 'start';
  const prefixSegments = compileNginxFormat(PREFIX).segments;
  const prefix = compileSplitter(prefixSegments);
  const nPrefix = prefix.fields.length;
  const plans = new Map<string, Plan | null>();
  const fast: ParseLine[] = [];
  const values: string[] = [];
  // varnishncsa's %r names the host; the vhost comes from it and from nothing else here
  const check = (out: ParseOutcome): ParseOutcome =>
    flavor === 'varnish' && out.type === 'request' && out.record.vhost === null ? NOT_ABSOLUTE : out;

  function generic(line: string): ParseOutcome {
    const pos = prefix.split(line, values, true);
    if (pos < 0) return line.trim() === '' ? { type: 'skip' } : NO_MATCH;
    const items = readTail(line, pos);
    if (!items) return NO_MATCH;
    const sig = signature(items);
    let plan = plans.get(sig);
    if (plan === undefined) {
      const specs = tailSpecs(items, flavor);
      plan = specs ? compilePlan([...prefix.fields, ...specs], { tz, stampSide }) : null;
      if (plans.size >= PLAN_CACHE_MAX) plans.clear();
      plans.set(sig, plan);
      if (specs && fast.length < FAST_MAX) {
        fast.push(compileLineParser(shapeSegments(prefixSegments, items, specs), { tz, stampSide }, NO_MATCH));
      }
    }
    if (!plan) return NO_MATCH;
    for (let i = 0; i < items.length; i++) values[nPrefix + i] = items[i].value;
    return check(plan.build(values));
  }

  return {
    parse(line) {
      for (let i = 0; i < fast.length; i++) {
        const out = fast[i](line);
        if (out.type === 'request') return check(out);
      }
      return generic(line);
    },
  };
}
