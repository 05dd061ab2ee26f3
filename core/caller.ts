import { keyMatchesHash } from './keys.js';
import type { Tenant } from './registry.js';

/** The key from an `Authorization: Bearer <key>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
}

export type KeyOwner = { admin: true; tenant?: undefined } | { admin: false; tenant: Tenant };

/** Who a key belongs to: the operator (admin key) or one tenant. Every comparison is constant-time. */
export function keyOwner(key: string, tenants: readonly Tenant[], adminKeyHash: string): KeyOwner | undefined {
  if (keyMatchesHash(key, adminKeyHash)) return { admin: true };
  let owner: Tenant | undefined;
  for (const t of tenants) if (keyMatchesHash(key, t.keyHash)) owner = t;
  return owner ? { admin: false, tenant: owner } : undefined;
}
