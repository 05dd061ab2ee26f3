import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataTypes, type QueryInterface } from 'sequelize';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelDatabase } from '../../core/sql/model-database.js';
import { locksHeldOn } from '../helpers/locks.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const notes = {
  name: '001-notes',
  up: ({ context }: { context: QueryInterface }) => context.createTable('notes', { id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true }, text: DataTypes.TEXT }),
};

describe('a Sequelize store on SQLite (the monitor’s)', () => {
  it('keeps its POSIX locks on the file through its transactions, so an outside sqlite3 reader never removes the live WAL', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-model-'));
    dirs.push(dir);
    const file = path.join(dir, 'monitor.db');
    const db = await ModelDatabase.open({ file }, [notes]);
    try {
      const add = (i: number) => db.write((transaction) => db.sequelize.query('INSERT INTO notes (text) VALUES (?)', { replacements: [`n${i}`], transaction }));
      for (let i = 0; i < 5; i++) await add(i);
      await db.sequelize.query('SELECT count(*) FROM notes');
      // Sequelize opens and closes a connection per transaction; SQLite keeps that descriptor open while
      // another connection holds locks, so only a descriptor opened outside SQLite could drop them.
      expect(locksHeldOn(file, process.pid)).toBeGreaterThan(0);
      expect(execFileSync('sqlite3', [file, 'SELECT count(*) FROM notes;'], { encoding: 'utf8' }).trim()).toBe('5');
      expect(fs.existsSync(`${file}-wal`)).toBe(true);
      await Promise.all([0, 1, 2].map((i) => add(5 + i)));
      expect(locksHeldOn(file, process.pid)).toBeGreaterThan(0);
      expect(execFileSync('sqlite3', [file, 'SELECT count(*) FROM notes;'], { encoding: 'utf8' }).trim()).toBe('8');
    } finally {
      await db.close();
    }
    expect(locksHeldOn(file, process.pid)).toBe(0);
  });
});
