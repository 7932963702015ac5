import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // the bundled stories, ingested once for the whole run (test/fixtures.ts storyDb)
    globalSetup: ['test/global-setup.ts'],
    // Tests never depend on the machine's zone: every stamp without an offset is read as UTC
    // unless a test passes --tz itself.
    env: { TZ: 'UTC', NO_COLOR: '1', FORCE_COLOR: '0' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // one fork per core (vitest's default leaves one core idle: on a 2-core machine, one fork).
    // The files share nothing but the read-only story databases: each writes in its own temp dir.
    maxWorkers: '100%',
  },
});
