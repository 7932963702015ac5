// The contract between the config edge (src/ingest/config-input.ts) and each server's config
// parser. A parser is pure: the text of ONE file in, the settings it states, the includes it
// names and the lines it could not read out. Opening included files (globs, loops, missing
// files) is I/O and happens at the edge, which splices an included file's settings in at the
// place of its include.

import type { ServerRole } from '../types.js';

export type ConfigServer = 'nginx' | 'apache' | 'lighttpd' | 'php-fpm' | 'php' | 'varnish' | 'kernel';

/** One setting as the file states it (a row of `settings` without source and host). */
export interface ConfigSetting {
  server: ConfigServer;
  /** where it applies: '' (main), 'pool:www', 'server:example.com:80/location:/api', 'mpm:event' ... */
  scope: string;
  name: string;
  /** as written, units kept; null when it is a secret */
  value: string | null;
  line: number;
  /** false when it does not take effect (decided by the parser or the edge) */
  active: boolean;
  note: string | null;
  /**
   * Apache only: the <IfModule> conditions around the setting ('mpm_event_module',
   * '!mod_ssl.c'), decided once every file's LoadModule is known (apache.ts resolveIfModules).
   */
  conditions?: string[];
}

/** An include the file names: the edge resolves `pattern` and parses the files it matches. */
export interface ConfigInclude {
  pattern: string;
  line: number;
  /** settings of this file that come before the include (where to splice the included ones) */
  at: number;
  /** the scope the included text lands in, and its state (parser-specific, opaque to the edge) */
  context: ConfigContext;
  /** IncludeOptional / include_if_exists: a pattern that matches nothing is not an error */
  optional: boolean;
}

export interface ConfigError {
  line: number;
  message: string;
  /** the text of the line, for the rejects table */
  text: string;
}

export interface ConfigFileResult {
  settings: ConfigSetting[];
  includes: ConfigInclude[];
  errors: ConfigError[];
}

/** Where an included file starts: its enclosing scope (and, for Apache, <IfModule> conditions). */
export interface ConfigContext {
  scope: string;
  conditions?: string[];
  /** php-fpm: the [section] an included file starts in */
  section?: string;
}

export const MAIN_CONTEXT: ConfigContext = { scope: '' };

/** A config format: its name (sources.format, `--format`), server, and the parser of one file. */
export interface ConfigFormat {
  name: string;
  server: ConfigServer;
  /** the kind of server it configures (parsers/types.ts SERVER_ROLES): its presence on the host decides the edge */
  role: ServerRole | null;
  title: string;
  example: string;
  parse(text: string, context: ConfigContext): ConfigFileResult;
  /** names the server accepts many times in one scope (no later one overrides an earlier one) */
  repeatable(name: string): boolean;
}
