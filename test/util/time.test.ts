import { describe, expect, it } from 'vitest';
import { parseClfTime, parseIsoTime, parseTimeArg, zonedToEpoch } from '../../src/util/time.js';

const T = Date.UTC(2026, 10, 22, 9, 52, 0);

describe('time', () => {
  it('reads CLF stamps with offsets', () => {
    expect(parseClfTime('22/Nov/2026:09:52:00 +0000')).toBe(T);
    expect(parseClfTime('22/Nov/2026:10:52:00 +0100')).toBe(T);
    expect(parseClfTime('22/Nov/2026:04:22:00 -0530')).toBe(T);
    expect(parseClfTime('22/Xyz/2026:09:52:00 +0000')).toBeNaN();
    expect(parseClfTime('22/Nov/2026:09:5')).toBeNaN();
  });

  it('converts wall time in a zone, across DST', () => {
    expect(zonedToEpoch('Europe/Berlin', 2026, 10, 22, 10, 52, 0)).toBe(T); // CET, +1
    expect(zonedToEpoch('Europe/Berlin', 2026, 6, 1, 12, 0, 0)).toBe(Date.UTC(2026, 6, 1, 10, 0, 0)); // CEST, +2
    expect(zonedToEpoch('America/New_York', 2026, 10, 22, 4, 52, 0)).toBe(T);
    expect(zonedToEpoch('UTC', 2026, 10, 22, 9, 52, 0)).toBe(T);
  });

  it('reads ISO 8601 with and without a zone', () => {
    expect(parseIsoTime('2026-11-22T09:52:00Z', 'Asia/Tokyo')).toBe(T);
    expect(parseIsoTime('2026-11-22T10:52:00+01:00', 'UTC')).toBe(T);
    expect(parseIsoTime('2026-11-22 18:52:00', 'Asia/Tokyo')).toBe(T);
    expect(parseIsoTime('2026-11-22T09:52:00.250Z', 'UTC')).toBe(T + 250);
  });

  it('accepts every stamp a user may paste', () => {
    for (const s of ['2026-11-22T09:52:00Z', '22/Nov/2026:09:52:00 +0000', '[22/Nov/2026:09:52:00 +0000]', '2026/11/22 09:52:00',
      '22-Nov-2026 09:52:00', 'Sun Nov 22 09:52:00 2026', '1795341120', '1795341120000', '22/Nov/2026:09:52:00']) {
      expect(parseTimeArg(s, 'UTC'), s).toBe(T);
    }
    expect(parseTimeArg('yesterday', 'UTC')).toBeNaN();
  });

  it('reads a bare time of day on the day of the data, in the zone', () => {
    const dataStart = Date.UTC(2026, 10, 22, 9, 49, 51);
    expect(parseTimeArg('09:52', 'UTC', dataStart)).toBe(T);
    expect(parseTimeArg('10:52:00', 'Europe/Berlin', dataStart)).toBe(T);
    expect(parseTimeArg('09:52:00.250', 'UTC', dataStart)).toBe(T + 250);
    expect(parseTimeArg('09:52', 'UTC')).toBeNaN();
    expect(parseTimeArg('25:00', 'UTC', dataStart)).toBeNaN();
  });
});
