// The common/combined family: one detected format per file, but real files mix its variants.
// Public fixtures of log shippers (filebeat's Apache and nginx tests) and real servers put, in
// one file with ordinary lines:
// - common lines in a combined log (no referer/user agent: Apache's request-less `"-" 408 -`),
//   and combined lines in a common log;
// - combined lines with one more quoted field at the end (nginx's stock `main` format adds
//   `"$http_x_forwarded_for"`);
// - a client field that is an X-Forwarded-For list (`10.0.0.2, 10.0.0.1, 127.0.0.1 - - [`), a
//   quoted list before the peer address (`"10.5.102.222, 199.96.1.1" 10.2.1.185 - - [`), or a
//   virtual host before the client (`vhost1.example 192.0.2.1 - - [`).
// A line the file's own format refuses is tried against these variants before it is rejected;
// a line one of them reads is returned with the variant's name, which ingest counts per source.
// The file's own layout always goes first, so its lines cost nothing more.
import type { LineParser, ParseOutcome, RequestRecord } from '../types.js';
import { compileModLogFormat } from './apache-format.js';
import { compileNginxFormat } from './nginx-format.js';
import { compileLineParser, type ParseLine } from './line-parser.js';
import { NGINX_COMBINED } from './nginx-conf.js';

export type FamilyLayout = 'common' | 'combined';
export type FamilyServer = 'nginx' | 'apache';

const NO_MATCH: ParseOutcome = { type: 'reject', reason: 'no-match' };

// the same three layouts in each server's syntax, so the extra keys are the server's own names
const LAYOUTS: Record<FamilyServer, Record<FamilyLayout | 'xff', string>> = {
  nginx: {
    common: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent',
    combined: NGINX_COMBINED,
    // the stock nginx.conf's `main`
    xff: NGINX_COMBINED + ' "$http_x_forwarded_for"',
  },
  apache: {
    common: '%h %l %u %t "%r" %>s %b',
    combined: '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"',
    xff: '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{X-Forwarded-For}i"',
  },
};

function compileLayout(server: FamilyServer, layout: string, tz: string): ParseLine {
  const compiled = server === 'nginx' ? compileNginxFormat(layout) : compileModLogFormat(layout, 'apache');
  return compileLineParser(compiled.segments, { tz, stampSide: compiled.stampSide }, NO_MATCH);
}

/**
 * What stands before ` ident user [stamp`: a quoted list and the peer, an unquoted list (maybe
 * followed by the peer), or a virtual host and the client. Plain one-address lines never get
 * here (the layouts read them).
 */
const CLIENT_PREFIX = new RegExp(
  '^(?:"(?<qlist>[^"]*)" (?<qpeer>[^\\s",]+)' +
  '|(?<list>[^\\s",]+(?:, [^\\s",]+)+)(?: (?<lpeer>[^\\s",]+))?' +
  '|(?<vhost>[^\\s",]+) (?<vclient>[^\\s",]+))' +
  ' (?=\\S+ \\S+ \\[\\d\\d/[A-Za-z]{3}/\\d{4}:)',
);

interface Prefix { client: string; list: string | null; peer: string | null; vhost: string | null; rest: string; name: string }

function readPrefix(line: string): Prefix | null {
  const m = CLIENT_PREFIX.exec(line);
  if (!m?.groups) return null;
  const g = m.groups;
  const rest = line.slice(m[0].length);
  const list = g.qlist ?? g.list;
  if (list !== undefined) {
    // the first member is the client as the first proxy saw it; the others are proxies
    const first = list.split(',')[0].trim();
    if (first === '') return null;
    return { client: first, list, peer: g.qpeer ?? g.lpeer ?? null, vhost: null, rest, name: 'client-list' };
  }
  return { client: g.vclient, list: null, peer: null, vhost: g.vhost, rest, name: 'vhost' };
}

function applyPrefix(rec: RequestRecord, p: Prefix): void {
  rec.client = p.client;
  if (p.vhost !== null) rec.vhost ??= p.vhost;
  if (p.list === null && p.peer === null) return;
  const extra = rec.extra ?? (rec.extra = {});
  if (p.list !== null) extra.client_list = p.list;
  if (p.peer !== null) extra.remote_addr = p.peer;
}

/**
 * A LineParser for `own` (the file's detected layout) that also reads the family's other
 * variants, tagged with their names: `common`, `combined`, `xff` (one more quoted field), and
 * `client-list` / `vhost` (+ the layout the rest of the line has) for the client forms above.
 */
export function createFamilyParser(own: FamilyLayout, server: FamilyServer, tz: string): LineParser {
  const main = compileLayout(server, LAYOUTS[server][own], tz);
  const others: Array<{ name: string; parse: ParseLine }> = (['combined', 'common', 'xff'] as const)
    .filter((l) => l !== own)
    .map((l) => ({ name: l, parse: compileLayout(server, LAYOUTS[server][l], tz) }));

  /** the layouts in order; `refused` keeps the most telling reason when none reads the line */
  function layouts(line: string): { out: ParseOutcome; variant: string | null } {
    const out = main(line);
    if (out.type === 'request' || out !== NO_MATCH) return { out, variant: null };
    let refused: ParseOutcome = out;
    for (const o of others) {
      const got = o.parse(line);
      if (got.type === 'request') return { out: got, variant: o.name };
      if (got !== NO_MATCH && refused === NO_MATCH) refused = got;
    }
    return { out: refused, variant: null };
  }

  return {
    parse(line) {
      const first = layouts(line);
      if (first.out.type === 'request') {
        return first.variant === null ? first.out : { ...first.out, variant: first.variant };
      }
      if (first.out !== NO_MATCH) return first.out;
      if (line.trim() === '') return { type: 'skip' };
      const prefix = readPrefix(line);
      if (!prefix) return NO_MATCH;
      const again = layouts(prefix.client + ' ' + prefix.rest);
      if (again.out.type !== 'request') return again.out;
      applyPrefix(again.out.record, prefix);
      return { ...again.out, variant: again.variant === null ? prefix.name : `${prefix.name}+${again.variant}` };
    },
  };
}
