import { Op } from 'sequelize';
import { EventEmitter } from 'node:events';
import { fullJitter } from '../core/backoff.js';
import { SendError, type Channel, type ChannelName } from '../core/alerts.js';
import { BRAIN, gatewayName } from '../core/apps.js';
import type { Config } from '../core/config.js';
import type { GatewayHealth } from '../core/contracts.js';
import { gatewayHealth, getHealth } from '../core/health.js';
import { loadOrCreateAdminKey } from '../core/keys.js';
import type { Logger } from '../core/logger.js';
import { RegistryView, type Tenant } from '../core/registry.js';
import { stripControl } from '../core/text.js';
import { llmHealthOf } from '../core/status.js';
import { BrainApi, BrainUnavailable } from './brain-api.js';
import { configIncident, DEFAULT_THRESHOLDS, desiredIncidents, observe, type DesiredIncident, type Observation, type Thresholds, type WatchState } from './rules.js';
import type { AlertRow, IncidentRow, MonitorStore } from './store.js';

export interface Pm2View {
  /** name → status and restart count; null when PM2 cannot be asked. */
  states(): Promise<Map<string, { status: string; restarts: number }> | null>;
}

export interface MonitorOptions {
  config: Config;
  store: MonitorStore;
  channels: Map<ChannelName, Channel>;
  log: Logger;
  pm2?: Pm2View;
  thresholds?: Thresholds;
  intervalMs?: number;
  reminderMs?: number;
  /** An alert still undelivered after this long is dead-lettered. */
  deadAfterMs?: number;
  retryCapMs?: number;
  now?: () => number;
}

const HEALTH_TIMEOUT_MS = 3_000;

/**
 * The watcher: every interval it looks at each tenant's gateway and the brain, updates the
 * incidents (one alert when one opens, one when it resolves, a reminder at most hourly), queues
 * the tenants' escalation notifications, and delivers the alert outbox. Emits 'incident'.
 */
export class Monitor extends EventEmitter {
  private readonly registry: RegistryView;
  private readonly thresholds: Thresholds;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly brain: BrainApi;

