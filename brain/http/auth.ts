import type { RequestHandler, Response } from 'express';
import { bearerToken, keyOwner } from '../../core/caller.js';
import { FailedLogins } from '../../core/failed-logins.js';
import { keyMatchesHash } from '../../core/keys.js';
import { isTenantId } from '../../core/paths.js';
import type { TenantContext, Tenants } from '../tenants.js';
import { HttpError } from '../../core/http-errors.js';

export interface Caller {
  admin: boolean;
  tenant: TenantContext;
}

/** The authenticated caller of an /api request; set by `authenticate`. */
export function callerOf(res: Response): Caller {
  return res.locals.caller as Caller;
}

/**
 * The key decides who the caller is; X-Client-ID only says which tenant they mean. Order matters:
 * 401 before anything else, so an unauthenticated caller learns nothing about which tenants exist.
 */
export function authenticate(tenants: Tenants, adminKeyHash: string, failed = new FailedLogins()): RequestHandler {
  return async (req, res, next) => {
    const key = bearerToken(req.get('authorization'));
    const who = key ? keyOwner(key, tenants.registry.list(), adminKeyHash) : undefined;
    // Checked only for a key that fails: a valid key always gets in, whoever else guesses.
    if (!who) return failed.refuse(req.socket.remoteAddress ?? '?', key ? 'unknown key' : 'missing key: send Authorization: Bearer <tenant or admin key>');
    const { admin, tenant: owner } = who;
    const id = req.get('x-client-id');
    if (!id) throw new HttpError(400, 'missing X-Client-ID header: name the tenant', [{ path: 'X-Client-ID', message: 'required' }]);
    if (!isTenantId(id)) throw new HttpError(400, 'invalid X-Client-ID header', [{ path: 'X-Client-ID', message: 'not a tenant id' }]);
    if (!admin && owner!.id !== id) throw new HttpError(403, `this key belongs to another tenant, not "${id}"`);
    const tenant = await tenants.get(id);
    if (!tenant) throw new HttpError(404, `no tenant "${id}"`);
    res.locals.caller = { admin, tenant } satisfies Caller;
    next();
  };
}

/** The admin key and nothing else, for calls outside /api that name no tenant in X-Client-ID. */
export function requireAdminKey(adminKeyHash: string, failed: FailedLogins): RequestHandler {
  return (req, _res, next) => {
    const key = bearerToken(req.get('authorization'));
    if (!key || !keyMatchesHash(key, adminKeyHash)) return failed.refuse(req.socket.remoteAddress ?? '?', key ? 'this call needs the admin key' : 'missing key: send Authorization: Bearer <admin key>');
    next();
  };
}

export const requireAdmin: RequestHandler = (_req, res, next) => {
  if (!callerOf(res).admin) throw new HttpError(403, 'this call needs the admin key');
  next();
};
