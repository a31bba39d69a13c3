import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      'gateway/vitest.config.ts',
      {
        test: {
          name: 'app',
          include: [
            'test/**/*.test.ts',
            'shared/**/*.test.ts',
            'renderer/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
          ],
          exclude: ['test/e2e/**', 'test/nokeychain/**'],
          pool: 'forks',
          testTimeout: 60_000,
          // Suites start real sandboxes in beforeAll; on a loaded 2-core machine that can take longer
          // than the default 10 s. A hang guard, not a speed requirement.
          hookTimeout: 60_000,
        },
      },
      {
        // The React UI in Debian's Chromium against `start:web --sandbox`: each file starts its own
        // host, sandbox and browser, so setup and the UI's waits get more room (hang guards only).
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 240_000,
          hookTimeout: 120_000,
        },
      },
      {
        // A machine with no desktop session (no D-Bus, no DISPLAY, so no keychain): the browser host
        // and the CLI as a server runs them. Run outside scripts/with-keyring.sh by `npm run
        // test:nokeychain`, which the keyring run leaves out (`--project '!nokeychain'`).
        test: {
          name: 'nokeychain',
          include: ['test/nokeychain/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 240_000,
          hookTimeout: 120_000,
        },
      },
    ],
    // Two cores: more parallel files than that only makes the real servers in them slower.
    maxWorkers: 2,
  },
});
