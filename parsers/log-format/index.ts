// Format-string compilers for access logs: a server's own format (nginx log_format, Apache /
// lighttpd LogFormat, PHP-FPM access.format, varnishncsa -F) becomes a LineParser.
import type { LineParser, ParseOutcome } from '../types.js';
import type { CompiledFormat } from './fields.js';
import { compileLineParser } from './line-parser.js';

export { compileNginxFormat } from './nginx-format.js';
export { compileModLogFormat } from './apache-format.js';
export { compilePhpFpmFormat } from './php-fpm-format.js';
export { readNginxConf, selectNginxLogFormat, logFormatOption, type NginxLogFormatDef } from './nginx-conf.js';

const NO_MATCH: ParseOutcome = { type: 'reject', reason: 'no-match' };
const SKIP: ParseOutcome = { type: 'skip' };

export interface AccessParserOptions {
  tz: string;
  /** nginx escape=none: store values exactly as logged */
  raw?: boolean;
}

/** A LineParser for a compiled format. Blank lines are skipped, not rejected. */
export function createAccessParser(compiled: CompiledFormat, opts: AccessParserOptions): LineParser {
  const parseLine = compileLineParser(compiled.segments, { tz: opts.tz, stampSide: compiled.stampSide, raw: opts.raw }, NO_MATCH);
  return {
    parse(line) {
      const out = parseLine(line);
      return out === NO_MATCH && line.trim() === '' ? SKIP : out;
    },
  };
}

/**
 * Which registered format handles a `--log-format STRING` (its create() reads
 * options.logFormat):
 * - nginx variables (`$remote_addr`, `${host}`) -> `nginx`
 * - `%`-directives that only PHP-FPM has (%d duration, %M memory, %{mili}d ...) -> `php-fpm-access`
 * - `%{Varnish:...}x` / `%{VSL:...}x` -> `varnishncsa`
 * - other `%`-directives -> `lighttpd-access` when flavor is lighttpd, else `apache`
 * Throws when the string has neither kind of field.
 */
export function formatForLogFormatString(spec: string, flavor?: 'lighttpd'): string {
  const variables = (spec.match(/\$\{?[A-Za-z_][A-Za-z0-9_]*/g) ?? []).length;
  const directives = (spec.match(/%[<>]?(?:!?\d+(?:,\d+)*)?(?:\{[^}]*\})?[A-Za-z]/g) ?? []).length;
  if (variables === 0 && directives === 0) {
    throw new Error('--log-format: no $variables (nginx) or %directives (Apache, lighttpd, PHP-FPM, varnishncsa)');
  }
  if (variables >= directives) return 'nginx';
  if (/^\s*access\.format\s*=/.test(spec) || /%(\{[^}]*\})?[dM]/.test(spec)) return 'php-fpm-access';
  if (/%\{(Varnish|VSL|VCL_Log):[^}]*\}x/.test(spec)) return 'varnishncsa';
  if (flavor === 'lighttpd' || /^\s*accesslog\.format\s*=/.test(spec)) return 'lighttpd-access';
  return 'apache';
}
