// Socket snapshots: `ss -s`, `ss -tan` / `netstat -an` / `netstat -tan` (one socket a line,
// counted per TCP state), their `| awk '{print $1}' | sort | uniq -c` summaries, and the listen
// tables `ss -lnt` / `ss -xl` / `netstat -lnt`, one or many snapshots a file (parsers/snapshot.ts
// places them in time). Into `samples`:
//   ss-states  subject ''            metric = the state as ss spells it (ESTAB, SYN-RECV, TIME-WAIT ...):
//                                    sockets in that state; from ss -s: sockets, tcp, tcp estab,
//                                    tcp closed, tcp orphaned, tcp timewait, `<TRANSPORT> sockets`
//              subject 'local:80'    sockets in a state whose local port is a listening port of the
//                                    same table (SYN-RECV on :80: the SYN queue of that listener)
//              subject 'peer:9000'   ... whose peer port is (the proxy's SYN-SENT to a backend port)
//   ss-listen  subject the listener ('127.0.0.1:80', '[::]:80', 'unix:/run/php/php-fpm.sock'):
//              recv_q (sockets waiting in the accept queue now) and send_q (the backlog it was
//              given, capped by net.core.somaxconn). netstat prints no backlog: recv_q only.
// netstat's spellings (SYN_RECV, ESTABLISHED, FIN_WAIT1) are stored as ss's, so both make one series.
import { snapshotParser, type BodyResult, type Figures, type SnapshotBody } from './snapshot.js';
import type { FormatDefinition, FormatSample, ParserOptions } from './types.js';

const STATES: Record<string, string> = {
  ESTAB: 'ESTAB', ESTABLISHED: 'ESTAB', 'SYN-SENT': 'SYN-SENT', SYN_SENT: 'SYN-SENT', 'SYN-RECV': 'SYN-RECV',
  SYN_RECV: 'SYN-RECV', NEW_SYN_RECV: 'SYN-RECV', 'FIN-WAIT-1': 'FIN-WAIT-1', FIN_WAIT1: 'FIN-WAIT-1',
  'FIN-WAIT-2': 'FIN-WAIT-2', FIN_WAIT2: 'FIN-WAIT-2', 'TIME-WAIT': 'TIME-WAIT', TIME_WAIT: 'TIME-WAIT',
  CLOSE: 'CLOSE', CLOSED: 'CLOSE', UNCONN: 'UNCONN', 'CLOSE-WAIT': 'CLOSE-WAIT', CLOSE_WAIT: 'CLOSE-WAIT',
  'LAST-ACK': 'LAST-ACK', LAST_ACK: 'LAST-ACK', LISTEN: 'LISTEN', LISTENING: 'LISTEN', CLOSING: 'CLOSING',
};
const STATE_WORDS = Object.keys(STATES).join('|');

