// `netstat -s` (net-tools statistics.c) prints the kernel's counters as phrases; this is the
// phrase -> nstat field name table for the ones an overload postmortem reads, per section.
// Older net-tools spellings are listed beside the current ones. A phrase not listed here is
// stored under `Section: phrase` (nothing is dropped), and counters net-tools has no phrase for
// it prints as `Name: value`, which needs no table.
export const NETSTAT_S_NAMES: Record<string, Record<string, string>> = {
  Tcp: {
    'active connection openings': 'ActiveOpens',
    'active connections openings': 'ActiveOpens',
    'passive connection openings': 'PassiveOpens',
    'failed connection attempts': 'AttemptFails',
    'connection resets received': 'EstabResets',
    'connections established': 'CurrEstab',
    'segments received': 'InSegs',
    'segments sent out': 'OutSegs',
    'segments send out': 'OutSegs',
    'segments retransmitted': 'RetransSegs',
    'segments retransmited': 'RetransSegs',
    'bad segments received': 'InErrs',
    'bad segments received.': 'InErrs',
    'resets sent': 'OutRsts',
  },
  TcpExt: {
    'SYN cookies sent': 'SyncookiesSent',
    'SYN cookies received': 'SyncookiesRecv',
    'invalid SYN cookies received': 'SyncookiesFailed',
    'resets received for embryonic SYN_RECV sockets': 'EmbryonicRsts',
    'times the listen queue of a socket overflowed': 'ListenOverflows',
    'SYNs to LISTEN sockets dropped': 'ListenDrops',
    'SYNs to LISTEN sockets ignored': 'ListenDrops',
    'connections aborted due to memory pressure': 'TCPAbortOnMemory',
    'connections aborted due to timeout': 'TCPAbortOnTimeout',
    'connections reset due to unexpected data': 'TCPAbortOnData',
    'connections reset due to early user close': 'TCPAbortOnClose',
    'other TCP timeouts': 'TCPTimeouts',
    'TCP sockets finished time wait in fast timer': 'TW',
    'time wait sockets recycled by time stamp': 'TWRecycled',
    'packets pruned from receive queue because of socket buffer overrun': 'PruneCalled',
    'times unable to send RST due to no memory': 'TCPAbortFailed',
  },
};
