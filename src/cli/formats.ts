// `overload formats`: every known format with an example line.
import { FORMATS } from '../../parsers/index.js';
import { CONFIG_FORMATS } from '../../parsers/config/index.js';
import { termSafe } from '../util/sanitize.js';

export async function run(): Promise<number> {
  const out: string[] = [];
  for (const f of FORMATS) {
    out.push(`${f.name}  (${f.produces}${f.detectable ? ', auto-detected' : ', needs --format/--log-format'})`);
    out.push(`  ${f.title}`);
    out.push(`  e.g. ${termSafe(f.example)}`);
    out.push('');
  }
  out.push('Server configs (settings table; auto-detected by content and file name, includes followed):');
  out.push('');
  for (const f of CONFIG_FORMATS) {
    out.push(`${f.name}  (settings, ${f.server})`);
    out.push(`  ${f.title}`);
    out.push(`  e.g. ${termSafe(f.example.replace(/\n/g, ' '))}`);
    out.push('');
  }
  out.push('Custom formats: --log-format with an nginx log_format body ($vars) or an Apache/lighttpd LogFormat (%x),');
  out.push('or --nginx-conf /etc/nginx/nginx.conf to read log_format definitions from the server config.');
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}
