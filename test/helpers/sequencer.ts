import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds each long test file took in the last clean-clone CI run (serial, 2 cores; /tmp/ci.log of
 * round 9), for a checkout that has no vitest cache yet. Only the order depends on these figures.
 * With two workers the suite ends when the last long file does: started last (vitest's own order on
 * a clean clone is largest file first, and chaos.test.ts is small), chaos alone would add two minutes.
 */
const MEASURED_SECONDS: Record<string, number> = {
  'test/chaos.test.ts': 111,
  'test/eval/eval.test.ts': 87,
  'test/monitor/monitor.test.ts': 48,
  'test/console/live.test.ts': 41,
  'test/console/brain-cluster.test.ts': 36,
  'test/brain/phrasings.test.ts': 34,
  'test/gateway/baileys.test.ts': 33,
  'test/console/tmux-ops.test.ts': 32,
  'test/console/pm2.test.ts': 31,
  'test/gateway/crash.test.ts': 31,
};

/**
 * Files that compute for most of their time instead of waiting on child processes. Weighted a third, so
 * they start after the long files that mostly wait: chaos.test.ts, first, is a load test against
 * timeouts (540 s for the whole bench/chaos.mjs --quick, 110 s alone), and should share the two cores with files
 * that sleep, not with the evaluation's 90 s of pure CPU. With the CI run's seconds the two workers
 * still end together (the evaluation starts around 175 s of ~380).
 */
const COMPUTES = new Set(['test/eval/eval.test.ts', 'test/brain/phrasings.test.ts']);

/**
 * Longest file first, so the long ones overlap instead of one of them finishing alone: by the duration
 * vitest's cache remembers (a checkout that ran the suite before) or MEASURED_SECONDS, whichever is
 * larger; files neither knows come after, in vitest's own order.
 */
export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    const seconds = (spec: TestSpecification): number => {
      const rel = path.relative(this.ctx.config.root, spec.moduleId);
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${rel}`);
      // The larger of the two: a run filtered with -t leaves a long file's duration short in the cache.
      const s = Math.max(cached ? cached.duration / 1000 : 0, MEASURED_SECONDS[rel] ?? 0);
      return COMPUTES.has(rel) ? s / 3 : s;
    };
    // Array.prototype.sort is stable: files of equal weight keep vitest's order.
    return ordered.map((spec) => ({ spec, s: seconds(spec) })).sort((a, b) => b.s - a.s).map(({ spec }) => spec);
  }
}
