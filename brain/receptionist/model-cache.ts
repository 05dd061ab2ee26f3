import fs from 'node:fs';
import path from 'node:path';
import { ensureDir, writeFileAtomic } from '../../core/fs.js';
import { createLogger } from '../../core/logger.js';
import { defaultHome, Paths, projectRoot } from '../../core/paths.js';

/**
 * Where trained classifier models are kept between starts, by name (a digest of what they learned).
 * The first folder is node_modules/.cache/wr-classifier, shared by the brain, the tests and the bench
 * of one installation and filled by `npm run build`; a read-only installation (a root-owned
 * /opt/wr, a container image) falls back to WR_HOME/cache/wr-classifier, which the brain can always
 * write. Without either, the brain trains again at every start (seconds of CPU), and says so once.
 * The first folder keeps the modes npm leaves (a root-built cache must stay readable by the user that
 * runs wr); the later ones are that user's own, made 0700 like the rest of WR_HOME, which making the
 * cache may be the first to create.
 */
export class ModelCache {
  private warned = false;

  constructor(
    readonly dirs: readonly string[],
    private readonly warn: (line: string) => void = (line) => createLogger('wr-classifier').warn(line),
  ) {}

  /** The model from the first folder that has it. */
  read(name: string): string | undefined {
    for (const dir of this.dirs) {
      try {
        return fs.readFileSync(path.join(dir, name), 'utf8');
      } catch {
        // Not in this folder: the next may have it.
      }
    }
    return undefined;
  }

  /** Keeps the model in the first folder that takes it; the folder, or undefined when none did. */
  write(name: string, text: string): string | undefined {
    const failures: string[] = [];
    for (const [i, dir] of this.dirs.entries()) {
      try {
        if (i === 0) fs.mkdirSync(dir, { recursive: true });
        else ensureDir(dir);
        // Readable by every user of the installation, as npm leaves its cache: the model is the corpus's, no secret.
        writeFileAtomic(path.join(dir, name), text, 0o644);
        return dir;
      } catch (err) {
        failures.push(`${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
    }
    if (!this.warned) {
      this.warned = true;
      this.warn(
        `the classifier's trained model cannot be kept in ${failures.join(' or ')}, so the brain trains it again at every start (seconds of CPU): make one of those folders writable by the user that runs wr`,
      );
    }
    return undefined;
  }
}

let shared: ModelCache | undefined;

/** This installation's cache; WR_HOME is read at first use, as the brain's own settings are. */
export function modelCache(): ModelCache {
  shared ??= new ModelCache([path.join(projectRoot, 'node_modules', '.cache', 'wr-classifier'), new Paths(defaultHome()).modelCache]);
  return shared;
}