  constructor(private readonly opts: MonitorOptions) {
    super();
    this.brain = new BrainApi(opts.config.brainUrl, () => loadOrCreateAdminKey(opts.config.paths));
    this.registry = new RegistryView(opts.config.paths, (err) => opts.log.error({ err: err.message }, 'registry unreadable; keeping the last good copy'));
    this.thresholds = opts.thresholds ?? DEFAULT_THRESHOLDS;
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    const tick = () => {
      this.running = this.cycle().finally(() => {
        this.running = undefined;
        this.timer = setTimeout(tick, this.opts.intervalMs ?? 10_000);
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round: observe, reconcile incidents, queue escalations, deliver. */
  async cycle(): Promise<void> {
    try {
      const observations = await this.observeAll();
      await this.reconcile(observations);
      await this.queueEscalations();
      await this.deliver();
      await this.opts.store.write((t) => this.opts.store.Settings.upsert({ key: 'heartbeat', value: new Date(this.now()).toISOString() }, { transaction: t }));
    } catch (err) {
      this.opts.log.error({ err }, 'monitor cycle failed');
    }
  }

  private async gatewayHealth(tenant: Tenant): Promise<GatewayHealth | null> {
    const { health, problem } = await gatewayHealth(tenant.port, HEALTH_TIMEOUT_MS);
    if (problem) this.opts.log.warn({ tenant: tenant.id, problem }, 'gateway health unreadable; counted as not answering');
    return health;
  }

  private async observeAll(): Promise<{ obs: Observation; tenant?: Tenant }[]> {
    const pm2 = (await this.opts.pm2?.states().catch(() => null)) ?? null;
    const tenants = this.registry.list();
    const gateways = await Promise.all(
      tenants.map(async (tenant) => {
        const h = await this.gatewayHealth(tenant);
        const obs: Observation = {
          target: tenant.id,
          kind: 'gateway',
          reachable: h !== null,
          wa: h?.status,
          parkedReason: h?.parkedReason ?? null,
          lastDisconnect: h?.lastDisconnect ?? null,
          backlog: h?.queue.pending,
          storeError: h?.storeError ?? null,
          heldInMemory: h?.heldInMemory ?? 0,
          authError: h?.authError ?? null,
          undecryptable: h?.undecryptableLastHour ?? 0,
          pm2: pm2?.get(gatewayName(tenant.id)),
        };
        return { obs, tenant };
      }),
    );
    const brain = await getHealth(`${this.opts.config.brainUrl}/health`, HEALTH_TIMEOUT_MS);
    const llm = llmHealthOf(brain);
    return [...gateways, { obs: { target: 'brain', kind: 'brain', reachable: brain !== null, pm2: pm2?.get(BRAIN), ...(llm ? { llm } : {}) } }];
  }

  private async reconcile(observations: { obs: Observation; tenant?: Tenant }[]): Promise<void> {
    const { store } = this.opts;
    const now = this.now();
    const states = new Map((await store.Watch.findAll()).map((w) => [w.target, w.state as WatchState]));
    const desired = new Map<string, { incident: DesiredIncident; tenant?: Tenant }>();
    const updates: { target: string; state: WatchState }[] = [];
    for (const { obs, tenant } of observations) {
      const state = observe(states.get(obs.target), obs, now, this.thresholds);
      updates.push({ target: obs.target, state });
      for (const incident of desiredIncidents(obs, state, now, this.thresholds)) desired.set(incident.key, { incident, tenant });
    }
    const config = configIncident(this.opts.config.alertProblems);
    if (config) desired.set(config.key, { incident: config });
    const open = await store.openIncidents();
    const openKeys = new Set(open.map((i) => i.key));
    const known = new Set(observations.map((o) => o.obs.target));
    const events: { type: 'opened' | 'resolved'; incident: IncidentRow }[] = [];
    await store.write(async (transaction) => {
      for (const u of updates) await store.Watch.upsert({ target: u.target, state: u.state, updatedAt: new Date(now) }, { transaction });
      for (const [key, { incident, tenant }] of desired) {
        if (openKeys.has(key)) continue;
        const row = await store.Incident.create({ key, kind: incident.kind, target: incident.target, title: incident.title, severity: incident.severity ?? 0, status: 'open', openedAt: new Date(now), remindedAt: new Date(now) }, { transaction });
        await store.enqueue(this.operatorAlerts(`open:${row.id}`, row.id, `🔴 ${this.label(incident.target, tenant)}: ${incident.title}. Next: ${incident.next}`), transaction);
        events.push({ type: 'opened', incident: row.get({ plain: true }) as IncidentRow });
      }
      for (const incident of open) {
        const stillWanted = desired.has(incident.key) || (incident.kind === 'alert_delivery' && !(await this.deliveryRecovered(incident)));
        // A tenant removed from the registry takes its incidents with it.
        const gone = incident.target !== 'brain' && incident.target !== 'monitor' && !known.has(incident.target);
        const worse = desired.get(incident.key)?.incident;
        if (stillWanted && !gone && worse && (worse.severity ?? 0) > incident.severity) {
          // Worse than when it was alerted: say so now, rather than at the next reminder or never.
          await store.Incident.update({ title: worse.title, severity: worse.severity, remindedAt: new Date(now) }, { where: { id: incident.id }, transaction });
          await store.enqueue(this.operatorAlerts(`worse:${incident.id}:${worse.severity}`, incident.id, `🔺 ${this.label(incident.target)}: worse — ${worse.title}. Next: ${worse.next}`), transaction);
          continue;
        }
        if (stillWanted && !gone) {
          if (now - incident.remindedAt.getTime() >= (this.opts.reminderMs ?? 3_600_000)) {
            await store.Incident.update({ remindedAt: new Date(now) }, { where: { id: incident.id }, transaction });
            const since = new Date(incident.openedAt).toISOString().slice(11, 16);
            await store.enqueue(this.operatorAlerts(`remind:${incident.id}:${now}`, incident.id, `⏰ still open since ${since} UTC: ${this.label(incident.target)}: ${incident.title}`), transaction);
          }
          continue;
        }
        await store.Incident.update({ status: 'resolved', resolvedAt: new Date(now) }, { where: { id: incident.id }, transaction });
        const minutes = Math.max(1, Math.round((now - incident.openedAt.getTime()) / 60_000));
        await store.enqueue(this.operatorAlerts(`resolve:${incident.id}`, incident.id, `✅ ${this.label(incident.target)}: resolved after ${minutes} min — ${incident.title}`), transaction);
        events.push({ type: 'resolved', incident: { ...incident, status: 'resolved', resolvedAt: new Date(now) } });
      }
    });
    for (const e of events) this.emit('incident', e);
  }

  private label(target: string, tenant?: Tenant): string {
    if (target === 'brain' || target === 'monitor') return `[wr ${target}]`;
    const t = tenant ?? this.registry.get(target);
    return `[${target}] ${t?.name ?? ''}`.trim();
  }

  private operatorAlerts(dedupe: string, incidentId: number | null, text: string) {
    return [...this.opts.channels.values()].flatMap((channel) =>
      channel.operatorRecipients.map((recipient) => ({ dedupe: `${dedupe}:${channel.name}:${recipient}`, incidentId, channel: channel.name, recipient, text, source: null })),
    );
  }

  /** A dead-lettered delivery's incident resolves once a later alert goes out. */
  private async deliveryRecovered(incident: IncidentRow): Promise<boolean> {
    return (await this.opts.store.Alert.count({ where: { status: 'sent', sentAt: { [Op.gt]: incident.openedAt } } })) > 0;
  }

  /**
   * Copies each tenant's pending escalation notices into the outbox, once per contact and channel,
   * then tells the brain they are queued (or dead, with no contact to reach).
   */
  private async queueEscalations(): Promise<void> {
    for (const tenant of this.registry.list()) {
      try {
        const { notices, contacts } = await this.brain.pendingNotices(tenant.id);
        if (notices.length === 0) continue;
        const alerts = notices.flatMap((p) =>
          contacts.flatMap((c) => [
            ...(c.telegramChatId ? [{ channel: 'telegram' as const, recipient: c.telegramChatId }] : []),
            ...(c.phone ? [{ channel: 'sms' as const, recipient: c.phone }] : []),
          ]).map((d) => ({ dedupe: `esc:${tenant.id}:${p.id}:${d.channel}:${d.recipient}`, incidentId: null, ...d, text: `🙋 ${stripControl(p.text)}`, source: `${tenant.id}:${p.id}` })),
        );
        // Stored in monitor.db first (durably, deduplicated): a report lost on the way is made again next cycle.
        await this.opts.store.enqueue(alerts);
        let unroutable = 0;
        for (const p of notices) {
          const routed = alerts.some((a) => a.source === `${tenant.id}:${p.id}`);
          if (!routed) unroutable++;
          await this.brain.settle(tenant.id, p.id, routed ? { status: 'queued' } : { status: 'dead', error: 'no escalation contact with a phone or Telegram chat id' });
        }
        if (unroutable) this.opts.log.warn({ tenant: tenant.id, count: unroutable }, 'escalations with no contact to notify');
      } catch (err) {
        // A brain that does not answer is an incident of its own; its tenants wait for the next cycle.
        if (err instanceof BrainUnavailable) return;
        this.opts.log.error({ tenant: tenant.id, err: (err as Error).message }, 'could not queue escalations');
      }
    }
  }

  private async deliver(): Promise<void> {
    const { store, log } = this.opts;
    const now = this.now();
    for (const alert of await store.dueAlerts(new Date(now))) {
      const channel = this.opts.channels.get(alert.channel);
      if (now - alert.createdAt.getTime() >= (this.opts.deadAfterMs ?? 24 * 3_600_000) || !channel) {
        await this.deadLetter(alert, channel ? 'undelivered for 24 hours' : `the ${alert.channel} channel is not configured`);
        continue;
      }
      try {
        await channel.send(alert.recipient, alert.text);
        await store.write((t) => store.Alert.update({ status: 'sent', sentAt: new Date(this.now()), lastError: null }, { where: { id: alert.id }, transaction: t }));
        await this.markEscalationDelivered(alert);
      } catch (err) {
        const e = err as SendError;
        const attempts = alert.attempts + 1;
        const wait = Math.max(e.retryAfterMs ?? 0, fullJitter(attempts, 2_000, this.opts.retryCapMs ?? 10 * 60_000));
        await store.write((t) => store.Alert.update({ attempts, nextAttemptAt: new Date(this.now() + wait), lastError: e.message.slice(0, 500) }, { where: { id: alert.id }, transaction: t }));
        log.warn({ alert: alert.id, channel: alert.channel, attempts, err: e.message }, 'alert not delivered; will retry');
        if (e.permanent) await this.deadLetter({ ...alert, lastError: e.message }, e.message);
      }
    }
  }

  private async deadLetter(alert: AlertRow, why: string): Promise<void> {
    const { store } = this.opts;
    await store.write(async (t) => {
      await store.Alert.update({ status: 'dead', lastError: why }, { where: { id: alert.id }, transaction: t });
      const key = 'alert_delivery:monitor';
      if ((await store.Incident.count({ where: { key, status: 'open' }, transaction: t })) === 0) {
        const now = new Date(this.now());
        const row = await store.Incident.create({ key, kind: 'alert_delivery', target: 'monitor', title: `alerts are not getting through (${alert.channel} → ${alert.recipient}: ${why})`, status: 'open', openedAt: now, remindedAt: now }, { transaction: t });
        // Told on every other channel: the failing one may be the only one down.
        const others = this.operatorAlerts(`open:${row.id}`, row.id, `🔴 [wr monitor]: ${row.title}`).filter((a) => a.channel !== alert.channel);
        await store.enqueue(others, t);
      }
    });
    this.opts.log.error({ alert: alert.id, why }, 'alert dead-lettered');
  }

  private async markEscalationDelivered(alert: AlertRow): Promise<void> {
    if (!alert.source) return;
    const [tenant, id] = alert.source.split(':');
    const siblings = await this.opts.store.Alert.count({ where: { source: alert.source, status: 'pending' } });
    if (siblings > 0 || !tenant) return;
    try {
      await this.brain.settle(tenant, Number(id), { status: 'delivered' });
    } catch (err) {
      // The contacts have it; only the brain's record of it lags.
      this.opts.log.warn({ tenant, notice: Number(id), err: (err as Error).message }, 'could not mark an escalation notice delivered');
    }
  }
}
