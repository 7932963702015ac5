// The one registry of log formats. Adding a format = one file under parsers/ plus one line here;
// the generic sample test (test/parsers/samples.test.ts) covers it through its own samples.
import type { FormatDefinition } from './types.js';

// --- access logs (requests table) ---
// (access formats are listed here)
import { nginxCombined } from './nginx-combined.js';
import { nginxCombinedKv } from './nginx-combined-kv.js';
import { nginxCustom } from './nginx-custom.js';
import { apacheCommon } from './apache-common.js';
import { apacheCombined } from './apache-combined.js';
import { apacheVhostCombined } from './apache-vhost-combined.js';
import { apacheCustom } from './apache-custom.js';
import { lighttpdAccess } from './lighttpd-access.js';
import { phpFpmAccess } from './php-fpm-access.js';
import { varnishncsa } from './varnishncsa.js';
import { jsonAccess } from './json-access.js';
import { ltsvAccess } from './ltsv-access.js';

// --- error logs, PHP-FPM, slowlogs (events / slow_traces tables) ---
// (event formats are listed here)
import { lighttpdError } from './lighttpd-error.js';
import { nginxError } from './nginx-error.js';
import { apacheError } from './apache-error.js';
import { phpFpmError } from './php-fpm-error.js';
import { phpFpmSlowlog } from './php-fpm-slowlog.js';
import { phpError } from './php-error.js';
import { varnishFetchError } from './varnish-fetch-error.js';

// --- the kernel: its log (events) and counter snapshots (counter_samples) ---
import { kernelLog } from './kernel-log.js';
import { kernelCounters } from './kernel-counters.js';

// --- system snapshots: ss/netstat, status pages, ps, meminfo, nproc (samples) ---
import { ss } from './ss.js';
import { fpmStatus } from './fpm-status.js';
import { nginxStubStatus } from './nginx-stub-status.js';
import { apacheServerStatus } from './apache-server-status.js';
import { lighttpdStatistics } from './lighttpd-statistics.js';
import { varnishstat } from './varnishstat.js';
import { meminfo } from './meminfo.js';
import { ps } from './ps.js';

export const FORMATS: FormatDefinition[] = [
  // access
  nginxCombined, nginxCombinedKv, nginxCustom,
  apacheCommon, apacheCombined, apacheVhostCombined, apacheCustom, lighttpdAccess, phpFpmAccess, varnishncsa,
  jsonAccess, ltsvAccess,
  // events
  lighttpdError, nginxError, apacheError, phpFpmError, phpFpmSlowlog, phpError, varnishFetchError,
  // kernel
  kernelLog, kernelCounters,
  // snapshots
  ss, fpmStatus, nginxStubStatus, apacheServerStatus, lighttpdStatistics, varnishstat, meminfo, ps,
];

export function findFormat(name: string): FormatDefinition | undefined {
  return FORMATS.find((f) => f.name === name);
}
