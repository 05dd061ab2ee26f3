import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../core/paths.js';

/**
 * The short version of `npm run chaos`: the same faults at a fifth of the volume. About 110 s alone;
 * with the suite's two files at once it shares the cores, so the limits only catch a hang.
 */
describe('chaos (short)', () => {
  it('loses nothing, repeats nothing and answers no 5xx through kill -9s, fuzzing, full disks, outside readers, key rotation, control characters, a backup under load and the Baileys spill file on a full disk', () => {
    const r = spawnSync(process.execPath, [path.join(projectRoot, 'bench/chaos.mjs'), '--quick'], { cwd: projectRoot, encoding: 'utf8', timeout: 540_000 });
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('FAIL')), r.stdout + r.stderr).toEqual([]);
    // Ten scenarios; the three full-disk ones need root to mount their tmpfs and say SKIP without it.
    expect(lines.filter((l) => l.startsWith('PASS') || l.startsWith('SKIP'))).toHaveLength(10);
    expect(r.status).toBe(0);
  }, 600_000);
});
