// Snapshots of the kernel's cumulative network counters, as a capture script writes them: each
// snapshot after a line that says when it was taken (`date`), in any of three forms:
//   nstat -az                 #kernel / TcpExtListenOverflows  942  0.0
//   cat /proc/net/netstat     TcpExt: SyncookiesSent ... ListenOverflows ... / TcpExt: 43 ... 942 ...
//   netstat -s                TcpExt: / "    942 times the listen queue of a socket overflowed"
// Every value is stored under nstat's name (section + field: TcpExtListenOverflows), so the three
// forms make one series (snapshot 'nstat' in `samples`); the reports read increases between
// snapshots (counter_increases).
//
// The time of a snapshot is the date line before it, never the file's or the ingest's: ISO 8601
// (`date -Is`, `date +%FT%T.%3N%:z`), `date -R`, plain `date` (read in --tz unless it says UTC),
// or epoch seconds (`date +%s`). A file holding one snapshot without a date line takes `--at`.
// Counter lines before any time are kept as rejects `unplaced-time`.
//
// netstat -s leaves out the TcpExt counters that are 0, and nstat without -z the zero ones: a
// counter first seen at N has no increase before it. Capture with `nstat -az`.
// nstat prints increments since its last run unless given -a: a snapshot of increments reads as
// a counter that went down, which counter_increases shows as a reset (no increase), not as data.
import { readDateLine } from './snapshot.js';
import type { SampleRecord, FormatDefinition, FormatSample, LineParser, ParseOutcome, ParserOptions } from './types.js';
import { NETSTAT_S_NAMES } from './netstat-s-names.js';

