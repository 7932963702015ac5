// sysctl.conf, /etc/sysctl.d/*.conf and `sysctl -a` output: `key = value` per line. Keys may be
// written with '/' (net/core/somaxconn) and are stored with dots as the kernel shows them; a key
// set twice takes the last value (procps applies the lines in order), which the edge marks.
import type { ConfigContext, ConfigFileResult, ConfigFormat } from './types.js';

/** Keys the kernel no longer has: a line setting them fails on a newer kernel. */
const REMOVED: Record<string, string> = {
  'net.ipv4.tcp_tw_recycle': 'removed in Linux 4.12: rejected there (and it broke clients behind NAT before)',
};

/** Why the kernel refuses to write this value (the old value stays in force), or null. */
function kernelRejects(name: string, value: string): string | null {
  if (name === 'net.ipv4.ip_local_port_range') {
    const p = value.split(' ').map(Number);
    if (p.length !== 2 || p.some((x) => !Number.isInteger(x))) return 'the kernel rejects it: two port numbers expected (the previous range stays)';
    const bad = p.find((x) => x < 1 || x > 65535);
    if (bad !== undefined) return `the kernel rejects it: ${bad} is not a port number (the previous range stays)`;
    if (p[0] > p[1]) return 'the kernel rejects it: the first port is above the last (the previous range stays)';
  }
  return null;
}

export function parseSysctl(text: string, context: ConfigContext): ConfigFileResult {
  const result: ConfigFileResult = { settings: [], includes: [], errors: [] };
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const text = raw.replace(/\r$/, '');
    const t = text.trim();
    if (t === '' || t.startsWith('#') || t.startsWith(';')) return;
    // `-key = value`: procps ignores a failure to set this one
    const m = /^-?\s*([A-Za-z0-9_.\/*-]+)\s*=\s*(.*?)\s*$/.exec(t);
    if (!m || /[^\x20-\x7e\t]/.test(m[2])) {
      result.errors.push({ line, message: 'cannot read this line: expected "key = value"', text });
      return;
    }
    const name = m[1].replace(/\//g, '.');
    const value = m[2].replace(/\s+/g, ' ');
    const rejected = kernelRejects(name, value);
    result.settings.push({
      server: 'kernel', scope: context.scope, name, value, line, active: !rejected,
      note: rejected ?? REMOVED[name] ?? (t.startsWith('-') ? 'errors setting it are ignored (-)' : null),
    });
  });
  return result;
}

export const sysctlConf: ConfigFormat = {
  name: 'sysctl',
  role: null,
  server: 'kernel',
  title: 'sysctl.conf, sysctl.d/*.conf or `sysctl -a` output (net.core.somaxconn ...)',
  example: 'net.core.somaxconn = 4096',
  parse: parseSysctl,
  repeatable: () => false,
};
