import { describe, expect, it } from 'vitest';
import { createSlowlogParser, MAX_FRAMES, MAX_LINES } from '../../parsers/php-fpm-slowlog.js';
import { countBy, incidentLines, incidentTruth, traces } from './feed.js';
import type { ParseOutcome } from '../../parsers/types.js';

const INCIDENT = '3-nginx-phpfpm-max-children';
const header = (pid: number, sec = 56) => `[22-Nov-2026 09:51:${sec}]  [pool www] pid ${pid}`;
const frame = (fn: string, line = 9, addr = '7fe107213350') => `[0x0000${addr}] ${fn}() /tmp/lab-s3/www/report.php:${line}`;

/** feed lines, recording openSince() after each one */
function run(lines: string[]) {
  const p = createSlowlogParser({ tz: 'UTC' });
  const out: ParseOutcome[] = [];
  const open: Array<number | null> = [];
  lines.forEach((l, i) => {
    out.push(p.parse(l, i + 1));
    open.push(p.openSince!());
  });
  const end = p.finish!();
  return { out, open, end, all: [...out, ...end] };
}

describe('slowlog state machine', () => {
  it('emits a complete entry on the blank line that closes it; openSince marks the header', () => {
    const r = run(['', header(1), 'script_filename = /x.php', frame('sleep'), frame('main', 3), '']);
    expect(r.out.map((o) => o.type)).toEqual(['skip', 'continued', 'continued', 'continued', 'continued', 'trace']);
    expect(r.open).toEqual([null, 2, 2, 2, 2, null]);
    expect(r.end).toEqual([]);
    expect(traces(r.out)[0]).toMatchObject({ pid: 1, depth: 2, truncated: false, line_no: 2, script: '/x.php' });
  });

  it('closes an entry at the next header when no blank line separates them', () => {
    const r = run([header(1), frame('sleep'), header(2, 57), frame('usleep'), '']);
    expect(r.out.map((o) => o.type)).toEqual(['continued', 'continued', 'trace', 'continued', 'trace']);
    expect(r.open).toEqual([1, 1, 3, 3, null]);
    expect(traces(r.out).map((t) => [t.pid, t.line_no, t.truncated])).toEqual([[1, 1, false], [2, 3, false]]);
  });

  it('returns the open entry at end of input, truncated only when nothing of its stack arrived', () => {
    expect(traces(run([header(1), 'script_filename = /x.php', frame('sleep')]).end)[0]).toMatchObject({ truncated: false, depth: 1 });
    expect(traces(run([header(1), 'script_filename = /x.php']).end)[0]).toMatchObject({ truncated: true, depth: 0 });
    expect(run(['', '']).end).toEqual([]);
  });

  it('caps the frames it keeps and marks the entry truncated', () => {
    const many = Array.from({ length: MAX_FRAMES + 10 }, (_, i) => frame(`f${i}`, i + 1));
    const r = run([header(1), ...many, '']);
    expect(r.out.filter((o) => o.type === 'continued')).toHaveLength(MAX_FRAMES + 11);
    const t = traces(r.out)[0];
    expect(t.frames).toHaveLength(MAX_FRAMES);
    expect(t).toMatchObject({ depth: MAX_FRAMES + 10, truncated: true });
  });

  it('stops reading an entry that never ends, but keeps counting its lines', () => {
    const r = run([header(1), ...Array.from({ length: MAX_LINES + 50 }, () => frame('loop'))]);
    expect(r.out.every((o) => o.type === 'continued')).toBe(true);
    expect(traces(r.end)[0]).toMatchObject({ truncated: true, depth: MAX_LINES - 1 });
  });

  it('rejects frames and script lines with no entry open as orphans', () => {
    const r = run([frame('sleep'), 'script_filename = /x.php', 'hello']);
    expect(r.out).toEqual([
      { type: 'reject', reason: 'orphan-line' }, { type: 'reject', reason: 'orphan-line' }, { type: 'reject', reason: 'no-match' }]);
    expect(r.open).toEqual([null, null, null]);
  });

  it('rejects an unknown line inside an entry without closing it', () => {
    const r = run([header(1), 'garbage', frame('sleep'), '']);
    expect(r.out.map((o) => o.type)).toEqual(['continued', 'reject', 'continued', 'trace']);
    expect(traces(r.out)[0].depth).toBe(1);
  });
});

describe('slowlog fingerprints', () => {
  const fp = (lines: string[]) => traces(run([...lines, '']).out)[0].fingerprint;

  it('ignores pids, addresses, line numbers and time', () => {
    const a = fp([header(1, 56), frame('sleep', 9, '7fe107213350'), frame('runQuery', 6, '7fe1072132e0')]);
    const b = fp([header(2, 59), frame('sleep', 10, '7fe107216350'), frame('runQuery', 7, '7fe1072162e0')]);
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes with a function or a file', () => {
    const base = fp([header(1), frame('sleep'), frame('runQuery')]);
    expect(fp([header(1), frame('usleep'), frame('runQuery')])).not.toBe(base);
    expect(fp([header(1), frame('sleep'), frame('runQuery').replace('report.php', 'other.php')])).not.toBe(base);
    expect(fp([header(1), frame('runQuery'), frame('sleep')])).not.toBe(base);
  });
});

describe('slowlog on the real PHP 8.2 capture', () => {
  const lines = incidentLines(INCIDENT, 'php-fpm-slow.log');
  const r = run(lines);
  const ts = traces(r.all);
  const truth = incidentTruth(INCIDENT).signatures.files['php-fpm-slow.log'] as unknown as {
    traces: number; top_functions: Record<string, number>; stacks: Record<string, number>;
  };

  it('parses every line into 99 complete traces', () => {
    expect(r.all.filter((o) => o.type === 'reject')).toEqual([]);
    expect(ts).toHaveLength(truth.traces);
    expect(ts.filter((t) => t.truncated)).toEqual([]);
  });

  it('has the innermost frames and stacks truth.json counts, one fingerprint per stack', () => {
    expect(countBy(ts, (t) => t.top_frame!.replace('()', ''))).toEqual(truth.top_functions);
    const stacks = countBy(ts, (t) => t.frames.map((f) => f.function.replace('()', '')).join(' < '));
    expect(stacks).toEqual(truth.stacks);
    expect(new Set(ts.map((t) => t.fingerprint)).size).toBe(Object.keys(truth.stacks).length);
  });

  it('points app_frame at the application code under the built-in', () => {
    expect(countBy(ts, (t) => t.app_frame ?? 'none')).toEqual({
      'runQuery()': 53, 'waitForJobLock()': 17, 'callPartnerApi()': 14, 'mixRound()': 14, 'computeChecksum()': 1,
    });
  });
});
