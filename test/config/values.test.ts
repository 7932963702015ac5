// The one reader of config values: each server's duration and size syntax.
import { describe, expect, it } from 'vitest';
import { durationMs, sizeBytes, count, flag, numbers } from '../../src/config/values.js';

describe('config values', () => {
  it('reads nginx times and sizes (no unit: seconds / bytes; several units add up)', () => {
    expect(durationMs('60s', 'nginx')).toBe(60_000);
    expect(durationMs('1m', 'nginx')).toBe(60_000);
    expect(durationMs('75', 'nginx')).toBe(75_000);
    expect(durationMs('500ms', 'nginx')).toBe(500);
    expect(durationMs('1h 30m', 'nginx')).toBe(5_400_000);
    expect(durationMs('1M', 'nginx')).toBe(30 * 86_400_000); // nginx: M is a month, m a minute
    expect(sizeBytes('1024m', 'nginx')).toBe(1024 ** 3);
    expect(sizeBytes('4k', 'nginx')).toBe(4096);
    expect(sizeBytes('8192', 'nginx')).toBe(8192);
    expect(durationMs('off', 'nginx')).toBeNull();
  });

  it('reads Apache plain seconds (and KeepAliveTimeout ms)', () => {
    expect(durationMs('5', 'apache')).toBe(5000);
    expect(durationMs('300ms', 'apache')).toBe(300);
    expect(durationMs('5m', 'apache')).toBeNull();
  });

  it('reads PHP-FPM times with and without units, php.ini sizes', () => {
    expect(durationMs('30s', 'php-fpm')).toBe(30_000);
    expect(durationMs('5m', 'php-fpm')).toBe(300_000);
    expect(durationMs('5', 'php-fpm')).toBe(5000);
    expect(durationMs('0', 'php-fpm')).toBe(0);
    expect(sizeBytes('128M', 'php')).toBe(128 * 1024 ** 2);
    expect(sizeBytes('2G', 'php')).toBe(2 * 1024 ** 3);
    expect(durationMs('30', 'php')).toBe(30_000);
  });

  it('reads Varnish parameters (60.000 seconds) and VCL durations (60s, 100ms)', () => {
    expect(durationMs('60.000', 'varnish')).toBe(60_000);
    expect(durationMs('3.5', 'varnish')).toBe(3500);
    expect(durationMs('60s', 'varnish')).toBe(60_000);
    expect(durationMs('100ms', 'varnish')).toBe(100);
    expect(durationMs('"4s"', 'varnish')).toBe(4000);
    expect(sizeBytes('256m', 'varnish')).toBe(256 * 1024 ** 2);
  });

  it('keeps text as text: auto, unlimited, on/off, lists', () => {
    expect(count('auto')).toBeNull();
    expect(count('4096')).toBe(4096);
    expect(count('"2"')).toBe(2);
    expect(flag('on')).toBe(true);
    expect(flag('Off')).toBe(false);
    expect(flag('maybe')).toBeNull();
    expect(numbers('32768 60999')).toEqual([32768, 60999]);
    expect(numbers('1024 x')).toBeNull();
  });
});
