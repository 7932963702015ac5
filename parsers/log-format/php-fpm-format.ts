// PHP-FPM `access.format` -> compiled format. FPM's %t is when the request was received (its
// start), %T when the log was written (its end). Its default time layout is CLF without
// brackets. Memory, CPU and pid land in extra with their unit in the name (memory_kb is always
// KB whatever %M unit the log used, so one query reads every pool).
import type { CompiledFormat, FieldSpec, Segment, TimeSpec } from './fields.js';
import { readModLogSpec, headerKey } from './apache-format.js';
import { compileStrftime } from './strftime.js';

export const PHP_FPM_DEFAULT_FORMAT = '%R - %u %t "%m %r" %s';

const CLF_STRFTIME = '%d/%b/%Y:%H:%M:%S %z';

function fpmTime(param: string | undefined, side: TimeSpec['side']): FieldSpec {
  const name = side === 'end' ? 'time_end' : 'time';
  if (param === undefined || param === CLF_STRFTIME) {
    return { name, role: 'time', shape: 'clf', time: { side, parse: 'clf' } };
  }
  const shape = compileStrftime(param).hasSpace ? 'text' : 'token';
  return { name, role: 'time', shape, time: { side, parse: 'strftime', pattern: param } };
}

function fpmDuration(param: string | undefined): FieldSpec {
  const unit = param === 'mili' || param === 'milli' || param === 'milliseconds' ? 'ms'
    : param === 'micro' || param === 'microseconds' ? 'us' : 's';
  return { name: 'duration_' + unit, role: 'duration', shape: 'number', unit };
}

function fpmMemory(param: string | undefined): FieldSpec {
  const scale = param === 'kilo' || param === 'kilobytes' ? 1
    : param === 'mega' || param === 'megabytes' ? 1024 : 1 / 1024;
  return { name: 'memory_kb', role: 'extra_number', shape: 'number', scale };
}

function fpmDirective(letter: string, param: string | undefined): FieldSpec {
  const extra = (name: string, shape: FieldSpec['shape'] = 'token'): FieldSpec => ({ name, role: 'extra', shape });
  const number = (name: string): FieldSpec => ({ name, role: 'extra_number', shape: 'number' });
  switch (letter) {
    case 'C': return number(param && param !== 'total' ? `cpu_${param}_pct` : 'cpu_pct');
    case 'd': return fpmDuration(param);
    case 'e': return extra('env_' + (param ?? ''), 'text');
    case 'f': return extra('script_filename', 'text');
    case 'l': return number('content_length');
    case 'm': return { name: 'request_method', role: 'method', shape: 'token' };
    case 'M': return fpmMemory(param);
    case 'n': return extra('pool');
    case 'o': return extra(headerKey('sent_http_', param ?? ''), 'text');
    case 'p': return number('pid');
    case 'P': return number('ppid');
    case 'q': return { name: 'query_string', role: 'query', shape: 'query' };
    case 'Q': return { name: 'query_mark', role: 'skip', shape: 'qmark' };
    case 'r': return { name: 'request_uri', role: 'path', shape: 'path' };
    case 'R': return { name: 'remote_addr', role: 'client', shape: 'token' };
    case 's': return { name: 'status', role: 'status', shape: 'number' };
    case 't': return fpmTime(param, 'start');
    case 'T': return fpmTime(param, 'end');
    case 'u': return extra('remote_user');
    default: return extra('%' + letter);
  }
}

const DIRECTIVE = /%(?:\{([^}]*)\})?([A-Za-z%])/g;

export function compilePhpFpmFormat(spec: string = PHP_FPM_DEFAULT_FORMAT): CompiledFormat {
  const body = readModLogSpec(spec);
  const segments: Segment[] = [];
  let last = 0;
  for (const m of body.matchAll(DIRECTIVE)) {
    if (m.index! > last) segments.push(body.slice(last, m.index));
    last = m.index! + m[0].length;
    segments.push(m[2] === '%' ? '%' : fpmDirective(m[2], m[1]));
  }
  if (last < body.length) segments.push(body.slice(last));
  if (!segments.some((s) => typeof s !== 'string' && s.role === 'time')) {
    throw new Error('access.format has no time directive (%t or %T)');
  }
  return { segments, stampSide: 'start' };
}
