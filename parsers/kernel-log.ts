// The kernel log in the forms users have it, told apart line by line:
//   dmesg --time-format iso   2026-12-07T08:37:52,729324+00:00 TCP: ...      (comma: dmesg's own)
//   dmesg -T                  [Mon Dec  7 08:37:52 2026] TCP: ...            (local time, no zone)
//   dmesg                     [  549.729324] TCP: ...                        (seconds since boot)
//   dmesg -x                  kern  :info  : [  549.729324] TCP: ...         (facility and level first)
//   kern.log, syslog          Dec  7 08:37:52 web1 kernel: [  549.729324] TCP: ...
//   journalctl -k             Dec 07 08:37:52 web1 kernel: TCP: ...
//   rsyslog RFC 3339, journalctl -o short-iso / short-iso-precise
//                             2026-12-07T08:37:52+0000 web1 kernel: TCP: ...
// Each message is classified by parsers/kernel-rules.ts (component `kernel`). Syslog lines of
// other programs are kept as `other` events of that program, so a whole /var/log/syslog loses
// nothing.
//
// Placing a line in time needs, for raw dmesg, the boot time: `--boot-time`, or a `btime N` line
// (from /proc/stat) earlier in the same capture; for syslog and journal short stamps, which have
// no year, `--year` (the year of the first line; a step from December back to January moves to
// the next year). Without them the line is kept as a reject `unplaced-time`, never guessed.
// Note that dmesg -T and raw dmesg count from boot on the monotonic clock, which stops during
// suspend and drifts from the wall clock: a few hundred ms on a VM is common.
import { applyHit, matchRule, newEvent, normalizeSeverity, type Severity } from './event-rules.js';
import { readApache } from './error-stamps.js';
import { KERNEL_RULES, oomRssBytes } from './kernel-rules.js';
import { monthIndex, parseIsoTime, zonedToEpoch } from '../src/util/time.js';
import type { EventRecord, FormatDefinition, LineParser, ParseOutcome, ParserOptions } from './types.js';
import { KERNEL_LOG_SAMPLES } from './kernel-log.samples.js';

// (fractions are cut to the millisecond, not rounded, in every form: raw dmesg and iso agree)
const DMESG_ISO_RE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d),(\d+)(Z|[+-]\d\d:?\d\d) (.*)$/;
const CTIME_RE = /^\[([A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4})\] ?(.*)$/;
// CONFIG_PRINTK_CALLER adds the caller after the stamp: `[ 1630.161867][T14021] `
const LOCALE_CTIME_RE = /^\[[^\]\d]{2,} [^\]\d]{2,} +\d{1,2} \d\d:\d\d:\d\d \d{4}\] /;
const MONO_RE = /^\[ *(\d+)\.(\d+)\](?:\[ *[TC]\d+\])? ?(.*)$/;
// `dmesg -x` and `dmesg -r`: the level ahead of the stamp
const DECODED_RE = /^[a-z]+ *:([a-z]+) *: (.*)$/;
const RAW_LEVEL_RE = /^<(\d)>(.*)$/;
const SYSLOG_RE = /^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? (\S+) ([^\s:[\]]+)(?:\[(\d+)\])?: ?(.*)$/;
const ISO_SYSLOG_RE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d) (\S+) ([^\s:[\]]+)(?:\[(\d+)\])?: ?(.*)$/;
// kern.log repeats the kernel's own seconds since boot after `kernel: `
const UPTIME_PREFIX_RE = /^\[ *\d+\.\d+\] ?/;
const BTIME_RE = /^btime (\d{9,11})$/;
// journalctl's own lines: `-- Logs begin at ... --`, `-- Boot 3a1b... --`, `-- No entries --`
const JOURNAL_NOTE_RE = /^-- .* --$/;

const LEVELS: Severity[] = ['emerg', 'alert', 'crit', 'error', 'warn', 'notice', 'info', 'debug'];