// ss -s
const TOTAL_RE = /^Total: (\d+)(?: \(kernel \d+\))?\s*$/;
const TCP_SUMMARY_RE = /^TCP:\s+(\d+) \((.*)\)\s*$/;
const TRANSPORT_RE = /^(RAW|UDP|TCP|INET|FRAG)\s+(\d+)\s+\d+\s+\d+\s*$/;
const TRANSPORT_HEAD_RE = /^Transport\s+Total\s+IP\s+IPv6\s*$/;
// `   1182 TIME-WAIT` / `    588 TIME-WAIT local:18083` (uniq -c of a state column, optionally with a subject)
const UNIQ_RE = new RegExp(`^\\s*(\\d+) (${STATE_WORDS})(?: (\\S+))?\\s*$`);
// uniq -c of the header word a state column has (ss: State, netstat: the "Foreign" of "Foreign Address")
const UNIQ_HEAD_RE = /^\s*\d+ (State|Foreign|Address|established\)|servers\)|Recv-Q)\s*$/;
// ss tables: [Netid] State Recv-Q Send-Q Local Peer [Process]
const SS_HEAD_RE = /^(?:Netid\s+)?State\s+Recv-Q\s+Send-Q\s+Local Address:Port\s+Peer Address:Port/;
const SS_ROW_RE = new RegExp(`^(?:(tcp|udp|raw|u_str|u_dgr|u_seq|p_raw|p_dgr|nl|mptcp|sctp)\\s+)?(${STATE_WORDS})\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)\\s+(\\S+)(?:\\s+(\\S+)(?:\\s+(\\S+))?)?(?:\\s+(users:.*))?\\s*$`);
// `ss -tan state syn-recv` leaves the State column out: the state is the command's
const SS_STATELESS_HEAD_RE = /^Recv-Q\s+Send-Q\s+Local Address:Port\s+Peer Address:Port/;
const SS_STATELESS_ROW_RE = /^(\d+)\s+(\d+)\s+(\S+:\S+)\s+(\S+:\S+)(?:\s+(users:.*))?\s*$/;
// netstat -an / -tan
const NETSTAT_HEAD_RE = /^(?:Active (?:Internet connections|UNIX domain sockets|Bluetooth connections) \(.*\)|Proto\s+Recv-Q\s+Send-Q\s+Local Address\s+Foreign Address\s+State.*|Proto\s+RefCnt\s+Flags\s+Type\s+State\s+I-Node\s+Path)\s*$/;
const NETSTAT_ROW_RE = new RegExp(`^(tcp6?|udp6?|raw6?)\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)\\s+(\\S+)(?:\\s+(${STATE_WORDS}))?(?:\\s+\\S.*)?\\s*$`);
// netstat -an's unix socket table: no queue for these (ss -xl has them)
const NETSTAT_UNIX_RE = /^unix\s+\d+\s+\[/;

function port(address: string): string | null {
  const m = /:(\d+)$/.exec(address);
  return m ? m[1] : null;
}

interface Row { state: string; local: string; peer: string }

export function createSsBody(): SnapshotBody {
  let rows: Row[] = [];
  // the one state an `ss ... state NAME` command line asked for (its table has no State column)
  let filtered: string | null = null;
  const gauge = (snapshot: string, subject: string, values: Record<string, number>): Figures => ({ snapshot, subject, kind: 'gauge', values });

  /** One socket of a table: listeners give their queues now, every socket counts at the table's end. */
  function socket(state: string, recvQ: number, sendQ: number | null, local: string, peer: string, netid?: string): BodyResult {
    rows.push({ state, local, peer });
    if (state !== 'LISTEN') return { summed: true };
    const unix = netid?.startsWith('u_') || local.startsWith('/') || local.startsWith('@');
    const values: Record<string, number> = { recv_q: recvQ };
    if (sendQ !== null) values.send_q = sendQ;
    return { summed: true, figures: [gauge('ss-listen', unix ? `unix:${local}` : local, values)] };
  }

  return {
    command(text: string): void {
      const m = /^ss\s.*\bstate\s+([a-z][a-z0-9-]*)/i.exec(text);
      filtered = m ? STATES[m[1].toUpperCase()] ?? null : null;
    },
    line(text: string): BodyResult {
      if (filtered !== null) {
        const f = SS_STATELESS_ROW_RE.exec(text);
        if (f) return socket(filtered, Number(f[1]), Number(f[2]), f[3], f[4]);
        if (SS_STATELESS_HEAD_RE.test(text)) return 'header';
      }
      let m = SS_ROW_RE.exec(text);
      if (m) return socket(STATES[m[2]], Number(m[3]), Number(m[4]), m[5], m[6], m[1]);
      m = NETSTAT_ROW_RE.exec(text);
      if (m) {
        if (!m[6]) return 'header'; // udp/raw: no state to count
        return socket(STATES[m[6]], Number(m[2]), null, m[4], m[5]);
      }
      m = UNIQ_RE.exec(text);
      if (m) return { figures: [gauge('ss-states', m[3] ?? '', { [STATES[m[2]]]: Number(m[1]) })] };
      m = TOTAL_RE.exec(text);
      if (m) return { figures: [gauge('ss-states', '', { sockets: Number(m[1]) })] };
      m = TCP_SUMMARY_RE.exec(text);
      if (m) {
        const values: Record<string, number> = { tcp: Number(m[1]) };
        for (const part of m[2].split(',')) {
          const kv = /^\s*([a-z]+) (\d+)\s*$/.exec(part);
          if (kv) values[`tcp ${kv[1]}`] = Number(kv[2]);
        }
        return { figures: [gauge('ss-states', '', values)] };
      }
      m = TRANSPORT_RE.exec(text);
      if (m) return { figures: [gauge('ss-states', '', { [`${m[1]} sockets`]: Number(m[2]) })] };
      if (SS_HEAD_RE.test(text) || NETSTAT_HEAD_RE.test(text) || TRANSPORT_HEAD_RE.test(text) || UNIQ_HEAD_RE.test(text)) return 'header';
      if (NETSTAT_UNIX_RE.test(text)) return 'header';
      return null;
    },
    end(): Figures[] {
      if (!rows.length) return [];
      const listening = new Set(rows.filter((r) => r.state === 'LISTEN').map((r) => port(r.local)).filter((p) => p !== null));
      const all: Record<string, number> = {};
      const bySubject = new Map<string, Record<string, number>>();
      for (const r of rows) {
        all[r.state] = (all[r.state] ?? 0) + 1;
        if (r.state === 'LISTEN') continue;
        const lp = port(r.local);
        const pp = port(r.peer);
        const subject = lp !== null && listening.has(lp) ? `local:${lp}` : pp !== null ? `peer:${pp}` : null;
        if (subject === null) continue;
        const v = bySubject.get(subject) ?? {};
        v[r.state] = (v[r.state] ?? 0) + 1;
        bySubject.set(subject, v);
      }
      rows = [];
      return [...[...bySubject].sort((a, b) => a[0].localeCompare(b[0])).map(([s, v]) => gauge('ss-states', s, v)), gauge('ss-states', '', all)];
    },
    reset(): void { rows = []; filtered = null; },
  };
}

const HEAD = '# 2026-11-22T09:52:47.097+0000  phase C+D';
const T = Date.UTC(2026, 10, 22, 9, 52, 47, 97);

// Lines of story 3's and 1b's captures (iproute2 6.1 ss), of the Server Fault cases in
// ../shared/samples/seed-configs (netstat), and of ss/netstat run on this machine.
const SAMPLES: FormatSample[] = [
  { line: 'Total: 146', before: [HEAD, '$ ss -s'], expect: { ts: T, snapshot: 'ss-states', subject: '', kind: 'gauge', values: { sockets: 146 } }, note: 'ss -s' },
  { line: 'TCP:   131 (estab 100, closed 28, orphaned 0, timewait 28)', before: [HEAD],
    expect: { values: { tcp: 131, 'tcp estab': 100, 'tcp closed': 28, 'tcp orphaned': 0, 'tcp timewait': 28 } } },
  { line: 'TCP\t  103       103       0        ', before: [HEAD, 'Transport Total     IP        IPv6'], expect: { values: { 'TCP sockets': 103 } } },
  { line: '    100 ESTAB', before: [HEAD, "$ ss -tan state all | awk '{print $1}' | sort | uniq -c", '      1 State'],
    expect: { ts: T, snapshot: 'ss-states', subject: '', values: { ESTAB: 100 } }, note: 'uniq -c of the state column' },
  { line: '    546 TIME-WAIT local:18083', before: [HEAD], expect: { subject: 'local:18083', values: { 'TIME-WAIT': 546 } }, note: 'uniq -c with a subject' },
  { line: '    256 SYN_RECV', before: ['# 2026-11-22T09:52:47.097+0000', "$ netstat -an|awk '/tcp/ {print $6}'|sort|uniq -c"],
    expect: { values: { 'SYN-RECV': 256 } }, note: 'netstat spelling, stored as ss spells it' },
  { line: 'u_str LISTEN 9      8             /tmp/lab-s3/run/php-fpm.sock 249560            * 0          ',
    before: [HEAD, "$ ss -xl | grep -E 'Netid|lab-s3'", 'Netid State  Recv-Q Send-Q                       Local Address:Port   Peer Address:PortProcess'],
    expect: { ts: T, snapshot: 'ss-listen', subject: 'unix:/tmp/lab-s3/run/php-fpm.sock', values: { recv_q: 9, send_q: 8 } }, note: 'ss -xl' },
  { line: 'LISTEN 0      511          0.0.0.0:80        0.0.0.0:*    ', before: [HEAD, 'State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process'],
    expect: { snapshot: 'ss-listen', subject: '0.0.0.0:80', values: { recv_q: 0, send_q: 511 } }, note: 'ss -lnt' },
  { line: 'tcp   LISTEN 3      8            127.0.0.1:18085      0.0.0.0:*    users:(("nginx",pid=1200,fd=6))', before: [HEAD],
    expect: { subject: '127.0.0.1:18085', values: { recv_q: 3, send_q: 8 } }, note: 'ss -ltnp: Netid column and process' },
  // a table of sockets: counted per state at its end
  { line: 'SYN-RECV 0      0          10.0.0.5:80     203.0.113.9:40112', after: ['ESTAB 0 0 10.0.0.5:43210 10.0.0.7:9000', 'SYN-SENT 0 1 10.0.0.5:43211 10.0.0.7:9000'],
    before: [HEAD, 'State  Recv-Q Send-Q Local Address:Port Peer Address:Port', 'LISTEN 0 511 0.0.0.0:80 0.0.0.0:*'],
    expect: { ts: T, snapshot: 'ss-states', subject: '', values: { LISTEN: 1, 'SYN-RECV': 1, ESTAB: 1, 'SYN-SENT': 1 } }, note: 'ss -tan' },
  { line: 'SYN-RECV 0      0          10.0.0.5:80     203.0.113.9:40112', after: ['SYN-SENT 0 1 10.0.0.5:43211 10.0.0.7:9000'],
    before: [HEAD, 'LISTEN 0 511 0.0.0.0:80 0.0.0.0:*'], expect: { subject: 'local:80', values: { 'SYN-RECV': 1 } }, note: 'ss -Htan: the listener\'s port' },
  { line: 'SYN-SENT 0 1 10.0.0.5:43211 10.0.0.7:9000', after: [], before: [HEAD, 'LISTEN 0 511 0.0.0.0:80 0.0.0.0:*'],
    expect: { subject: 'peer:9000', values: { 'SYN-SENT': 1 } }, note: 'to a backend: the peer port' },
  { line: 'tcp        0      0 10.0.0.5:80             198.51.100.7:51514      SYN_RECV   ', after: [],
    before: [HEAD, 'Active Internet connections (servers and established)', 'Proto Recv-Q Send-Q Local Address           Foreign Address         State      ', 'tcp        5      0 0.0.0.0:80              0.0.0.0:*               LISTEN     '],
    expect: { subject: 'local:80', values: { 'SYN-RECV': 1 } }, note: 'netstat -tan' },
  { line: 'tcp        5      0 0.0.0.0:80              0.0.0.0:*               LISTEN     ', before: [HEAD],
    expect: { snapshot: 'ss-listen', subject: '0.0.0.0:80', values: { recv_q: 5 } }, note: 'netstat -lnt: the accept queue, no backlog' },
  { line: 'unix  2      [ ACC ]     STREAM     LISTENING     249560   /run/php/php-fpm.sock', before: [HEAD, 'Active UNIX domain sockets (servers and established)'], after: ['ESTAB 0 0 10.0.0.5:1 10.0.0.7:2'],
    expect: { values: { ESTAB: 1 } }, note: 'netstat\'s unix table: read, nothing stored' },
  { line: '0      0            10.0.0.5:80      203.0.113.9:40112', after: ['0 0 10.0.0.5:80 203.0.113.9:40113'],
    before: [HEAD, '$ ss -tan state syn-recv', 'Recv-Q Send-Q Local Address:Port Peer Address:Port Process'],
    expect: { ts: T, snapshot: 'ss-states', subject: '', values: { 'SYN-RECV': 2 } }, note: 'ss state FILTER: the state is the command\'s' },
  { line: '0      0            10.0.0.5:80      203.0.113.9:40112', before: [HEAD, '$ ss -tan state all'], reject: 'no-match', note: 'a row without a state, and no one state asked for' },
  { line: '    100 ESTAB', before: ['$ ss -s'], reject: 'unplaced-time', note: 'no time: kept, not guessed' },
  { line: '    100 ESTAB', options: { at: T }, expect: { ts: T, values: { ESTAB: 100 } }, note: '--at' },
  { line: 'ESTAB 0 0 10.0.0.5:1 10.0.0.7:2', reject: 'unplaced-time', note: 'a socket row without time' },
  { line: '2026/11/22 09:52:31 [error] 1#1: x', reject: 'no-match' },
];

export const ss: FormatDefinition = {
  name: 'ss',
  role: null,
  title: 'Socket snapshots: ss -s, ss -tan / netstat -an (states), ss -lnt / ss -xl (listen queues), each after a date line',
  produces: 'samples',
  example: 'u_str LISTEN 9      8             /tmp/lab-s3/run/php-fpm.sock 249560            * 0',
  detectable: true,
  specificity: 40,
  create: (options: ParserOptions) => snapshotParser(options, createSsBody()),
  samples: SAMPLES,
};
