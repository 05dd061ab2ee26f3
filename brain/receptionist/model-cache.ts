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
 *
 * Each corpus version writes a new model of some megabytes; with `keep`, reading or writing one deletes
 * all but the newest `keep` models of that folder (never the one in use), so a folder does not grow by
 * one at every corpus change for as long as the installation lives.
 */
export class ModelCache {
  private warned = false;

  constructor(
    readonly dirs: readonly string[],
    private readonly warn: (line: string) => void = (line) => createLogger('wr-classifier').warn(line),
    private readonly keep?: number,
  ) {}

  /** The model from the first folder that has it. */
  read(name: string): string | undefined {
    for (const dir of this.dirs) {
      let text: string;
      try {
        text = fs.readFileSync(path.join(dir, name), 'utf8');
      } catch {
        continue; // Not in this folder: the next may have it.
      }
      this.tidy(dir, name);
      return text;
    }
    return undefined;
  }

  /** Keeps `keep` models in `dir`, `inUse` among them; a folder this user may read but not change stays as it is. */
  private tidy(dir: string, inUse: string): void {
    if (this.keep === undefined) return;
    try {
      prune(dir, inUse, this.keep);
    } catch {
      // Housekeeping only: the model in use is there either way.
    }
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
        this.tidy(dir, name);
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

/** A model's file name: a digest of what it learned (classifier.ts). Nothing else in the folder is touched. */
const MODEL_FILE = /^[0-9a-f]{32}\.json$/;

/** Deletes all but the `keep` newest model files of `dir` (by modification time), never `inUse`. */
export function prune(dir: string, inUse: string, keep: number): void {
  const models = fs.readdirSync(dir).filter((f) => MODEL_FILE.test(f) && f !== inUse).flatMap((f) => {
    try {
      return [{ f, at: fs.statSync(path.join(dir, f)).mtimeMs }];
    } catch {
      return []; // Deleted meanwhile by another process pruning the same folder.
    }
  });
  models.sort((a, b) => b.at - a.at || a.f.localeCompare(b.f));
  for (const { f } of models.slice(Math.max(0, keep - 1))) fs.rmSync(path.join(dir, f), { force: true });
}

/**
 * Models kept per folder: the one in use and the two before it. A brain still running the previous
 * release (PM2 restarts it after the build that trained the new model) and a rollback to it start
 * without training; older ones would only be read by going back further, which trains once (seconds).
 */
export const KEEP_MODELS = 3;

let shared: ModelCache | undefined;

/** This installation's cache; WR_HOME is read at first use, as the brain's own settings are. */
export function modelCache(): ModelCache {
  shared ??= new ModelCache([path.join(projectRoot, 'node_modules', '.cache', 'wr-classifier'), new Paths(defaultHome()).modelCache], undefined, KEEP_MODELS);
  return shared;
}
