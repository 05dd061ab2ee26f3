import os from 'node:os';
import { defineConfig } from 'vitest/config';
import LongestFirst from './test/helpers/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Ink renders only the last frame when it believes it runs in CI; 'CI' merely being set counts.
    env: { CI: 'false', CONTINUOUS_INTEGRATION: 'false' },
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: on CI's 2 cores, one file at a time. Every file
    // keeps its own WR_HOME, ports, PM2 daemon and PostgreSQL cluster (test/helpers/home.ts), and much of
    // the suite waits on child processes, so two files at once use both cores.
    maxWorkers: Math.max(2, os.availableParallelism()),
    sequence: { sequencer: LongestFirst },
    globalSetup: ['test/helpers/global-setup.ts'],
    // A timeout is for a hang, not a speed check (bench/ measures speed): with two files at once, a
    // server test that spawns the brain or PM2 next to the CPU-bound evaluation took 30 s on a busy
    // machine where it takes 9 s alone.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
