// `--what-if pm.max_children=12,listen.backlog=511`: the settings a user names, applied to the pool
// model the logs were written under. Each server spells its limits its own way; they map onto
// the few numbers the model has (replay.ts).
import type { PoolModel } from './replay.js';

type Field = 'workersPerSocket' | 'sockets' | 'backlog' | 'killTimeoutMs' | 'frontTimeoutMs' | 'disableS' | 'somaxconn' | 'connectTimeoutMs';

/** setting name (as the servers spell it, lower-cased) -> model field, and whether it is a time */
const SETTINGS: Record<string, [Field, 'count' | 'ms' | 's']> = {
  'pm.max_children': ['workersPerSocket', 'count'],
  php_fcgi_children: ['workersPerSocket', 'count'],
  maxrequestworkers: ['workersPerSocket', 'count'],
  maxclients: ['workersPerSocket', 'count'],
  workers: ['workersPerSocket', 'count'],
  'max-procs': ['sockets', 'count'],
  'fastcgi.max-procs': ['sockets', 'count'],
  'listen.backlog': ['backlog', 'count'],
  'listen-backlog': ['backlog', 'count'],
  'fastcgi.listen-backlog': ['backlog', 'count'],
  listenbacklog: ['backlog', 'count'],
  backlog: ['backlog', 'count'],
  'net.core.somaxconn': ['somaxconn', 'count'],
  somaxconn: ['somaxconn', 'count'],
  request_terminate_timeout: ['killTimeoutMs', 'ms'],
  fastcgi_read_timeout: ['frontTimeoutMs', 'ms'],
  proxy_read_timeout: ['frontTimeoutMs', 'ms'],
  first_byte_timeout: ['frontTimeoutMs', 'ms'],
  'disable-time': ['disableS', 's'],
  proxy_connect_timeout: ['connectTimeoutMs', 'ms'],
  connect_timeout: ['connectTimeoutMs', 'ms'],
};

export class WhatIfError extends Error {}

/**
 * A time as these settings are written: bare seconds ('5', as request_terminate_timeout and
 * nginx take them), or with a unit: ms, s, m, h. Counts are whole numbers.
 * (When h/config's shared value parser is merged, this defers to it.)
 */
function parseValue(name: string, text: string, kind: 'count' | 'ms' | 's'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/i.exec(text.trim());
  if (!m) throw new WhatIfError(`--what-if ${name}=${text}: not a number`);
  const n = Number(m[1]);
  if (kind === 'count') {
    if (m[2] || !Number.isInteger(n)) throw new WhatIfError(`--what-if ${name}=${text}: a whole number is needed`);
    return n;
  }
  const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's').toLowerCase() as 'ms' | 's' | 'm' | 'h'];
  const ms = n * unitMs;
  return kind === 'ms' ? ms : ms / 1000;
}

/** PHP-FPM's pm = dynamic settings -> PoolModel.dynamic fields */
const DYNAMIC: Record<string, 'start' | 'minSpare' | 'maxSpare' | 'maxSpawnRate'> = {
  'pm.start_servers': 'start', 'pm.min_spare_servers': 'minSpare', 'pm.max_spare_servers': 'maxSpare', 'pm.max_spawn_rate': 'maxSpawnRate',
};

/** nginx's marking of failed upstream servers -> PoolModel.upstream fields */
const UPSTREAM: Record<string, ['maxFails', 'count'] | ['failTimeoutMs', 'ms']> = {
  max_fails: ['maxFails', 'count'], fail_timeout: ['failTimeoutMs', 'ms'],
};

/** Parse `a=1,b=2s` and apply it to a copy of `model`. Throws WhatIfError naming what is wrong. */
export function applyWhatIf(model: PoolModel, spec: string): PoolModel {
  const out: PoolModel = { ...model, ...(model.dynamic ? { dynamic: { ...model.dynamic } } : {}), ...(model.upstream ? { upstream: { ...model.upstream } } : {}) };
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new WhatIfError(`--what-if ${part}: expected name=value`);
    const name = part.slice(0, eq).trim();
    const key = name.toLowerCase().replace(/^\./, '');
    const text = part.slice(eq + 1).trim();
    if (key === 'pm') {
      // pm = static: every child from the start; pm = dynamic needs its spare settings
      if (text === 'static') { delete out.dynamic; continue; }
      if (text === 'dynamic' && out.dynamic) continue;
      throw new WhatIfError(`--what-if pm=${text}: only pm=static, or pm=dynamic on a pool that is dynamic already`);
    }
    if (DYNAMIC[key]) {
      if (!out.dynamic) throw new WhatIfError(`--what-if ${name}: the pool is not pm = dynamic`);
      out.dynamic[DYNAMIC[key]] = parseValue(name, text, 'count');
      continue;
    }
    if (UPSTREAM[key]) {
      // max_fails=0: nginx never marks a server down; fail_timeout in nginx's whole seconds
      if (!out.upstream) throw new WhatIfError(`--what-if ${name}: the pool is not nginx balancing several upstream servers`);
      const [field, kind] = UPSTREAM[key];
      const value = parseValue(name, text, kind);
      if (field === 'failTimeoutMs' && (value < 1000 || value % 1000 !== 0)) throw new WhatIfError(`--what-if ${name}=${text}: nginx counts fail_timeout in whole seconds, at least 1s`);
      out.upstream[field] = value;
      continue;
    }
    const entry = SETTINGS[key];
    if (!entry) throw new WhatIfError(`--what-if ${name}: not a limit the replay models (it knows: ${[...Object.keys(SETTINGS), 'pm', ...Object.keys(DYNAMIC), ...Object.keys(UPSTREAM)].join(', ')})`);
    const [field, kind] = entry;
    const value = parseValue(name, text, kind);
    // a connect timeout only means something where a full queue drops SYNs (a TCP backend); a
    // unix socket's full queue fails connect() at once, whatever the timeout
    if (field === 'connectTimeoutMs' && model.connectTimeoutMs === undefined) throw new WhatIfError(`--what-if ${name}: the pool is not reached over TCP (a full unix socket refuses at once)`);
    if (field === 'connectTimeoutMs' && value <= 0) throw new WhatIfError(`--what-if ${name}: a connect timeout above 0 is needed`);
    if ((field === 'workersPerSocket' || field === 'sockets') && value < 1) throw new WhatIfError(`--what-if ${name}: at least 1`);
    // a timeout of 0 means none (request_terminate_timeout = 0, nginx never takes 0)
    if ((field === 'killTimeoutMs' || field === 'frontTimeoutMs') && value === 0) delete out[field];
    else out[field] = value;
  }
  return out;
}
