// The benchmark's per-thread CPU figures: a thread's own time, not the process's, and an ingest
// through the built CLI reports each of its threads.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { threadCpuMs } from '../../src/util/thread-stats.js';
import { cli, INCIDENTS, ROOT, tempDir } from '../e2e/cli.js';

const linux = existsSync('/proc/thread-self/stat');

describe.skipIf(!linux)('thread CPU', () => {
  it("counts the calling thread's CPU only", async () => {
    // a worker spins for 300 ms of its own CPU, timed by the built threadCpuMs, while this thread sleeps
    const built = pathToFileURL(join(ROOT, 'dist', 'src', 'util', 'thread-stats.js')).href;
    const source = `
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(built)}).then(({ threadCpuMs: cpu }) => {
        const start = cpu();
        let x = 0;
        while (cpu() - start < 300) for (let i = 0; i < 1e5; i++) x += i;
        parentPort.postMessage(cpu() - start);
      });`;
    const before = threadCpuMs();
    const spun = await new Promise<number>((resolve, reject) => {
      const w = new Worker(source, { eval: true });
      w.once('message', resolve);
      w.once('error', reject);
    });
    const mine = threadCpuMs() - before;
    expect(spun).toBeGreaterThanOrEqual(300);
    // starting the worker costs this thread some CPU, but not the worker's 300 ms
    expect(mine).toBeLessThan(200);
  });

  it('an ingest reports the CPU of its main thread, parse worker and rollup worker', () => {
    const db = join(tempDir(), 'stats.db');
    const r = cli(['ingest', '--quiet', '--db', db, join(INCIDENTS, '3-nginx-phpfpm-max-children', 'nginx-access.log')], { env: { OVERLOAD_STATS: '1' } });
    expect(r.status).toBe(0);
    const stats = JSON.parse(/overload-stats (\{.*\})/.exec(r.stderr)![1]) as {
      userS: number; systemS: number; afterLoadS: number; cpuS: { main: number; parse: number; rollup: number; other: number };
    };
    expect(JSON.parse(/overload-rollups (\{.*\})/.exec(r.stderr)![1]).streamed).toBe(true);
    expect(stats.cpuS.main).toBeGreaterThan(0);
    expect(stats.cpuS.parse).toBeGreaterThan(0);
    expect(stats.cpuS.rollup).toBeGreaterThan(0);
    expect(stats.afterLoadS).toBeGreaterThan(0);
    // the parts add up to the process's CPU (ticks of 10 ms, rounded to 1 ms)
    const parts = stats.cpuS.main + stats.cpuS.parse + stats.cpuS.rollup + stats.cpuS.other;
    expect(Math.abs(parts - (stats.userS + stats.systemS))).toBeLessThan(0.01);
    expect(stats.cpuS.other).toBeGreaterThan(-0.05);
  });
});
