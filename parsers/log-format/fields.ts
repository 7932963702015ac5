// The vocabulary every access-log compiler (nginx, Apache/lighttpd, PHP-FPM, varnishncsa) and the
// key-based parsers (key=value tails, JSON) translate their fields into. A compiled format is a
// list of literals and FieldSpecs; the splitter cuts a line by it, the plan turns the pieces
// into a RequestRecord. Keeping one vocabulary means one record builder serves every syntax.

/** How a value looks on the line: decides how the splitter finds where it ends. */
export type Shape =
  /** no spaces: addresses, users, numbers, host names */
  | 'token'
  /** a number or `-` (regex mode keeps it apart from an adjacent literal like `ms`) */
  | 'number'
  /** anything, spaces included (request line, user agent, free strftime output) */
  | 'text'
  /** nginx upstream list: members joined by `, ` (next server) and ` : ` (internal redirect) */
  | 'list'
  /** `22/Nov/2026:09:57:26 +0000`: fixed width, contains a space */
  | 'clf'
  /** URL path without query (PHP-FPM %r, Apache %U) */
  | 'path'
  /** request target: `/x?y`, `*` or `-` (so `$host$request_uri` can be told apart) */
  | 'target'
  /** host name or address, no `/` */
  | 'host'
  /** PHP-FPM %Q / Apache-ish: `?` or nothing */
  | 'qmark'
  /** query string without spaces */
  | 'query';

/** Which RequestRecord column(s) a field feeds. Losers of a contested column go to `extra`. */
export type Role =
  | 'client' | 'method' | 'url' | 'path' | 'query' | 'protocol'
  /** a whole request line: `GET /x?y HTTP/1.1` */
  | 'request'
  | 'status' | 'bytes' | 'request_length' | 'duration'
  | 'upstream_time' | 'upstream_connect' | 'upstream_header' | 'upstream_addr' | 'upstream_status'
  | 'vhost' | 'referer' | 'user_agent'
  | 'time'
  /** kept in extra as a string (`-` and empty -> null) */
  | 'extra'
  /** kept in extra as a number, times `scale` */
  | 'extra_number'
  /** parsed over but not stored (PHP-FPM %Q, literal-only helpers) */
  | 'skip';

export type DurationUnit = 'ns' | 'us' | 'ms' | 's';

/** How a time field reads and which end of the request it stamps. */
export interface TimeSpec {
  /** `stamp` = whatever the format's plain stamp means (end for nginx/lighttpd, start elsewhere) */
  side: 'stamp' | 'start' | 'end';
  parse: 'clf' | 'iso' | 'epoch_s' | 'epoch_ms' | 'epoch_us' | 'frac_ms' | 'frac_us' | 'strftime'
    /** JSON logs: epoch (unit by magnitude), CLF or ISO 8601, whichever the value is */
    | 'auto';
  /** for parse = strftime */
  pattern?: string;
}

export interface FieldSpec {
  /** key in `extra` when stored there: the variable name (nginx) or a documented alias */
  name: string;
  role: Role;
  shape: Shape;
  unit?: DurationUnit;
  /** higher wins a column two fields both feed (e.g. $body_bytes_sent over $bytes_sent) */
  rank?: number;
  time?: TimeSpec;
  /** extra_number: multiply by this (PHP-FPM memory to KB) */
  scale?: number;
}

/** A compiled format: literals and fields in line order. */
export type Segment = string | FieldSpec;

export interface CompiledFormat {
  segments: Segment[];
  /** what a plain stamp means for this server */
  stampSide: 'start' | 'end';
}