const NSTAT_RE = /^([A-Z][A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*)\s+(\d+)\s+[\d.]+$/;
// /proc/net/netstat, /proc/net/snmp: a names line, then a values line, both `Section: `
const PROC_RE = /^([A-Za-z][A-Za-z0-9]*): (.*)$/;
// netstat -s
const SECTION_RE = /^([A-Za-z][A-Za-z0-9]*):$/;
const PHRASE_RE = /^ {4}(\d+) (.+)$/;
const NAMED_RE = /^ {4,}([A-Za-z][\w -]*): (\d+)$/;
const SUBHEAD_RE = /^ {4}[A-Za-z][^:]*:$/;

export function createKernelCountersParser(options: ParserOptions): LineParser {
  let ts: number | null = options.at ?? null;
  // /proc/net/netstat: the names line waiting for its values line
  let names: { section: string; fields: string[] } | null = null;
  // netstat -s: the section the indented lines belong to
  let section: string | null = null;

  function counters(values: Record<string, number>): ParseOutcome {
    if (ts === null) return { type: 'reject', reason: 'unplaced-time' };
    const record: SampleRecord = { ts, snapshot: 'nstat', subject: '', kind: 'counter', values };
    return { type: 'samples', records: [record] };
  }

  return {
    parse(line: string): ParseOutcome {
      if (line.trim() === '') return { type: 'skip' };
      // date lines and headers are part of the snapshot they open: parsed, nothing to store
      const date = readDateLine(line, options.tz);
      if (!Number.isNaN(date)) {
        ts = date;
        names = null;
        section = null;
        return { type: 'continued' };
      }
      if (line === '#kernel') return { type: 'continued' };
      let m = NSTAT_RE.exec(line);
      if (m) return counters({ [m[1]]: Number(m[2]) });

      m = SECTION_RE.exec(line);
      if (m) {
        section = m[1];
        return { type: 'continued' };
      }
      m = PROC_RE.exec(line);
      if (m) {
        const tokens = m[2].trim().split(/\s+/);
        if (tokens.every((t) => /^-?\d+$/.test(t))) {
          if (!names || names.section !== m[1] || names.fields.length !== tokens.length) return { type: 'reject', reason: 'orphan-line' };
          const values: Record<string, number> = {};
          names.fields.forEach((f, i) => { values[m![1] + f] = Number(tokens[i]); });
          names = null;
          return counters(values);
        }
        if (tokens.every((t) => /^[A-Za-z]\w*$/.test(t))) {
          names = { section: m[1], fields: tokens };
          return ts === null ? { type: 'reject', reason: 'unplaced-time' } : { type: 'continued' };
        }
        return { type: 'reject', reason: 'no-match' };
      }
      if (section !== null) {
        m = NAMED_RE.exec(line);
        if (m) {
          // `    TCPTimeouts: 90` -> TcpExtTCPTimeouts; a phrase with spaces keeps its words
          const name = /^\w+$/.test(m[1]) ? section + m[1] : `${section}: ${m[1]}`;
          return counters({ [name]: Number(m[2]) });
        }
        m = PHRASE_RE.exec(line);
        if (m) {
          const field = NETSTAT_S_NAMES[section]?.[m[2]];
          return counters({ [field ? section + field : `${section}: ${m[2]}`]: Number(m[1]) });
        }
        if (SUBHEAD_RE.test(line)) return { type: 'continued' };
      }
      return { type: 'reject', reason: 'no-match' };
    },
  };
}

const T = Date.UTC(2026, 11, 7, 8, 38, 29, 237);
const DATE = '2026-12-07T08:38:29.237+00:00';
const PROC_NAMES = 'TcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts PruneCalled RcvPruned OfoPruned OutOfWindowIcmps LockDroppedIcmps ArpFilter TW TWRecycled TWKilled PAWSActive PAWSEstab BeyondWindow TSEcrRejected PAWSOldAck PAWSTimewait DelayedACKs DelayedACKLocked DelayedACKLost ListenOverflows ListenDrops TCPHPHits TCPPureAcks TCPHPAcks TCPRenoRecovery TCPSackRecovery TCPSACKReneging TCPSACKReorder TCPRenoReorder TCPTSReorder TCPFullUndo TCPPartialUndo TCPDSACKUndo TCPLossUndo TCPLostRetransmit TCPRenoFailures TCPSackFailures TCPLossFailures TCPFastRetrans TCPSlowStartRetrans TCPTimeouts TCPLossProbes TCPLossProbeRecovery TCPRenoRecoveryFail TCPSackRecoveryFail TCPRcvCollapsed TCPBacklogCoalesce TCPDSACKOldSent TCPDSACKOfoSent TCPDSACKRecv TCPDSACKOfoRecv TCPAbortOnData TCPAbortOnClose TCPAbortOnMemory TCPAbortOnTimeout TCPAbortOnLinger TCPAbortFailed TCPMemoryPressures TCPMemoryPressuresChrono TCPSACKDiscard TCPDSACKIgnoredOld TCPDSACKIgnoredNoUndo TCPSpuriousRTOs TCPMD5NotFound TCPMD5Unexpected TCPMD5Failure TCPSackShifted TCPSackMerged TCPSackShiftFallback TCPBacklogDrop PFMemallocDrop TCPMinTTLDrop TCPDeferAcceptDrop IPReversePathFilter TCPTimeWaitOverflow TCPReqQFullDoCookies TCPReqQFullDrop TCPRetransFail TCPRcvCoalesce TCPOFOQueue TCPOFODrop TCPOFOMerge TCPChallengeACK TCPSYNChallenge TCPFastOpenActive TCPFastOpenActiveFail TCPFastOpenPassive TCPFastOpenPassiveFail TCPFastOpenListenOverflow TCPFastOpenCookieReqd TCPFastOpenBlackhole TCPSpuriousRtxHostQueues BusyPollRxPackets TCPAutoCorking TCPFromZeroWindowAdv TCPToZeroWindowAdv TCPWantZeroWindowAdv TCPSynRetrans TCPOrigDataSent TCPHystartTrainDetect TCPHystartTrainCwnd TCPHystartDelayDetect TCPHystartDelayCwnd TCPACKSkippedSynRecv TCPACKSkippedPAWS TCPACKSkippedSeq TCPACKSkippedFinWait2 TCPACKSkippedTimeWait TCPACKSkippedChallenge TCPWinProbe TCPKeepAlive TCPMTUPFail TCPMTUPSuccess TCPDelivered TCPDeliveredCE TCPAckCompressed TCPZeroWindowDrop TCPRcvQDrop TCPWqueueTooBig TCPFastOpenPassiveAltKey TcpTimeoutRehash TcpDuplicateDataRehash TCPDSACKRecvSegs TCPDSACKIgnoredDubious TCPMigrateReqSuccess TCPMigrateReqFailure TCPPLBRehash TCPAORequired TCPAOBad TCPAOKeyNotFound TCPAOGood TCPAODroppedIcmps';
const PROC_VALUES = 'TcpExt: 43 86 0 1 0 0 0 0 0 0 524 11 0 0 0 0 0 0 0 384 0 0 942 942 218 1524 3422 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 90 0 0 0 0 0 0 0 0 0 0 1 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 43 0 0 296 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 90 4987 0 0 0 0 0 0 0 0 0 0 0 0 0 0 5496 0 0 0 0 0 0 90 0 0 0 0 0 0 0 0 0 0 0';

// The first samples are lines of story 6's capture (kernel 6.18, nstat from iproute2 6.1,
// net-tools 2.10 netstat); the date forms are what `date` prints.
const SAMPLES: FormatSample[] = [
  { line: 'TcpExtListenOverflows           942                0.0', before: [DATE, '#kernel'],
    expect: { ts: T, values: { TcpExtListenOverflows: 942 } }, note: 'nstat -az' },
  { line: PROC_VALUES, before: [DATE, PROC_NAMES],
    expect: { ts: T, values: { TcpExtSyncookiesSent: 43, TcpExtListenOverflows: 942, TcpExtListenDrops: 942, TcpExtTCPTimeouts: 90 } }, note: '/proc/net/netstat' },
  { line: 'TcpExt: 1 2', before: [DATE, 'IpExt: InNoRoutes InTruncatedPkts'], reject: 'orphan-line', note: 'values without their names line' },
  { line: '    942 times the listen queue of a socket overflowed', before: [DATE, 'TcpExt:'],
    expect: { ts: T, values: { TcpExtListenOverflows: 942 } }, note: 'netstat -s' },
  { line: '    942 SYNs to LISTEN sockets dropped', before: [DATE, 'TcpExt:'], expect: { values: { TcpExtListenDrops: 942 } } },
  { line: '    43 SYN cookies sent', before: [DATE, 'TcpExt:'], expect: { values: { TcpExtSyncookiesSent: 43 } } },
  { line: '    TCPReqQFullDoCookies: 43', before: [DATE, 'TcpExt:'], expect: { values: { TcpExtTCPReqQFullDoCookies: 43 } }, note: 'netstat -s names what it has no phrase for' },
  { line: '    1340 active connection openings', before: [DATE, 'Tcp:'], expect: { values: { TcpActiveOpens: 1340 } } },
  { line: '    384 delayed acks sent', before: [DATE, 'TcpExt:'], expect: { values: { 'TcpExt: delayed acks sent': 384 } }, note: 'a phrase without a known name keeps its words' },
  { line: '    ICMP input histogram:', before: [DATE, 'Icmp:'], after: ['    0 ICMP messages sent'], expect: { values: { 'Icmp: ICMP messages sent': 0 } } },
  // --- the date line forms ---
  { line: 'TcpExtListenOverflows 5 0.0', before: ['Mon Dec  7 08:38:29 UTC 2026'], expect: { ts: T - 237 }, note: 'date' },
  { line: 'TcpExtListenOverflows 5 0.0', before: ['Mon Dec  7 09:38:29 CET 2026'], options: { tz: 'Europe/Berlin' }, expect: { ts: T - 237 }, note: 'date, a zone name: read in --tz' },
  { line: 'TcpExtListenOverflows 5 0.0', before: ['Mon, 07 Dec 2026 09:38:29 +0100'], expect: { ts: T - 237 }, note: 'date -R' },
  { line: 'TcpExtListenOverflows 5 0.0', before: ['1796632709'], expect: { ts: T - 237 }, note: 'date +%s' },
  { line: 'TcpExtListenOverflows 5 0.0', before: ['#kernel'], options: { at: T }, expect: { ts: T, values: { TcpExtListenOverflows: 5 } }, note: '--at' },
  { line: 'TcpExtListenOverflows 5 0.0', before: ['#kernel'], reject: 'unplaced-time', note: 'no date line, no --at: kept, not guessed' },
  { line: '2026/11/22 09:52:31 [error] 1#1: x', reject: 'no-match' },
];

export const kernelCounters: FormatDefinition = {
  name: 'kernel-counters',
  role: null,
  title: 'Kernel counter snapshots (nstat -az, /proc/net/netstat, netstat -s), each after a date line',
  produces: 'samples',
  // (one line of a snapshot; the date line and `#kernel` come before it)
  example: 'TcpExtListenOverflows           942                0.0',
  detectable: true,
  specificity: 45,
  create: createKernelCountersParser,
  samples: SAMPLES,
};