function daysIn(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

function fracMs(digits: string): number {
  return Math.floor(Number('0.' + digits) * 1000);
}

export function createKernelLogParser(options: ParserOptions): LineParser {
  let bootTime = options.bootTime ?? null;
  // yearless stamps: the year of the first line (--year), moved on at each December -> January
  let year = options.year ?? null;
  let lastMonth = -1;

  const unplaced: ParseOutcome = { type: 'reject', reason: 'unplaced-time' };

  function event(ts: number, message: string, component = 'kernel', pid: number | null = null, level: Severity | null = null): ParseOutcome {
    const ev: EventRecord = newEvent(ts, component, message);
    ev.pid = pid;
    if (component === 'kernel') classify(ev, message);
    if (level) ev.severity = level;
    return { type: 'event', record: ev };
  }

  function syslogYear(month: number): number | null {
    if (year === null) return null;
    if (lastMonth >= 0 && month < lastMonth - 6) year++;
    lastMonth = month;
    return year;
  }

  /** The body after the stamp of a syslog or journal line. */
  function fromSyslog(ts: number, program: string, pid: string | undefined, message: string): ParseOutcome {
    if (Number.isNaN(ts)) return { type: 'reject', reason: 'bad-timestamp' };
    if (program === 'kernel') return event(ts, message.replace(UPTIME_PREFIX_RE, ''));
    return event(ts, message, program, pid ? Number(pid) : null);
  }

  function parse(line: string, level: Severity | null): ParseOutcome {
    let m = MONO_RE.exec(line);
    if (m) {
      if (bootTime === null) return unplaced;
      return event(bootTime + Number(m[1]) * 1000 + fracMs(m[2]), m[3], 'kernel', null, level);
    }
    m = DMESG_ISO_RE.exec(line);
    if (m) {
      const ts = parseIsoTime(m[1] + m[3], 'UTC') + fracMs(m[2]);
      return Number.isNaN(ts) ? { type: 'reject', reason: 'bad-timestamp' } : event(ts, m[4], 'kernel', null, level);
    }
    m = CTIME_RE.exec(line);
    if (m) {
      const ts = readApache(m[1], options.tz);
      return Number.isNaN(ts) ? { type: 'reject', reason: 'bad-timestamp' } : event(ts, m[2], 'kernel', null, level);
    }
    // dmesg -T in another locale (`[Ср мар 10 20:19:39 2021]`): a stamp, but not one to read
    if (LOCALE_CTIME_RE.test(line)) return { type: 'reject', reason: 'bad-timestamp' };
    m = SYSLOG_RE.exec(line);
    if (m) {
      const month = monthIndex(m[1]);
      if (month === undefined) return { type: 'reject', reason: 'bad-timestamp' };
      const y = syslogYear(month);
      if (y === null) return unplaced;
      const d = +m[2], h = +m[3], mi = +m[4], s = +m[5];
      const ts = d >= 1 && d <= daysIn(y, month) && h < 24 && mi < 60 && s < 61 ? zonedToEpoch(options.tz, y, month, d, h, mi, s, m[6] ? fracMs(m[6]) : 0) : NaN;
      return fromSyslog(ts, m[8], m[9], m[10]);
    }
    m = ISO_SYSLOG_RE.exec(line);
    if (m) return fromSyslog(parseIsoTime(m[1] + m[3], options.tz) + (m[2] ? fracMs(m[2]) : 0), m[5], m[6], m[7]);
    return { type: 'reject', reason: 'no-match' };
  }

  return {
    parse(line: string): ParseOutcome {
      const bt = BTIME_RE.exec(line);
      if (bt) {
        // --boot-time, when given, is the user's word and wins over the capture's
        bootTime = options.bootTime ?? Number(bt[1]) * 1000;
        // parsed: it places the lines after it, though it stores nothing itself
        return { type: 'continued' };
      }
      if (JOURNAL_NOTE_RE.test(line)) return { type: 'skip' };
      const raw = RAW_LEVEL_RE.exec(line);
      if (raw) return parse(raw[2], LEVELS[Number(raw[1])] ?? null);
      const decoded = DECODED_RE.exec(line);
      if (decoded) return parse(decoded[2], normalizeSeverity(decoded[1]));
      return parse(line, null);
    },
  };
}

function classify(ev: EventRecord, message: string): void {
  const hit = matchRule(KERNEL_RULES, message);
  if (!hit) return;
  applyHit(ev, hit);
  ev.severity = hit.rule.severity ?? null;
  if (ev.kind === 'oom_kill') ev.value = oomRssBytes(message);
}

export const kernelLog: FormatDefinition = {
  name: 'kernel-log',
  role: null,
  title: 'Linux kernel log (dmesg -T / --time-format iso / raw, kern.log, syslog, journalctl -k)',
  produces: 'events',
  example: '2026-12-07T08:37:52,729324+00:00 TCP: request_sock_TCP: Possible SYN flooding on port 127.0.0.1:18061. Sending cookies.',
  detectable: true,
  specificity: 35,
  create: createKernelLogParser,
  samples: KERNEL_LOG_SAMPLES,
};
