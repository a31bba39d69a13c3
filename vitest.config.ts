import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      'gateway/vitest.config.ts',
      {
        test: {
          name: 'app',
          include: ['test/**/*.test.ts', 'shared/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 60_000,
        },
      },
    ],
    // Two cores: more parallel files than that only makes the real servers in them slower.
    maxWorkers: 2,
  },
});
