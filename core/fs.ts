import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export function ensureDir(dir: string, mode = 0o700): void {
  fs.mkdirSync(dir, { recursive: true, mode });
}

/**
 * Write through a temp file in the same directory, fsync, rename, fsync the directory:
 * a crash at any point leaves either the old file or the new one, never half of either.
 * A failed write (full disk, EIO, a file size limit) removes its temp file and leaves the old file
 * as it was; the error keeps the system's code and says what to do.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'wx', mode);
  } catch (err) {
    // A read-only or full disk often fails here already, before anything exists to clean up.
    throw writeFailed(file, err as NodeJS.ErrnoException);
  }
  try {
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw writeFailed(file, err as NodeJS.ErrnoException);
  }
  try {
    const dirFd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  } catch (err) {
    throw failure(`${file} was written, but its folder could not be synced to disk`, 'a power cut now could bring back the old file', err as NodeJS.ErrnoException);
  }
}

const WRITE_ADVICE: Record<string, string> = {
  ENOSPC: 'free disk space (df -h) and try again',
  EDQUOT: 'free space within the disk quota and try again',
  EFBIG: 'the file size limit (ulimit -f) is too low for it: raise it and try again',
  EIO: 'the disk reports an I/O error: check it (dmesg) before trying again',
  EROFS: 'the file system is read-only: remount it read-write and try again',
  ENOENT: 'its folder does not exist: create it and try again',
  EACCES: 'its folder does not let this user read or write it: fix its owner or mode (ls -ld) and try again',
};

function writeFailed(file: string, err: NodeJS.ErrnoException): NodeJS.ErrnoException {
  return failure(`cannot write ${file}`, 'it was left as it was', err);
}

function failure(what: string, outcome: string, err: NodeJS.ErrnoException): NodeJS.ErrnoException {
  const advice = WRITE_ADVICE[err.code ?? ''] ?? 'fix the cause and try again';
  const wrapped: NodeJS.ErrnoException = new Error(`${what} (${err.code ?? err.message}): ${outcome}; ${advice}`, { cause: err });
  // Callers that tell errors apart by their code (ENOSPC, EACCES…) still can.
  if (err.code) wrapped.code = err.code;
  return wrapped;
}

export function readFileIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Reads a file only if it is a regular file of at most `maxBytes`: the size is checked before
 * reading, and no more than that is ever read (a file growing meanwhile, /dev/zero, a FIFO).
 */
export function readFileBounded(file: string, maxBytes: number): string {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new Error(`${file} is not a regular file`);
    if (st.size > maxBytes) throw new Error(`${file} is ${st.size} bytes; at most ${maxBytes} are accepted`);
    const buf = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (let n; length < buf.length && (n = fs.readSync(fd, buf, length, buf.length - length, null)) > 0; ) length += n;
    if (length > maxBytes) throw new Error(`${file} grew past ${maxBytes} bytes while being read`);
    return buf.subarray(0, length).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}
