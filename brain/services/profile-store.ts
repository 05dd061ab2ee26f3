import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { readFileBounded, readFileIfExists, writeFileAtomic } from '../../core/fs.js';
import { LIMITS, parseProfileYaml, profileToYaml, type Profile } from '../../core/profile.js';
import { profileTables } from '../domain/profile.js';
import type { TenantDb } from '../db/tenant-db.js';

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Replaces the profile tables in one transaction. */
export function writeProfileTables(db: TenantDb, profile: Profile, sourceHash: string): Promise<void> {
  return db.profile.replace(profileTables(profile, sourceHash, new Date()));
}

/** Writes profile.yaml (atomically) and the tables, so the file and the database agree. */
export async function saveProfile(db: TenantDb, file: string, profile: Profile): Promise<void> {
  const text = profileToYaml(profile);
  writeFileAtomic(file, text, 0o600);
  await writeProfileTables(db, profile, hashText(text));
}

/**
 * Keeps a tenant's in-memory profile in step with its profile.yaml. The file is re-read only when
 * its mtime or size changes, and the tables are rewritten only when its content changed, so
 * `wr-console tenant import` takes effect on a running brain at the next request.
 */
export class ProfileSource {
  private stamp = '';
  private current: Profile;
  private loading: Promise<Profile> | undefined;

  constructor(
    private readonly file: string,
    private readonly db: TenantDb,
    fallback: Profile,
    private readonly onInvalid: (err: Error) => void,
    /** profile.yaml now names the business otherwise (an edit by hand, `tenant import`): the registry must follow. */
    private readonly onRenamed: (name: string) => void = () => {},
  ) {
    this.current = fallback;
  }

  get profile(): Profile {
    return this.current;
  }

  async refresh(): Promise<Profile> {
    let stamp: string;
    try {
      const st = fs.statSync(this.file);
      stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      return this.current;
    }
    // Callers that arrive while the file is being loaded wait for it rather than get the old profile.
    if (stamp === this.stamp) return this.loading ?? this.current;
    this.stamp = stamp;
    const loading = this.load().finally(() => {
      if (this.loading === loading) this.loading = undefined;
    });
    this.loading = loading;
    return loading;
  }

  private async load(): Promise<Profile> {
    let text: string;
    let profile: Profile;
    try {
      // Bounded: a huge profile.yaml put there by hand must not take the brain (and every tenant) down.
      text = readFileBounded(this.file, LIMITS.bytes);
      profile = parseProfileYaml(text, this.file);
    } catch (err) {
      this.onInvalid(err as Error);
      return this.current;
    }
    const hash = hashText(text);
    if ((await this.db.profile.storedHash()) !== hash) await writeProfileTables(this.db, profile, hash);
    // `replace` sets the profile before it reads the file back: a name it saved is not a rename here.
    const renamed = profile.name !== this.current.name;
    this.current = profile;
    if (renamed) this.onRenamed(profile.name);
    return profile;
  }

  /** Saves `profile`; resolves to what puts back the profile it replaced, its very text if it had a file. */
  async replace(profile: Profile): Promise<() => Promise<void>> {
    const previous = this.current;
    const text = readFileIfExists(this.file);
    await saveProfile(this.db, this.file, profile);
    await this.adopt(profile);
    return async () => {
      if (text === undefined) await saveProfile(this.db, this.file, previous);
      else writeFileAtomic(this.file, text, 0o600);
      await this.adopt(previous);
    };
  }

  /** Serves `profile`, written just now, and reads the file back: a name set here is not a rename. */
  private async adopt(profile: Profile): Promise<void> {
    this.current = profile;
    this.stamp = '';
    await this.refresh();
  }
}
