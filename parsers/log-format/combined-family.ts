// The common/combined family: one detected format per file, but real files mix its variants.
// Public fixtures of log shippers (filebeat's Apache and nginx tests) and real servers put, in
// one file with ordinary lines:
// - common lines in a combined log (no referer/user agent: Apache's request-less `"-" 408 -`),
//   and combined lines in a common log;
// - combined lines with one more quoted field at the end (nginx's stock `main` format adds
//   `"$http_x_forwarded_for"`);
// - a client field that is an X-Forwarded-For list (`10.0.0.2, 10.0.0.1, 127.0.0.1 - - [`), a
//   quoted list before the peer address (`"10.5.102.222, 199.96.1.1" 10.2.1.185 - - [`), a
//   virtual host (and port) before the client (`vhost1.example 192.0.2.1 - - [`), or both.
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

/** ` ident user [22/Nov/2026:` : where the client part ends */
const IDENT_STAMP = / \S+ \S+ \[\d\d\/[A-Za-z]{3}\/\d{4}:/;

/** `host:port` (not an IPv6 address) -> host and port */
const HOST_PORT = /^([^:]+):(\d+)$/;

interface Prefix {
  client: string; list: string | null; peer: string | null; vhost: string | null; port: string | null;
  rest: string; name: string;
}

type Item = { kind: 'token'; text: string } | { kind: 'list'; text: string };

/**
 * What stands before ` ident user [stamp`, as items: a quoted string or comma-joined tokens are a
 * list (`10.0.0.2, 10.0.0.1`), anything else a token. Null when a quote is left open.
 */
function items(head: string): Item[] | null {
  const out: Item[] = [];
  let i = 0;
  while (i < head.length) {
    if (head.charCodeAt(i) === 34) {
      const close = head.indexOf('"', i + 1);
      if (close < 0) return null;
      out.push({ kind: 'list', text: head.slice(i + 1, close) });
      i = close + 1;
    } else {
      let end = head.indexOf(' ', i);
      if (end < 0) end = head.length;
      let text = head.slice(i, end);
      // `a, b, c`: a token ending with a comma takes the next one
      while (text.endsWith(',') && end < head.length) {
        let next = head.indexOf(' ', end + 1);
        if (next < 0) next = head.length;
        text += ' ' + head.slice(end + 1, next);
        end = next;
      }
      out.push(text.includes(', ') ? { kind: 'list', text } : { kind: 'token', text });
      i = end;
    }
    if (i < head.length && head.charCodeAt(i) !== 32) return null;
    i++;
  }
  return out;
}

/**
 * The client forms seen in real logs (filebeat's fixtures), before ` ident user [`:
 *   LIST | LIST PEER | VHOST CLIENT | VHOST LIST | VHOST LIST PEER
 * where LIST is `a, b, c` or `"a, b, c"` (X-Forwarded-For) and PEER the address that connected.
 * Plain one-address lines never get here (the layouts read them).
 */
function readPrefix(line: string): Prefix | null {
  const m = IDENT_STAMP.exec(line);
  if (!m || m.index === 0) return null;
  const parts = items(line.slice(0, m.index));
  if (!parts || parts.length === 0 || parts.length > 3) return null;
  const rest = line.slice(m.index + 1);
  let vhost: Item | null = null;
  let list: Item | null = null;
  let peer: Item | null = null;
  if (parts.length === 1) list = parts[0];
  else if (parts.length === 2 && parts[0].kind === 'list') [list, peer] = parts;
  else if (parts.length === 2) [vhost, list] = parts;
  else [vhost, list, peer] = parts;
  if (!list || vhost?.kind === 'list' || peer?.kind === 'list') return null;
  const isList = list.kind === 'list';
  if (parts.length === 1 && !isList) return null;
  // the first member is the client as the first proxy saw it; the others are proxies
  const client = isList ? list.text.split(',')[0].trim() : list.text;
  if (client === '') return null;
  const hp = vhost ? HOST_PORT.exec(vhost.text) : null;
  const name = [vhost ? 'vhost' : '', isList ? 'client-list' : ''].filter(Boolean).join('+');
  return {
    client, list: isList ? list.text : null, peer: peer?.text ?? null,
    vhost: hp ? hp[1] : vhost?.text ?? null, port: hp ? hp[2] : null, rest, name,
  };
}

function applyPrefix(rec: RequestRecord, p: Prefix): void {
  rec.client = p.client;
  if (p.vhost !== null) rec.vhost ??= p.vhost;
  if (p.list === null && p.peer === null && p.port === null) return;
  const extra = rec.extra ?? (rec.extra = {});
  if (p.list !== null) extra.client_list = p.list;
  if (p.peer !== null) extra.remote_addr = p.peer;
  if (p.port !== null) extra.server_port = Number(p.port);
}

/**
 * A LineParser for `own` (the file's detected layout) that also reads the family's other
 * variants, tagged with their names: `common`, `combined`, `xff` (one more quoted field), and
 * `client-list` / `vhost` / `vhost+client-list` (+ the layout the rest of the line has) for
 * the client forms above.
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
