import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Ink renders only the last frame when it believes it runs in CI; 'CI' merely being set counts.
    env: { CI: 'false', CONTINUOUS_INTEGRATION: 'false' },
    pool: 'forks',
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
