import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start child processes and hold databases: two files at a time is plenty
    // on a 2-core machine, and keeps PGlite's memory in check when no PostgreSQL is around.
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
  },
});
