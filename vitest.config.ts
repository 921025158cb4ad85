import { defineConfig } from 'vitest/config';

// Property files are the test suite. Workers are forks (the default) so a test that loads a
// tensor backend gets a process of its own; two workers match the two cores CI has.
export default defineConfig({
  test: {
    include: ['properties/**/*.test.ts', 'harness/**/*.test.ts', 'reports/**/*.test.ts'],
    setupFiles: ['harness/testing/setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
