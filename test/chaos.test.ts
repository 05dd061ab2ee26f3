import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../core/paths.js';

/** The short version of `npm run chaos`: the same faults at a fifth of the volume. */
describe('chaos (short)', () => {
  it('loses nothing, repeats nothing and answers no 5xx through kill -9s, fuzzing, a full disk and a backup under load', () => {
    const r = spawnSync(process.execPath, [path.join(projectRoot, 'bench/chaos.mjs'), '--quick'], { cwd: projectRoot, encoding: 'utf8', timeout: 240_000 });
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('FAIL')), r.stdout + r.stderr).toEqual([]);
    // Five scenarios; the full-disk one needs root to mount its tmpfs and says SKIP without it.
    expect(lines.filter((l) => l.startsWith('PASS') || l.startsWith('SKIP'))).toHaveLength(5);
    expect(r.status).toBe(0);
  }, 300_000);
});
