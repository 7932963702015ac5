// The keys on incident 3: cursor, marking, zoom in and out, buckets, spikes, panels, rows,
// filter, sort, help, export, quit. Each step compares the screen, as a user would read it.
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { storyDb, spikeOracle, clock, STORY3, tempDir, type SpikeOracle } from '../fixtures.js';
import { open, KEY, type Screen } from './harness.js';

let db: string;
let spikes: SpikeOracle[];
let screen: Screen | null = null;
beforeAll(() => { db = storyDb(STORY3); spikes = spikeOracle(db); });
afterEach(() => { screen?.unmount(); screen = null; });

const cursorLine = (f: string) => f.split('\n').find((l) => /^\d\d:\d\d:\d\d \+\d+s \|/.test(l)) ?? '';
const rangeLine = (f: string) => f.split('\n')[1];

describe('tui keys', () => {
  it('left/right move the cursor one bucket', async () => {
    screen = await open(db);
    expect(cursorLine(screen.frame())).toMatch(/^09:53:40 \+2s/);
    await screen.press(KEY.left, KEY.left);
    expect(cursorLine(await screen.until(/^09:53:36/m))).toMatch(/^09:53:36 \+2s \| /);
    await screen.press(KEY.right);
    await screen.until(/^09:53:38 \+2s/m);
  });

  it('n marks the next spike, Enter zooms into it, Esc zooms back out', async () => {
    screen = await open(db);
    await screen.until('spike 2');
    await screen.press('n');
    const [s1, s2] = spikes;
    let f = await screen.until('spike 1/2 marked');
    expect(f).toContain(`window ${s1.label} (${s1.seconds}s): ${s1.requests} requests, 0 5xx`);
    expect(f).toMatch(/└─*▲═+\]/);
    await screen.press('n');
    f = await screen.until('spike 2/2 marked');
    expect(f).toContain(`window ${s2.label} (${s2.seconds}s): ${s2.requests} requests, ${s2.errors} 5xx`);
    await screen.press(KEY.enter);
    f = await screen.until('zoom 1 (Esc out)');
    expect(rangeLine(f)).toContain(`2026-11-22 ${clock(s2.from)} - ${clock(s2.to)} UTC (${s2.seconds}s) | bucket 1s | zoom 1`);
    await screen.press(KEY.esc);
    f = await screen.until((x) => !x.includes('zoom 1'));
    expect(rangeLine(f)).toContain('(2m00s) | bucket 2s');
    // coming back, the window we left is marked: Enter goes straight back in
    await screen.until(`window ${s2.label}`);
  });

  it('a marked window is fetched before Enter: bars, cursor and panels of the zoom are ready', async () => {
    screen = await open(db);
    await screen.until('spike 2');
    await screen.press('n', 'n');
    await screen.until('spike 2/2 marked');
    const s2 = spikes[1];
    const cached = () => [...(screen!.client as unknown as { cache: Map<string, unknown> }).cache.keys()];
    const zoomed = (type: string) => cached().filter((k) => k.includes(`"type":"${type}"`) && k.includes(`"window":{"from":${s2.from},"to":${s2.to},"bucketMs":1000`));
    // the bars and the cursor's bucket at once; the panels once the mark has held 200 ms
    await screen.until(() => zoomed('timeline').length === 1 && zoomed('cursor').length === 1);
    await screen.until(() => zoomed('panel').length >= 7, 5000);
    // so the zoom's first frame has its bars, not the old ones marked loading
    await screen.press(KEY.enter);
    const f = screen.frame();
    expect(rangeLine(f)).toContain('| bucket 1s | zoom 1');
    expect(rangeLine(f)).not.toMatch(/\.\.\.$/);
  });

  it('p marks the previous spike from the cursor, n wraps around', async () => {
    screen = await open(db);
    await screen.until('spike 2');
    await screen.press('p');
    await screen.until('spike 2/2 marked');
    await screen.press('p');
    await screen.until('spike 1/2 marked');
    await screen.press('n', 'n');
    await screen.until('spike 1/2 marked');
  });

  it('[ and ] mark a window at the cursor, shift+arrows extend it', async () => {
    screen = await open(db);
    await screen.press(KEY.left, KEY.left, ']', KEY.left, KEY.left, KEY.left, '[');
    let f = await screen.until(/^window /m);
    expect(f).toContain('window 09:53:30-09:53:38 (8s)');
    await screen.press(KEY.esc, KEY.shiftLeft, KEY.shiftLeft);
    f = await screen.until('window 09:53:26-09:53:32 (6s)');
    await screen.press(KEY.enter);
    f = await screen.until('zoom 1');
    expect(rangeLine(f)).toContain('09:53:26 - 09:53:32 UTC (6s) | bucket 1s');
  });

  it('+ and - change the bucket and keep the cursor time', async () => {
    screen = await open(db);
    await screen.press('-');
    await screen.until('bucket 5s');
    await screen.until(/^09:53:40 \+5s/m);
    await screen.press('+', '+');
    await screen.until('bucket 1s');
    await screen.until(/^09:53:40 \+1s/m);
  });

  it('Tab and the digits switch panels; up/down move the selection', async () => {
    screen = await open(db);
    await screen.press(KEY.tab);
    await screen.until('[2 Endpoints]');
    await screen.press(KEY.tab, KEY.tab);
    await screen.until('[4 Events]');
    await screen.press('8');
    await screen.until('[8 Sources]');
    await screen.press('2');
    let f = await screen.until(/> \/fast\.php/);
    await screen.press(KEY.down);
    f = await screen.until(/> \/report\.php/);
    expect(f).not.toMatch(/> \/fast\.php/);
    await screen.press(KEY.up);
    await screen.until(/> \/fast\.php/);
  });

  it('/ filters the rows by text, Esc clears the filter', async () => {
    screen = await open(db, { panel: 'endpoints' });
    await screen.press('/', 'p', 'o', 'l', 'l');
    let f = await screen.until('filter: poll_');
    expect(f).toContain('1 of 5 rows match');
    expect(f).not.toContain('/report.php');
    await screen.press(KEY.enter);
    f = await screen.until('filter "poll"');
    await screen.press(KEY.esc);
    f = await screen.until('/report.php');
    expect(f).not.toContain('rows match');
  });

  it('s cycles the sort column', async () => {
    screen = await open(db, { panel: 'endpoints' });
    expect(screen.frame()).toMatch(/total▼/);
    await screen.press('s');
    const f = await screen.until(/p95▼/);
    const body = f.split('\n').filter((l) => /^[> ] \/\w+\.php/.test(l));
    expect(body[0]).toContain('/poll.php'); // the highest p95 (8.6 s)
  });

  it('? shows every key, and Esc closes it', async () => {
    screen = await open(db);
    await screen.press('?');
    const f = await screen.until('Keys (? or Esc closes this)');
    for (const k of ['Enter', 'Tab 1-9', 'n p', '+ -', 'export', 'quit']) expect(f).toContain(k);
    await screen.press(KEY.esc);
    await screen.until('[1 Overview]');
  });

  it('e exports the window postmortem to ./overload-postmortem-<from>.md', async () => {
    const dir = tempDir();
    screen = await open(db, { exportDir: dir });
    await screen.until('spike 2');
    await screen.press('n', KEY.enter);
    await screen.until('zoom 1');
    await screen.press('e');
    const f = await screen.until('postmortem written to', 20_000);
    const stamp = new Date(spikes[0].from).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const file = join(dir, `overload-postmortem-${stamp}.md`);
    expect(f).toContain(`overload-postmortem-${stamp}.md`);
    expect(existsSync(file)).toBe(true);
    // the postmortem module's document for the zoomed window, with its chart beside it
    const md = readFileSync(file, 'utf8');
    expect(md).toMatch(/^# Postmortem: .*2026-11-22/);
    expect(md).toContain(clock(spikes[0].from));
    expect(md).toMatch(/pm\.max_children/);
    expect(md).toContain(`overload-postmortem-${stamp}.svg`);
    expect(existsSync(file.replace(/\.md$/, '.svg'))).toBe(true);
  });

  it('q quits', async () => {
    screen = await open(db);
    await screen.press('q');
    // ink unmounts on exit: nothing reacts to keys any more
    const before = screen.frame();
    await screen.press('2');
    expect(screen.frame()).toBe(before);
  });
});
