import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { kernelLog } from '../../parsers/kernel-log.js';
import { KERNEL_RULES } from '../../parsers/kernel-rules.js';
import { FORMATS } from '../../parsers/index.js';
import { detectFormat } from '../../src/ingest/detect.js';
import { events, feed, incidentLines } from './feed.js';
import type { ParserOptions } from '../../parsers/types.js';

const STORY = '6-nginx-proxy-backend-accept-queue';
const BTIME = 'btime 1796632123';

describe('kernel-log rules', () => {
  const messages = kernelLog.samples.map((s) => {
    const ev = events(feed(kernelLog, [...(s.before ?? []), s.line], { ...s.options, bootTime: s.options?.bootTime ?? 0, year: s.options?.year ?? 2026 })).pop();
    return ev?.component === 'kernel' ? ev.message : null;
  }).filter((m): m is string => m !== null);

  it('has a sample for every row', () => {
    for (const rule of KERNEL_RULES) {
      expect(messages.some((m) => rule.re.test(m)), `no sample for ${rule.re.source}`).toBe(true);
    }
  });

  it('lets no sample match two rows (the order of the table decides nothing)', () => {
    for (const m of messages) {
      const rows = KERNEL_RULES.filter((r) => r.re.test(m)).map((r) => r.kind);
      expect(rows.length, `${m} matches ${rows.join(', ')}`).toBeLessThanOrEqual(1);
    }
  });

  it('names the kernel source of every row', () => {
    for (const rule of KERNEL_RULES) expect(rule.since, rule.re.source).toMatch(/\.c\b/);
  });
});

describe('kernel-log time', () => {
  it('keeps raw dmesg lines unplaced until a btime line says when the machine booted', () => {
    const out = feed(kernelLog, ['[    2.000000] a', BTIME, '[    2.500000] b']);
    expect(out[0]).toMatchObject({ type: 'reject', reason: 'unplaced-time' });
    expect(out[1]).toEqual({ type: 'continued' });
    expect(out[2]).toMatchObject({ type: 'event', record: { ts: 1796632123000 + 2500, message: 'b' } });
  });

  it('prefers --boot-time to the capture\'s btime', () => {
    const evs = events(feed(kernelLog, [BTIME, '[    1.000000] a'], { bootTime: 1_000_000 }));
    expect(evs[0].ts).toBe(1_001_000);
  });

  it('moves a yearless stamp to the next year after December', () => {
    const evs = events(feed(kernelLog, [
      'Dec 31 23:59:59 web1 kernel: a', 'Jan  1 00:00:01 web1 kernel: b', 'Jan  1 00:00:02 web1 kernel: c',
    ], { year: 2025 }));
    expect(evs.map((e) => new Date(e.ts).toISOString())).toEqual([
      '2025-12-31T23:59:59.000Z', '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:02.000Z',
    ]);
  });

  it('reads dmesg -T in the zone given, and ISO stamps by their offset', () => {
    const [a, b] = events(feed(kernelLog, ['[Mon Dec  7 08:37:52 2026] x', '2026-12-07T08:37:52,000001+01:00 y'], { tz: 'Europe/Berlin' }));
    expect(a.ts).toBe(Date.UTC(2026, 11, 7, 7, 37, 52));
    expect(b.ts).toBe(Date.UTC(2026, 11, 7, 7, 37, 52));
  });
});

describe('kernel-log on the real lines of public reports (fixtures/kernel/public-lines.tsv)', () => {
  const rows = readFileSync(fileURLToPath(new URL('../../fixtures/kernel/public-lines.tsv', import.meta.url)), 'utf8')
    .split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));

  it.each(rows.map((r) => [r[2].slice(0, 70), r] as const))('%s', (_label, [kind, year, line, source]) => {
    expect(source.length).toBeGreaterThan(10);
    const out = feed(kernelLog, [BTIME, line], year === '-' ? {} : { year: Number(year) });
    expect(out[1]).toMatchObject({ type: 'event', record: { component: 'kernel', kind } });
  });
});

describe('kernel-log on the story 6 capture (kernel 6.18)', () => {
  const forms = ['kernel-dmesg-iso.log', 'kernel-dmesg-T.log', 'kernel-dmesg-raw.log'];

  it('detects each form as the kernel log', () => {
    for (const f of forms) expect(detectFormat(FORMATS, incidentLines(STORY, f), { tz: 'UTC' }).best?.format.name, f).toBe('kernel-log');
  });

  it('reads the same SYN flood from the three forms, at the same second', () => {
    const got = forms.map((f) => events(feed(kernelLog, incidentLines(STORY, f))));
    for (const evs of got) {
      expect(evs.map((e) => [e.kind, e.backend, e.value])).toEqual([['syn_flood', '127.0.0.1:18061', 18061]]);
      expect(Math.floor(evs[0].ts / 1000)).toBe(Math.floor(Date.parse('2026-12-07T08:37:52Z') / 1000));
    }
  });
});

