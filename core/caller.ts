import { hashKey, keyMatchesHash } from './keys.js';
import type { Tenant } from './registry.js';
import { cached } from './memo.js';

/** The key from an `Authorization: Bearer <key>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
}

export type KeyOwner = { admin: true; tenant?: undefined } | { admin: false; tenant: Tenant };

/** Tenants by their key's sha256, per registry snapshot (RegistryView hands out one array until the file changes). */
const byKeyHash = new WeakMap<readonly Tenant[], Map<string, Tenant>>();

/**
 * Who a key belongs to: the operator (admin key) or one tenant. The key is hashed once and looked
 * up by its sha256 (comparing it with every tenant's hash cost a digest per tenant per request);
 * a lookup keyed by a digest tells a caller nothing about any stored key, and the match found is
 * confirmed with a constant-time comparison.
 */
export function keyOwner(key: string, tenants: readonly Tenant[], adminKeyHash: string): KeyOwner | undefined {
  if (keyMatchesHash(key, adminKeyHash)) return { admin: true };
  const index = cached(byKeyHash, tenants, () => new Map(tenants.map((t) => [t.keyHash, t])));
  const owner = index.get(hashKey(key));
  return owner && keyMatchesHash(key, owner.keyHash) ? { admin: false, tenant: owner } : undefined;
}
