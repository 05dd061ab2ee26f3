import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * WhatsApp auth state in a folder, like Baileys' useMultiFileAuthState, but safe: the folder is
 * 0700, every file 0600, and every write goes to a temp file that is fsynced and renamed over the
 * old one, so a kill -9 mid-save leaves the previous file whole and the session survives. Every
 * key type Baileys stores (pre-key, session, sender-key, app-state-sync-key, lid-mapping,
 * device-list, tctoken, …) is a file `<type>-<id>.json`.
 *
 * Serialisation is passed in (Baileys' BufferJSON), so this file has no Baileys import and can be
 * tested and crash-tested on its own.
 */
export interface Codec {
  replacer(key: string, value: unknown): unknown;
  reviver(key: string, value: unknown): unknown;
}

export class AuthFolder {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    readonly dir: string,
    private readonly codec: Codec,
  ) {}

  /** Creates the folder (0700) and removes temp files a killed process left behind. */
  async ensure(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await fs.chmod(this.dir, 0o700);
    for (const name of await fs.readdir(this.dir)) if (name.endsWith('.tmp')) await fs.rm(path.join(this.dir, name), { force: true });
  }

  private file(name: string): string {
    return path.join(this.dir, `${name.replace(/\//g, '__').replace(/:/g, '-')}.json`);
  }

  /** Serialises operations on one file; writes to different files run in parallel. */
  private locked<T>(name: string, op: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(name) ?? Promise.resolve();
    const next = prev.then(op, op);
    const tail = next.catch(() => {});
    this.locks.set(name, tail);
    void tail.then(() => {
      if (this.locks.get(name) === tail) this.locks.delete(name);
    });
    return next;
  }

  /** The stored value, or null when absent. A file that does not parse is an error, never a silent fresh login. */
  read<T>(name: string): Promise<T | null> {
    return this.locked(name, async () => {
      let text: string;
      try {
        text = await fs.readFile(this.file(name), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
      try {
        return JSON.parse(text, this.codec.reviver) as T;
      } catch {
        throw new Error(`${this.file(name)} is corrupt; restore the auth folder from a backup, or remove it and pair again`);
      }
    });
  }

  write(name: string, value: unknown): Promise<void> {
    return this.locked(name, async () => {
      const target = this.file(name);
      const tmp = path.join(this.dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
      const handle = await fs.open(tmp, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(value, this.codec.replacer));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, target);
    });
  }

  remove(name: string): Promise<void> {
    return this.locked(name, () => fs.rm(this.file(name), { force: true }));
  }

  /** Deletes every stored file (after a logout). */
  async clear(): Promise<void> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    await Promise.all(names.map((n) => fs.rm(path.join(this.dir, n), { force: true })));
  }

  /** Makes the directory entry durable after a batch of renames. */
  async syncDir(): Promise<void> {
    const handle = await fs.open(this.dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
