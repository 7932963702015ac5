// What the user told us about the format: `--format`, `--log-format` or `--nginx-conf`.
// Resolved once, before any input is opened, so a bad flag fails fast with exit 1.
import { readFileSync } from 'node:fs';
import { findFormat } from '../../parsers/index.js';
import { formatForLogFormatString, selectNginxLogFormat, logFormatOption } from '../../parsers/log-format/index.js';
import { CliError, EXIT } from './exit-codes.js';

export interface UserFormatFlags {
  format?: string;
  logFormat?: string;
  nginxConf?: string;
  logFormatName?: string;
}

export interface UserFormat {
  /** the format to use for every input, or null to detect per input */
  format: string | null;
  /** the format string handed to the parser */
  logFormat?: string;
  /** what is stored with the source (the string as the user gave it) */
  formatSpec: string | null;
}

export function resolveUserFormat(flags: UserFormatFlags): UserFormat {
  if (flags.format && !findFormat(flags.format)) {
    throw new CliError(`unknown format "${flags.format}" (see: overload formats)`);
  }
  if (flags.logFormat && flags.nginxConf) throw new CliError('--log-format and --nginx-conf are alternatives: pass one');
  if (flags.logFormatName && !flags.nginxConf) throw new CliError('--log-format-name goes with --nginx-conf');
  let spec = flags.logFormat;
  if (flags.nginxConf) {
    let text: string;
    try {
      text = readFileSync(flags.nginxConf, 'utf8');
    } catch (e) {
      throw new CliError(`cannot read --nginx-conf ${flags.nginxConf}: ${(e as Error).message}`, EXIT.unreadable);
    }
    try {
      spec = logFormatOption(selectNginxLogFormat(text, flags.logFormatName));
    } catch (e) {
      throw new CliError(`--nginx-conf ${flags.nginxConf}: ${(e as Error).message}`);
    }
    if (flags.format && flags.format !== 'nginx') throw new CliError('--nginx-conf goes with --format nginx (or no --format)');
    return { format: 'nginx', logFormat: spec, formatSpec: spec };
  }
  if (spec !== undefined) {
    let format = flags.format;
    if (!format) {
      try {
        format = formatForLogFormatString(spec);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
    }
    return { format, logFormat: spec, formatSpec: spec };
  }
  return { format: flags.format ?? null, formatSpec: null };
}
