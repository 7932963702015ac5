// The header's text, without ink: the App draws it, and so does the paint before ink has loaded.
import { basename } from 'node:path';
import { termSafe } from '../../util/sanitize.js';
import { bucketName, dateTime, int, span, clock } from '../format.js';
import type { HeaderData, Window } from '../data/types.js';

export interface LiveStatus {
  /** what is being read: "stdin", or the followed files */
  label: string;
  lines: number;
  rejected: number;
  /** the input ended (a pipe closed) */
  ended: boolean;
  error: string | null;
}

export interface HeaderProps {
  header: HeaderData | null;
  window: Window | null;
  zoomDepth: number;
  tz: string;
  live: LiveStatus | null;
  loading: boolean;
  /** the host on screen, null for all */
  host: string | null;
}

/** The header's two lines as text (also drawn before ink has loaded: prepaint.ts). */
export function headerLines({ header, window: w, zoomDepth, tz, live, loading, host }: HeaderProps): [string, string] {
  const db = termSafe(header ? basename(header.db) : '');
  const formats = header ? termSafe(header.formats.join(', ')) : '';
  const hosts = !header || header.hosts.length === 0 ? 'one host'
    : host !== null ? `host ${termSafe(host)} of ${header.hosts.length} (H next)`
      : header.hosts.length === 1 ? `host ${termSafe(header.hosts[0])}` : `${header.hosts.length} hosts (H one at a time)`;
  const first = header
    ? `overload  db ${db} | ${header.sources} sources: ${formats || 'none'} | ${hosts} | ${int(header.rows)} rows | ${int(header.rejects)} rejects`
    : 'overload  opening the database...';
  const range = w
    ? `${dateTime(w.from, tz)} - ${clock(w.to, tz, w.to - w.from)} ${tz} (${span(w.to - w.from)}) | bucket ${bucketName(w.bucketMs)}` +
      (zoomDepth > 0 ? ` | zoom ${zoomDepth} (Esc out)` : '')
    : header && header.from === null ? 'no rows yet' : '';
  const liveText = live
    ? ` | ${live.ended ? 'input ended' : 'LIVE'} ${termSafe(live.label)}: ${int(live.lines)} lines` + (live.rejected ? `, ${int(live.rejected)} rejected` : '') +
      (live.error ? ` | ${termSafe(live.error)}` : '')
    : '';
  // never an empty line: ink would give it no height and the screen below would move up
  return [first, range + liveText + (loading ? ' ...' : '') || ' '];
}

