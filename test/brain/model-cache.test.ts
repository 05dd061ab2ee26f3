import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KEEP_MODELS, ModelCache, modelCache } from '../../brain/receptionist/model-cache.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A cache folder with model files named a…, b…, … written one minute apart, `a` the oldest, and a file that is no model. */
function folderOf(count: number): { dir: string; names: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-model-cache-'));
  dirs.push(dir);
  const names = Array.from({ length: count }, (_, i) => `${String.fromCharCode(97 + i).repeat(32)}.json`);
  const start = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
  for (const [i, name] of names.entries()) {
    fs.writeFileSync(path.join(dir, name), `{"model":${i}}`);
    const at = new Date(start + i * 60_000);
    fs.utimesSync(path.join(dir, name), at, at);
  }
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a model');
  return { dir, names };
}

describe('the model cache', () => {
  it('keeps the newest models of a folder when it writes one, the new one among them, and nothing that is no model', () => {
    const { dir, names } = folderOf(5);
    const fresh = `${'f'.repeat(32)}.json`;
    new ModelCache([dir], () => {}, 3).write(fresh, '{}');
    expect(fs.readdirSync(dir).sort()).toEqual([names[3], names[4], fresh, 'notes.txt'].sort());
  });

  it('never deletes the model it reads, even the oldest, and keeps the newest others beside it', () => {
    const { dir, names } = folderOf(5);
    const cache = new ModelCache([dir], () => {}, 3);
    expect(cache.read(names[0]!)).toBe('{"model":0}');
    expect(fs.readdirSync(dir).sort()).toEqual([names[0], names[3], names[4], 'notes.txt'].sort());
    expect(cache.read('0'.repeat(32) + '.json')).toBeUndefined();
    expect(fs.readdirSync(dir)).toHaveLength(4);
  });

  it('deletes nothing without a limit (the benches keep their own folds), and the brain keeps KEEP_MODELS', () => {
    const { dir, names } = folderOf(5);
    new ModelCache([dir], () => {}).write(`${'f'.repeat(32)}.json`, '{}');
    expect(fs.readdirSync(dir)).toHaveLength(names.length + 2);
    expect(KEEP_MODELS).toBe(3);
    expect(modelCache()['keep']).toBe(KEEP_MODELS);
  });
});
