import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PlainDatabase } from '../../core/sqlite/plain-database.js';

let dir: string;
let db: PlainDatabase | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

const open = async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-plain-'));
  db = await PlainDatabase.open(path.join(dir, 'x.db'), [{ name: '001', up: 'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)' }]);
  return db;
};

describe('PlainDatabase writes', () => {
  it('commits concurrent writes together, yet one failing write fails only itself', async () => {
    const db = await open();
    const writes = Array.from({ length: 50 }, (_, i) =>
      db.write(async (tx) => {
        // Write 25 repeats write 24's value: the unique key refuses it, inside a shared batch.
        await tx.run('INSERT INTO t (v) VALUES (?)', [`v${i === 25 ? 24 : i}`]);
        return (await tx.get<{ n: number }>('SELECT count(*) AS n FROM t'))!.n;
      }),
    );
    const results = await Promise.allSettled(writes);
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([expect.stringMatching(/UNIQUE constraint failed/)]);
    expect((results[25] as PromiseRejectedResult).reason).toBeDefined();
    expect((await db.all<{ v: string }>('SELECT v FROM t ORDER BY id')).map((r) => r.v)).toEqual(Array.from({ length: 50 }, (_, i) => `v${i}`).filter((v, i) => i !== 25));
    // Each write saw the ones before it and its own, whichever transaction it ran in.
    const counts = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(49);
  });

  it('shares one transaction between writes that queue up together', async () => {
    const db = await open();
    const first = db.run('INSERT INTO t (v) VALUES (?)', ['a']);
    // Queued behind the first: same transaction, so the committed view (the reader) does not have "a" yet.
    const second = db.write(async (tx) => ({ inTransaction: (await tx.get('SELECT v FROM t WHERE v = ?', ['a'])) !== undefined, committed: (await db.get('SELECT v FROM t WHERE v = ?', ['a'])) !== undefined }));
    await first;
    expect(await second).toEqual({ inTransaction: true, committed: false });
    // Alone, a write sees everything committed before it.
    expect(await db.write(async () => (await db.get('SELECT v FROM t WHERE v = ?', ['a'])) !== undefined)).toBe(true);
  });

  it('refuses writes once closed, after finishing the ones already queued', async () => {
    const db = await open();
    const queued = Array.from({ length: 10 }, (_, i) => db.run('INSERT INTO t (v) VALUES (?)', [`q${i}`]));
    await db.close();
    await expect(Promise.all(queued)).resolves.toHaveLength(10);
    await expect(db.run('INSERT INTO t (v) VALUES (?)', ['late'])).rejects.toThrow(/closed/);
  });
});
