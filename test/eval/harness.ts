import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { createLogger } from '../../core/logger.js';
import { RegistryView } from '../../core/registry.js';
import { RuleEngine } from '../../brain/receptionist/rule-engine.js';
import { INTENTS, type Engine, type Intent } from '../../brain/receptionist/engine.js';
import { ChatService } from '../../brain/services/chat.js';
import { Tenants, type TenantContext } from '../../brain/tenants.js';
import { cli, exampleProfile, makeHome, type TestHome } from '../helpers/home.js';
import { DIALOGUES, NOW, type Dialogue } from './dialogues.js';

const here = path.dirname(new URL(import.meta.url).pathname);

export interface Labelled {
  lang: 'en' | 'es';
  intent: Intent;
  text: string;
}

function readLabelled(file: string, lang: 'en' | 'es'): Labelled[] {
  return fs
    .readFileSync(path.join(here, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [intent, ...rest] = l.split('|');
      return { lang, intent: intent!.trim() as Intent, text: rest.join('|').trim() };
    });
}

export function labelledMessages(): Labelled[] {
  return [...readLabelled('intents.en.txt', 'en'), ...readLabelled('intents.es.txt', 'es')];
}

export function outOfScope(): Labelled[] {
  return fs
    .readFileSync(path.join(here, 'out-of-scope.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [lang, ...rest] = l.split('|');
      return { lang: lang!.trim() as 'en' | 'es', intent: 'unknown' as const, text: rest.join('|').trim() };
    });
}

/** Two tenants with the demo clinic's profile, one in English and one in Spanish. */
export class EvalWorld {
  private constructor(
    readonly home: TestHome,
    readonly tenants: Tenants,
    readonly chat: ChatService,
  ) {}

  static async create(engine: Engine = new RuleEngine()): Promise<EvalWorld> {
    const home = makeHome({ WR_PORT_BASE: '42900' });
    await cli(home.env, 'tenant', 'add', 'clinic-en', '--profile', exampleProfile, '--transport', 'simulator');
    const es = path.join(home.home, 'es.yaml');
    fs.writeFileSync(es, fs.readFileSync(exampleProfile, 'utf8').replace(/^language: en$/m, 'language: es'));
    await cli(home.env, 'tenant', 'add', 'clinic-es', '--profile', es, '--transport', 'simulator');
    const log = createLogger('eval', 'silent');
    const tenants = new Tenants(home.config.paths, new RegistryView(home.config.paths), log);
    return new EvalWorld(home, tenants, new ChatService(engine, log));
  }

  async tenant(lang: 'en' | 'es'): Promise<TenantContext> {
    return (await this.tenants.get(`clinic-${lang}`))!;
  }

  async close(): Promise<void> {
    await this.tenants.closeAll();
    this.home.cleanup();
  }
}

export interface IntentReport {
  perIntent: Record<string, { precision: number; recall: number; support: number }>;
  accuracy: Record<'en' | 'es', number>;
  outOfScope: number;
  misses: string[];
}

export async function evaluateIntents(world: EvalWorld): Promise<IntentReport> {
  const messages = labelledMessages();
  const predicted: Intent[] = [];
  let n = 0;
  for (const m of messages) {
    const r = await world.chat.handle(await world.tenant(m.lang), { message: m.text, sender: `+3460000${String(n++).padStart(4, '0')}`, timestamp: NOW });
    predicted.push(r.intent);
  }
  const perIntent: IntentReport['perIntent'] = {};
  for (const intent of INTENTS) {
    const tp = messages.filter((m, i) => m.intent === intent && predicted[i] === intent).length;
    const fp = messages.filter((m, i) => m.intent !== intent && predicted[i] === intent).length;
    const support = messages.filter((m) => m.intent === intent).length;
    if (support === 0 && fp === 0) continue;
    perIntent[intent] = { precision: tp + fp ? tp / (tp + fp) : 1, recall: support ? tp / support : 1, support };
  }
  const acc = (lang: 'en' | 'es') => {
    const idx = messages.map((m, i) => [m, i] as const).filter(([m]) => m.lang === lang);
    return idx.filter(([m, i]) => predicted[i] === m.intent).length / idx.length;
  };
  let oosHits = 0;
  for (const m of outOfScope()) {
    const r = await world.chat.handle(await world.tenant(m.lang), { message: m.text, sender: `+3461000${String(n++).padStart(4, '0')}`, timestamp: NOW });
    if (r.intent === 'unknown') oosHits++;
  }
  const misses = messages.flatMap((m, i) => (predicted[i] === m.intent ? [] : [`${m.lang} ${m.intent} → ${predicted[i]}: ${m.text}`]));
  return { perIntent, accuracy: { en: acc('en'), es: acc('es') }, outOfScope: oosHits / outOfScope().length, misses };
}

