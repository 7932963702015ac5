// Apache mod_status `server-status?auto`, one or many a file. The page says when it was taken
// (CurrentTime: Monday, 07-Dec-2026 09:42:05 UTC); a date line before it, --at or the file
// name's stamp place a page without one (parsers/snapshot.ts). Into `samples`, snapshot
// 'apache-server-status', subject '':
//   gauges:   BusyWorkers, IdleWorkers, GracefulWorkers, Processes, Stopping, ConnsTotal,
//             ConnsAsync*, Load1/5/15, ServerUptimeSeconds, and the Scoreboard counted by state
//             ('scoreboard <state>': waiting _, starting S, reading R, sending W, keepalive K,
//             dns D, closing C, logging L, graceful G, idle_cleanup I, open .)
//   counters: Total Accesses, Total kBytes, Total Duration
// Busy + idle at MaxRequestWorkers with no open slot left is the worker limit reached.
import { month2, num, readDateLine, snapshotParser, type BodyResult, type SnapshotBody } from './snapshot.js';
import type { FormatDefinition, FormatSample, ParserOptions } from './types.js';

const GAUGES = new Set(['BusyWorkers', 'IdleWorkers', 'GracefulWorkers', 'Processes', 'Stopping', 'ConnsTotal',
  'ConnsAsyncWaitIO', 'ConnsAsyncWriting', 'ConnsAsyncKeepAlive', 'ConnsAsyncClosing', 'Load1', 'Load5', 'Load15', 'ServerUptimeSeconds']);
const COUNTERS = new Set(['Total Accesses', 'Total kBytes', 'Total Duration']);
// read, nothing stored: text, or rates and averages the counters give
const READ = new Set(['ServerVersion', 'ServerMPM', 'Server Built', 'RestartTime', 'ParentServerConfigGeneration',
  'ParentServerMPMGeneration', 'ServerUptime', 'Uptime', 'CPUUser', 'CPUSystem', 'CPUChildrenUser', 'CPUChildrenSystem',
  'CPULoad', 'ReqPerSec', 'BytesPerSec', 'BytesPerReq', 'DurationPerReq', 'TLSSessionCacheStatus', 'CacheType',
  'CacheSharedMemory', 'CacheCurrentEntries', 'CacheSubcaches', 'CacheIndexesPerSubcaches', 'CacheTimeLeftOldestAvg',
  'CacheTimeLeftOldestMin', 'CacheTimeLeftOldestMax', 'CacheIndexUsage', 'CacheUsage', 'CacheStoreCount',
  'CacheReplaceCount', 'CacheExpireCount', 'CacheDiscardCount', 'CacheRetrieveHitCount', 'CacheRetrieveMissCount',
  'CacheRemoveHitCount', 'CacheRemoveMissCount']);
const BOARD: Record<string, string> = { _: 'waiting', S: 'starting', R: 'reading', W: 'sending', K: 'keepalive', D: 'dns',
  C: 'closing', L: 'logging', G: 'graceful', I: 'idle_cleanup', '.': 'open' };
const FIELD_RE = /^([A-Za-z][A-Za-z0-9 ]*[A-Za-z0-9]): ?(.*)$/;
// CurrentTime: Monday, 07-Dec-2026 09:42:05 UTC (ap_ht_time with the server's zone name)
const CURRENT_RE = /^[A-Z][a-z]+, (\d\d)-([A-Z][a-z]{2})-(\d{4}) (\d\d:\d\d:\d\d) (\S+)$/;

function currentTime(value: string, tz: string): number {
  const m = CURRENT_RE.exec(value.trim());
  if (!m) return NaN;
  const utc = m[5] === 'UTC' || m[5] === 'GMT';
  // (a name that is no month gives month 'xx': readDateLine says NaN)
  return readDateLine(`${m[3]}-${month2(m[2])}-${m[1]}T${m[4]}${utc ? 'Z' : ''}`, tz);
}

export function createApacheStatusBody(tz: string): SnapshotBody {
  return {
    line(text: string): BodyResult {
      const m = FIELD_RE.exec(text);
      // the first line is the server's name as the client asked for it
      if (!m) return /^[\w.-]+$|^\[?[0-9a-fA-F:]+\]?$/.test(text) ? 'header' : null;
      const [, key, value] = m;
      if (key === 'CurrentTime') {
        const at = currentTime(value, tz);
        return Number.isNaN(at) ? null : { at };
      }
      if (key === 'Scoreboard') {
        if (!/^[_SRWKDCLGI.]*$/.test(value)) return null;
        const values: Record<string, number> = {};
        for (const name of Object.values(BOARD)) values[`scoreboard ${name}`] = 0;
        for (const ch of value) values[`scoreboard ${BOARD[ch]}`]++;
        return { figures: [{ snapshot: 'apache-server-status', subject: '', kind: 'gauge', values }] };
      }
      const v = num(value.startsWith('.') ? `0${value}` : value);
      if (GAUGES.has(key) && !Number.isNaN(v)) return { figures: [{ snapshot: 'apache-server-status', subject: '', kind: 'gauge', values: { [key]: v } }] };
      if (COUNTERS.has(key) && !Number.isNaN(v)) return { figures: [{ snapshot: 'apache-server-status', subject: '', kind: 'counter', values: { [key]: v } }] };
      return READ.has(key) ? 'header' : null;
    },
  };
}

// Apache 2.4 (Debian), mpm_event, run here on 127.0.0.1 (fixtures/snapshots/apache-server-status-auto.txt)
const NOW = 'CurrentTime: Monday, 07-Dec-2026 09:42:05 UTC';
const T = Date.UTC(2026, 11, 7, 9, 42, 5);
const SAMPLES: FormatSample[] = [
  { line: 'BusyWorkers: 1', before: ['127.0.0.1', 'ServerVersion: Apache/2.4.71 (Debian)', 'ServerMPM: event', NOW],
    expect: { ts: T, snapshot: 'apache-server-status', subject: '', kind: 'gauge', values: { BusyWorkers: 1 } }, note: 'the page\'s own time' },
  { line: 'IdleWorkers: 74', before: [NOW], expect: { values: { IdleWorkers: 74 } } },
  { line: 'Total Accesses: 6', before: [NOW], expect: { kind: 'counter', values: { 'Total Accesses': 6 } } },
  { line: 'ConnsAsyncKeepAlive: 0', before: [NOW], expect: { values: { ConnsAsyncKeepAlive: 0 } } },
  { line: 'Scoreboard: ___W_K..', before: [NOW], expect: { values: { 'scoreboard waiting': 4, 'scoreboard sending': 1, 'scoreboard keepalive': 1, 'scoreboard open': 2 } } },
  { line: 'BusyWorkers: 1', before: ['2026-12-07T09:42:05Z', 'ReqPerSec: 6'], expect: { ts: T }, note: 'a date line before a page' },
  { line: 'BusyWorkers: 1', before: ['127.0.0.1'], reject: 'unplaced-time', note: 'no time: kept, not guessed' },
  { line: 'Scoreboard: hello', before: [NOW], reject: 'no-match' },
];

export const apacheServerStatus: FormatDefinition = {
  name: 'apache-server-status',
  role: 'web',
  title: 'Apache server-status?auto (BusyWorkers, IdleWorkers, Scoreboard by state, ConnsTotal ...), placed by its CurrentTime',
  produces: 'samples',
  example: 'BusyWorkers: 150',
  detectable: true,
  // (above meminfo, whose `Name: N` lines a page's numeric fields also are)
  specificity: 42,
  create: (options: ParserOptions) => snapshotParser(options, createApacheStatusBody(options.tz)),
  samples: SAMPLES,
};