describe('kernel-log on a real OOM kill in a memory cgroup (kernel 6.18, fixtures/kernel/oom-memcg-*)', () => {
  const read = (f: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/kernel/${f}`, import.meta.url)), 'utf8').split('\n').filter(Boolean);
  const forms = ['oom-memcg-dmesg-iso.log', 'oom-memcg-dmesg-raw.log'];

  it('reads the whole report: the kill once, with process, pid and RSS; the lines around it as oom_invoked', () => {
    for (const f of forms) {
      const lines = read(f);
      expect(detectFormat(FORMATS, lines, { tz: 'UTC' }).best?.format.name, f).toBe('kernel-log');
      const out = feed(kernelLog, lines);
      expect(out.filter((o) => o.type === 'reject'), f).toEqual([]);
      const evs = events(out);
      const kinds: Record<string, number> = {};
      for (const e of evs) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
      expect(kinds, f).toEqual({ oom_invoked: 2, oom_kill: 1, other: 78 });
      expect(evs.find((e) => e.kind === 'oom_kill'), f).toMatchObject({
        ts: Date.parse('2026-12-07T09:02:06.084Z'), pid: 32679, backend: 'python3', value: (65280 + 6612) * 1024, severity: 'error',
      });
      expect(evs.filter((e) => e.kind === 'oom_invoked').map((e) => [e.backend, e.pid, e.value]), f).toEqual([['python3', null, 0], ['python3', 32679, null]]);
    }
  });
});

describe('kernel-log: every wording of the samples from every form', () => {
  const T = Date.UTC(2026, 10, 22, 9, 52, 31, 123);
  const UP = '1351.123456';
  const boot = T - 1_351_123;
  const forms: Array<[string, (m: string) => string[], Partial<ParserOptions>, number]> = [
    ['dmesg --time-format iso', (m) => [`2026-11-22T09:52:31,123456+00:00 ${m}`], {}, T],
    ['dmesg -T', (m) => [`[Sun Nov 22 09:52:31 2026] ${m}`], {}, T - 123],
    ['dmesg, btime first', (m) => [`btime ${boot / 1000}`, `[ ${UP}] ${m}`], {}, T],
    ['dmesg, --boot-time', (m) => [`[ ${UP}] ${m}`], { bootTime: boot }, T],
    ['dmesg -x', (m) => [`kern  :warn  : [ ${UP}] ${m}`], { bootTime: boot }, T],
    ['dmesg -r', (m) => [`<4>[ ${UP}] ${m}`], { bootTime: boot }, T],
    ['kern.log', (m) => [`Nov 22 09:52:31 web1 kernel: [ ${UP}] ${m}`], { year: 2026 }, T - 123],
    ['journalctl -k', (m) => [`Nov 22 09:52:31 web1 kernel: ${m}`], { year: 2026 }, T - 123],
    ['journalctl -k -o short-precise', (m) => [`Nov 22 09:52:31.123456 web1 kernel: ${m}`], { year: 2026 }, T],
    ['journalctl -k -o short-iso', (m) => [`2026-11-22T09:52:31+0000 web1 kernel: ${m}`], {}, T - 123],
    ['rsyslog RFC 3339 / short-iso-precise', (m) => [`2026-11-22T09:52:31.123456+00:00 web1 kernel: ${m}`], {}, T],
  ];
  // each sample's kernel message and what it must read as
  const refs = kernelLog.samples.flatMap((s) => {
    const ev = events(feed(kernelLog, [...(s.before ?? []), s.line], { ...s.options, bootTime: 0, year: 2026 })).pop();
    return ev && ev.component === 'kernel' ? [ev] : [];
  });

  it.each(forms.map((f) => [f[0], f] as const))('%s', (_name, [, wrap, options, ts]) => {
    expect(refs.length).toBeGreaterThan(30);
    expect(boot % 1000, 'btime is whole seconds').toBe(0);
    for (const ref of refs) {
      const ev = events(feed(kernelLog, wrap(ref.message), options)).pop();
      expect(ev, ref.message).toMatchObject({
        ts, component: 'kernel', kind: ref.kind, backend: ref.backend, pid: ref.pid, value: ref.value, limit_value: ref.limit_value, message: ref.message,
      });
    }
  });
});