export interface DialogueResult {
  name: string;
  ok: boolean;
  transcript: string[];
  got: Dialogue['expect'];
}

export async function runDialogue(world: EvalWorld, d: Dialogue, index: number): Promise<DialogueResult> {
  const tenant = await world.tenant(d.lang);
  const sender = `+3462000${String(index).padStart(4, '0')}`;
  const zone = tenant.profile.timezone;
  const { Booking } = tenant.db.models;
  await tenant.db.write(async (transaction) => {
    await Booking.destroy({ where: {}, transaction });
    for (const b of d.setup ?? []) {
      const start = DateTime.fromISO(b.start, { zone });
      const duration = tenant.profile.services.find((s) => s.id === b.serviceId)!.duration;
      await Booking.create(
        { serviceId: b.serviceId, sender: b.mine ? sender : '+34699999999', customerName: 'Setup', startAt: start.toJSDate(), endAt: start.plus({ minutes: duration }).toJSDate(), status: 'confirmed', createdAt: new Date(), updatedAt: new Date() },
        { transaction },
      );
    }
  });
  const transcript: string[] = [];
  let clock = DateTime.fromISO(NOW);
  for (const step of d.steps) {
    const r = await world.chat.handle(tenant, { message: step, sender, timestamp: clock.toISO()! });
    transcript.push(`> ${step}`, `< ${r.reply}`);
    clock = clock.plus({ minutes: 1 });
  }
  const rows = await Booking.findAll({ where: { sender }, order: [['startAt', 'ASC']] });
  const got = rows.map((b) => ({ serviceId: b.serviceId, start: DateTime.fromJSDate(b.startAt, { zone }).toFormat("yyyy-MM-dd'T'HH:mm"), status: b.status }));
  return { name: d.name, ok: JSON.stringify(got) === JSON.stringify(d.expect), transcript, got };
}

export async function evaluateDialogues(world: EvalWorld): Promise<DialogueResult[]> {
  const results: DialogueResult[] = [];
  for (const [i, d] of DIALOGUES.entries()) results.push(await runDialogue(world, d, i));
  return results;
}

export function formatReport(intents: IntentReport, dialogues: DialogueResult[]): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
  const lines = ['intent        precision  recall  support'];
  for (const [intent, m] of Object.entries(intents.perIntent)) lines.push(`${intent.padEnd(13)} ${pct(m.precision)}  ${pct(m.recall)}  ${String(m.support).padStart(7)}`);
  lines.push('', `accuracy: en ${pct(intents.accuracy.en)}, es ${pct(intents.accuracy.es)}; out of scope answered "unknown": ${pct(intents.outOfScope)}`);
  lines.push(`dialogues: ${dialogues.filter((d) => d.ok).length}/${dialogues.length} succeeded`);
  for (const d of dialogues.filter((x) => !x.ok)) lines.push(`  FAILED ${d.name}: got ${JSON.stringify(d.got)}`, ...d.transcript.map((t) => `    ${t}`));
  if (intents.misses.length) lines.push('', 'misclassified:', ...intents.misses.map((m) => `  ${m}`));
  return lines.join('\n');
}
