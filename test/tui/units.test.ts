// The pure parts: drawing the strip, the reducer's window arithmetic, the key table.
import { describe, it, expect } from 'vitest';
import { drawTimeline, columnMap } from '../../src/tui/views/timeline-draw.js';
import { initialState, reduce, current } from '../../src/tui/state.js';
import { fitBucket, makeWindow, rebucket } from '../../src/tui/window.js';
import { commandFor } from '../../src/tui/keys.js';
import { shape } from '../../src/tui/data/drills.js';
import type { Bucket } from '../../src/tui/data/types.js';
import type { Key } from 'ink';

const T0 = Date.UTC(2026, 10, 22, 9, 50);
const bucket = (i: number, requests: number, s5xx = 0, events: Record<string, number> = {}): Bucket =>
  ({ t: T0 + i * 1000, requests, s4xx: 0, s5xx, inflight: 0, events });
const text = (lines: { text: string }[][]) => lines.map((l) => l.map((s) => s.text).join(''));

describe('timeline drawing', () => {
  it('stretches few buckets over the width and draws 5xx, spikes, markers, cursor and mark', () => {
    const buckets = [bucket(0, 2), bucket(1, 2), bucket(2, 10, 9, { backlog_full: 3 }), bucket(3, 2), bucket(4, 0)];
    const lines = text(drawTimeline({ buckets, bucketMs: 1000, spikes: [{ from: T0 + 2000, to: T0 + 5000, peakRps: 10, reason: '' }],
      cursor: 3, mark: { a: 0, b: 1 }, offset: 0, width: 27, height: 2, tz: 'UTC' }));
    // 5 buckets over 20 columns: 4 each; the empty bucket inside the spike is shaded
    expect(lines).toEqual([
      ' 10.0┤        ▓▓▓▓░░░░░░░░',
      '    0┤▃▃▃▃▃▃▃▃▓▓▓▓▃▃▃▃░░░░',
      ' ev  │        O           ',
      '     └[══════]────▲───────',
      '      09:50:00    09:50:03',
    ]);
  });

  it('scrolls when there are more buckets than columns', () => {
    const { bucketAt, startCol } = columnMap(100, 20, 30);
    expect(bucketAt[0]).toBe(30);
    expect(bucketAt).toHaveLength(20);
    expect(startCol.get(49)).toBe(19);
  });
});

describe('windows and the reducer', () => {
  it('fits buckets to the width with round steps', () => {
    expect(fitBucket(120_000, 93)).toBe(2000);
    expect(fitBucket(86_400_000, 93)).toBe(900_000 * 2);
    expect(makeWindow(T0 + 1500, T0 + 9100, 2000, null)).toEqual({ from: T0, to: T0 + 10_000, bucketMs: 2000, host: null });
    expect(rebucket(makeWindow(T0, T0 + 60_000, 1000, null), -1, { from: T0, to: T0 + 60_000 })).toBeNull();
  });

  it('zooms into a mark and out again with the zoomed window marked', () => {
    let s = reduce(initialState(), { type: 'range', from: T0, to: T0 + 120_000, host: null, columns: 93 }, 93);
    expect(current(s)!.bucketMs).toBe(2000);
    expect(s.cursor).toBe(59);
    s = reduce(s, { type: 'cursor-to', index: 10 }, 93);
    s = reduce(s, { type: 'cursor', delta: 4, extend: true }, 93);
    expect(s.mark).toEqual({ a: 10, b: 14 });
    s = reduce(s, { type: 'enter', table: null, rows: [] }, 93);
    expect(current(s)).toEqual({ from: T0 + 20_000, to: T0 + 30_000, bucketMs: 1000, host: null });
    expect(s.zoom).toHaveLength(2);
    s = reduce(s, { type: 'back' }, 93);
    expect(s.zoom).toHaveLength(1);
    expect(s.mark).toEqual({ a: 10, b: 14 });
  });

  it('Esc backs out one step at a time: drill, filter, mark, zoom', () => {
    let s = reduce(initialState(), { type: 'range', from: T0, to: T0 + 120_000, host: null, columns: 93 }, 93);
    s = { ...s, drill: { kind: 'route', key: '/a', label: '/a' }, filter: 'x', mark: { a: 1, b: 2 } };
    s = reduce(s, { type: 'back' }, 93);
    expect(s.drill).toBeNull();
    expect(s.filter).toBe('x');
    s = reduce(s, { type: 'back' }, 93);
    expect(s.filter).toBe('');
    s = reduce(s, { type: 'back' }, 93);
    expect(s.mark).toBeNull();
  });
});

describe('keys', () => {
  const key = (k: Partial<Key>) => ({ upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
    home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
    super: false, hyper: false, capsLock: false, numLock: false, ...k }) as Key;
  it('maps the issue\'s keys', () => {
    expect(commandFor('', key({ rightArrow: true, shift: true }))).toBe('extend-right');
    expect(commandFor('', key({ delete: true }))).toBe('back');
    expect(commandFor('[', key({}))).toBe('mark-start');
    expect(commandFor('4', key({}))).toBe('panel-4');
    expect(commandFor('+', key({}))).toBe('finer');
    expect(commandFor('e', key({}))).toBe('export');
    expect(commandFor('x', key({}))).toBeNull();
  });
});

describe('event message shapes', () => {
  it('fold digits and drop nginx request context', () => {
    expect(shape('[error] 9076#9076: *300 connect() failed (11: x) while connecting to upstream, client: 1.2.3.4, request: "GET /a?p=1"'))
      .toBe('[error] N#N: *N connect() failed (N: x) while connecting to upstream');
  });
});
