// sysctl.conf, /etc/sysctl.d/*.conf and `sysctl -a` output: `key = value` per line. Keys may be
// written with '/' (net/core/somaxconn) and are stored with dots as the kernel shows them; a key
// set twice takes the last value (procps applies the lines in order), which the edge marks.
import type { ConfigContext, ConfigFileResult, ConfigFormat } from './types.js';

/** Keys the kernel no longer has: a line setting them fails on a newer kernel. */
const REMOVED: Record<string, string> = {
  'net.ipv4.tcp_tw_recycle': 'removed in Linux 4.12: rejected there (and it broke clients behind NAT before)',
};

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
    result.settings.push({
      server: 'kernel', scope: context.scope, name, value: m[2].replace(/\s+/g, ' '), line, active: true,
      note: REMOVED[name] ?? (t.startsWith('-') ? 'errors setting it are ignored (-)' : null),
    });
  });
  return result;
}

export const sysctlConf: ConfigFormat = {
  name: 'sysctl',
  server: 'kernel',
  title: 'sysctl.conf, sysctl.d/*.conf or `sysctl -a` output (net.core.somaxconn ...)',
  example: 'net.core.somaxconn = 4096',
  parse: parseSysctl,
  repeatable: () => false,
};
