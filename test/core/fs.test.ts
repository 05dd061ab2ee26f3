import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../core/fs.js';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-fs-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `work` while this test process may write files of at most `bytes` (RLIMIT_FSIZE): a real failing write(2), EFBIG. */
function withFileSizeLimit(bytes: number, work: () => void): void {
  // Each test file runs in its own process (pool: forks), so the limit touches no other test.
  execFileSync('prlimit', ['--pid', String(process.pid), `--fsize=${bytes}:unlimited`]);
  try {
    work();
  } finally {
    execFileSync('prlimit', ['--pid', String(process.pid), '--fsize=unlimited:unlimited']);
  }
}

describe('writeFileAtomic', () => {
  it('replaces a file, with its mode, and leaves no temp file', () => {
    const file = path.join(dir, 'state.json');
    writeFileAtomic(file, 'old');
    writeFileAtomic(file, 'new', 0o640);
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
  });

  it('removes its temp file when the write itself fails, keeps the old file, and says what to do', () => {
    const file = path.join(dir, 'state.json');
    writeFileAtomic(file, 'old content');
    let error: NodeJS.ErrnoException | undefined;
    withFileSizeLimit(4096, () => {
      try {
        writeFileAtomic(file, Buffer.alloc(64 * 1024, 'x'));
      } catch (err) {
        error = err as NodeJS.ErrnoException;
      }
    });
    expect(error?.code).toBe('EFBIG');
    expect(error?.message).toBe(`cannot write ${file} (EFBIG): it was left as it was; the file size limit (ulimit -f) is too low for it: raise it and try again`);
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
    expect(fs.readFileSync(file, 'utf8')).toBe('old content');
  });

  it('says which file it could not write when even its temp file cannot be made (a read-only disk, no folder), not the temp name', () => {
    const file = path.join(dir, 'gone', 'state.json');
    let error: NodeJS.ErrnoException | undefined;
    try {
      writeFileAtomic(file, 'data');
    } catch (err) {
      error = err as NodeJS.ErrnoException;
    }
    expect(error?.code).toBe('ENOENT');
    expect(error?.message).toBe(`cannot write ${file} (ENOENT): it was left as it was; its folder does not exist: create it and try again`);
  });

  it('removes its temp file when the rename fails, and keeps what was there', () => {
    const target = path.join(dir, 'busy');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside'), 'kept');
    expect(() => writeFileAtomic(target, 'data')).toThrow(/^cannot write .*busy \((EISDIR|ENOTEMPTY|EEXIST)\): it was left as it was; fix the cause and try again$/);
    expect(fs.readdirSync(dir)).toEqual(['busy']);
    expect(fs.readFileSync(path.join(target, 'inside'), 'utf8')).toBe('kept');
  });

  it('says what happened and what to do when the folder cannot be synced after the rename', () => {
    // A folder this user may write into but not read: the new file lands, opening the folder to sync it fails (EACCES).
    const locked = path.join(dir, 'write-only');
    fs.mkdirSync(locked, { mode: 0o333 });
    fs.chmodSync(locked, 0o333);
    const file = path.join(locked, 'state.json');
    // root reads any folder: the write runs as nobody, which root can switch back from.
    const asRoot = process.geteuid?.() === 0;
    if (asRoot) {
      fs.chownSync(locked, 65534, 65534);
      fs.chmodSync(dir, 0o711);
    }
    let error: NodeJS.ErrnoException | undefined;
    if (asRoot) process.seteuid!(65534);
    try {
      writeFileAtomic(file, 'new');
    } catch (err) {
      error = err as NodeJS.ErrnoException;
    } finally {
      if (asRoot) process.seteuid!(0);
    }
    expect(error?.code).toBe('EACCES');
    expect(error?.message).toBe(
      `${file} was written, but its folder could not be synced to disk (EACCES): a power cut now could bring back the old file; its folder does not let this user read or write it: fix its owner or mode (ls -ld) and try again`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
  });
});
