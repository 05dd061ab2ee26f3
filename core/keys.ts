import fs from 'node:fs';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ensureDir, readFileIfExists, writeFileAtomic } from './fs.js';
import type { Paths } from './paths.js';

export function generateKey(): string {
  return randomBytes(32).toString('base64url');
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Compares sha256 digests in constant time, so response timing says nothing about a stored hash. */
export function keyMatchesHash(key: string, hash: string): boolean {
  const given = Buffer.from(hashKey(key), 'hex');
  const stored = Buffer.from(hash, 'hex');
  return stored.length === given.length && timingSafeEqual(given, stored);
}

export function writeTenantKey(paths: Paths, id: string, key: string): void {
  ensureDir(paths.tenantDir(id));
  writeFileAtomic(paths.secret(id), `${key}\n`, 0o600);
}

export function readTenantKey(paths: Paths, id: string): string | undefined {
  return readFileIfExists(paths.secret(id))?.trim() || undefined;
}

/**
 * The operator key, created (0600) the first time anything asks for it. The new key is written to a
 * temp file and hard-linked into place, so a racing process sees either no file or the whole key.
 */
export function loadOrCreateAdminKey(paths: Paths): string {
  const existing = readFileIfExists(paths.adminKey)?.trim();
  if (existing) return existing;
  ensureDir(paths.home);
  const tmp = `${paths.adminKey}.${process.pid}.tmp`;
  writeFileAtomic(tmp, `${generateKey()}\n`, 0o600);
  try {
    fs.linkSync(tmp, paths.adminKey);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const key = readFileIfExists(paths.adminKey)?.trim();
  if (!key) throw new Error(`${paths.adminKey} is empty: delete it and run again to create a new admin key`);
  return key;
}
