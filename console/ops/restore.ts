import { BRAIN, gatewayName, MONITOR } from '../../core/apps.js';
import type { Config } from '../../core/config.js';
import { daemonRunning } from '../../core/pm2/daemon.js';
import { applyRestore, BackupError, planRestore, verifyBackup, type RestorePlan } from '../backup.js';
import { BrainApi, BrainRefused, BrainUnreachable } from '../brain-api.js';
import { OpsError } from './errors.js';
import { readRegistry } from '../../core/registry.js';
import { appsFor, startApps, syncGateway, targetOf, withPm2 } from './processes.js';

/**
 * `wr-console restore`: stops what holds the files it replaces, puts the backup back, and starts
 * again what was running. A whole restore stops the brain and the monitor too. One tenant's
 * restore leaves the shared brain serving everyone else: that tenant alone is suspended in it
 * (database closed, 503 so its gateway holds and retries) and opened afresh from the restored file.
 */
export async function restoreBackup(config: Config, env: NodeJS.ProcessEnv, dir: string, opts: { tenant?: string; force: boolean }, say: (line: string) => void): Promise<RestorePlan> {
  try {
    const plan = await planRestore(config, dir, opts.tenant);
    if (plan.overwrites.length > 0 && !opts.force) throw new OpsError(`restoring would replace the current data of ${plan.overwrites.join(', ')}; add --force to replace it (take a backup first)`);
    await verifyBackup(dir, plan.tenants);
    const brain = new BrainApi(config);
    const suspended = plan.full ? [] : await suspendInBrain(brain, plan.tenants);
    const stopBrain = plan.full || suspended === null;
    const touched = [...(stopBrain ? [BRAIN] : []), ...plan.tenants.map(gatewayName), ...(plan.full ? [MONITOR] : [])];
    // A whole restore brings back the backup's registry: tenants added since are no longer in it.
    const dropped = plan.full ? readRegistry(config.paths).map((t) => t.id).filter((id) => !plan.tenants.includes(id)) : [];
    const daemon = await daemonRunning(env);
    let wasRunning: string[] = [];
    let inPm2: string[] = [];
    try {
      if (daemon) {
        wasRunning = await withPm2(env, false, async (pm2) => {
          const listed = await pm2.list();
          inPm2 = listed.map((p) => p.name);
          const online = listed.filter((p) => touched.includes(p.name) && p.status === 'online').map((p) => p.name);
          for (const name of online) await pm2.stop(name);
          return online;
        });
        if (wasRunning.length) say(`stopped ${wasRunning.join(', ')}`);
      }
      await applyRestore(config, dir, plan, say);
      // Their gateways would go on taking customers' messages no brain accepts any more.
      for (const id of dropped) {
        await syncGateway(config, env, id, false, say);
        say(`${id} is not in the backup, so it is no longer registered; its data is kept in ${config.paths.tenantDir(id)} (adding "${id}" again reuses it)`);
      }
    } finally {
      // Even after a failed copy: the tenant is served again (from whichever file is in place).
      for (const id of suspended ?? []) await brain.resumeTenant(id).catch(() => {});
      if (suspended?.length) say(`the brain serves ${suspended.join(', ')} from the restored data`);
      if (wasRunning.length) {
        await withPm2(env, false, async (pm2) => {
          for (const name of wasRunning) for (const line of await startApps(pm2, appsFor(config, targetOf(name), env.WR_DEMO === '1'))) say(line);
        });
      }
      // A tenant the backup brings back (removed since) is served like one just added.
      if (daemon) {
        // The restored registry, read once, and only if some gateway is missing.
        let registered: Set<string> | undefined;
        for (const id of plan.tenants) if (!inPm2.includes(gatewayName(id)) && (registered ??= new Set(readRegistry(config.paths).map((t) => t.id))).has(id)) await syncGateway(config, env, id, true, say);
      }
    }
    return plan;
  } catch (err) {
    if (err instanceof BackupError) throw new OpsError(err.message);
    throw err;
  }
}

/**
 * Suspends each tenant in the running brain. [] when no brain answers (it holds no file then);
 * null when one answers but cannot suspend (a brain of an older version): it must be stopped.
 */
async function suspendInBrain(brain: BrainApi, tenants: string[]): Promise<string[] | null> {
  const done: string[] = [];
  for (const id of tenants) {
    try {
      await brain.suspendTenant(id);
      done.push(id);
    } catch (err) {
      if (err instanceof BrainUnreachable && done.length === 0) return [];
      if (err instanceof BrainRefused && err.status === 404) {
        for (const d of done) await brain.resumeTenant(d).catch(() => {});
        return null;
      }
      throw err;
    }
  }
  return done;
}
