import fs from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { Paths, defaultHome } from './paths.js';

const E164 = /^\+[1-9]\d{6,14}$/;

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce
  .number({ error: 'expected a port number' })
  .int('expected a whole port number')
  .min(1, 'expected a port from 1 to 65535')
  .max(65535, 'expected a port from 1 to 65535');
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });
const list = <T extends z.ZodType<string>>(item: T) =>
  z.string().transform((s, ctx) => {
    const items = s.split(',').map((x) => x.trim()).filter(Boolean);
    for (const value of items) {
      const parsed = item.safeParse(value);
      if (!parsed.success) ctx.addIssue({ code: 'custom', message: `"${value}": ${parsed.error.issues[0]?.message}` });
    }
    return items;
  });

const schema = z
  .object({
    WR_HOME: z.string().optional(),
    BRAIN_PORT: port.default(3000),
    BRAIN_URL: httpUrl.optional(),
    /** The monitor's HTTP API (incidents for the console and `status`), on 127.0.0.1. */
    MONITOR_PORT: port.default(3001),
    WR_PORT_BASE: port.default(2900),
    BRAIN_RATE_LIMIT: z.coerce.number().int().min(1, 'expected requests per minute, at least 1').default(600),
    WR_DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'expected postgres://user:password@host:5432/database')
      .optional(),
    BRAIN_INSTANCES: z.coerce.number({ error: 'expected a number of brain processes' }).int('expected a whole number').min(1).max(32, 'at most 32').default(1),
    BRAIN_FAILED_LOGINS: z.coerce.number().int().min(1, 'expected failed logins per minute, at least 1').default(10),
    GATEWAY_SEND_PER_MINUTE: z.coerce.number().int().min(1, 'expected messages per minute, at least 1').max(6000).default(30),
    GATEWAY_SEND_BURST: z.coerce.number().int().min(1).max(1000).default(5),
    GATEWAY_RETRY_CAP_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    /** The WhatsApp Web socket Baileys connects to (default WhatsApp's): a proxy, or a local end for tests. */
    WA_WEBSOCKET_URL: z.url({ protocol: /^wss?$/, error: 'expected a ws:// or wss:// URL' }).optional(),
    MONITOR_INTERVAL_MS: z.coerce.number().int().min(500, 'at least 500 ms').max(3_600_000).default(10_000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[\w-]+$/, 'expected a bot token like 123456:ABC-def').optional(),
    TELEGRAM_CHAT_IDS: list(z.string().regex(/^-?\d+$|^@\w+$/, 'expected a numeric chat id or @channel')).default([]),
    TELEGRAM_API_ROOT: httpUrl.default('https://api.telegram.org'),
    SMS_ENABLED: flag.default(false),
    SMS_RECIPIENTS: list(z.string().regex(E164, 'expected an E.164 phone number like +34600111222')).default([]),
    TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'expected AC followed by 32 hex digits').optional(),
    TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
    TWILIO_FROM: z.string().regex(E164, 'expected an E.164 phone number like +15005550006').optional(),
    TWILIO_API_BASE: httpUrl.default('https://api.twilio.com'),
    LLM_PROVIDER: z.enum(['openai', 'anthropic'], { error: 'expected openai or anthropic' }).optional(),
    LLM_BASE_URL: httpUrl.optional(),
    LLM_MODEL: z.string().min(1).optional(),
    LLM_API_KEY: z.string().min(1).optional(),
    LLM_MAX_TOKENS: z.coerce.number().int().min(16, 'expected tokens per answer, at least 16').max(32_000).default(512),
    LLM_TEMPERATURE: z.coerce.number().min(0, 'expected 0 to 2').max(2, 'expected 0 to 2').optional(),
    LLM_TIMEOUT_MS: z.coerce.number().int().min(500, 'at least 500 ms').max(120_000).default(10_000),
    LLM_DAILY_TOKENS: z.coerce.number().int().min(1, 'expected tokens per tenant per day, at least 1').optional(),
    TRANSCRIBE_BASE_URL: httpUrl.optional(),
    TRANSCRIBE_MODEL: z.string().min(1).default('whisper-1'),
    TRANSCRIBE_API_KEY: z.string().min(1).optional(),
    TRANSCRIBE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
    TRANSCRIBE_MAX_MB: z.coerce.number().min(0.1).max(100).default(25),
  })
  .superRefine((c, ctx) => {
    const need = (cond: boolean, key: string, why: string) => {
      if (cond) ctx.addIssue({ code: 'custom', path: [key], message: why });
    };
    need(c.TELEGRAM_CHAT_IDS.length > 0 && !c.TELEGRAM_BOT_TOKEN, 'TELEGRAM_BOT_TOKEN', 'required when TELEGRAM_CHAT_IDS is set');
    for (const key of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'] as const) {
      need(c.SMS_ENABLED && !c[key], key, 'required when SMS_ENABLED=true');
    }
    need(Boolean(c.LLM_PROVIDER) && !c.LLM_MODEL, 'LLM_MODEL', 'required when LLM_PROVIDER is set');
    // SQLite writers must not run in PM2 cluster mode: each process would queue its writes alone.
    need(c.BRAIN_INSTANCES > 1 && !c.WR_DATABASE_URL, 'BRAIN_INSTANCES', 'more than 1 needs WR_DATABASE_URL (PostgreSQL): SQLite allows one brain process');
    need(c.MONITOR_PORT === c.BRAIN_PORT, 'MONITOR_PORT', 'must differ from BRAIN_PORT');
  });

export type Config = z.infer<typeof schema> & {
  home: string;
  paths: Paths;
  brainUrl: string;
  /** With `alerts: false`: the bad alert settings that were left out (one line each); [] otherwise. */
  alertProblems: string[];
};

/** Values that must never be echoed back in an error message. */
const SECRET_KEYS = new Set(['TELEGRAM_BOT_TOKEN', 'TWILIO_AUTH_TOKEN', 'LLM_API_KEY', 'TRANSCRIBE_API_KEY', 'WR_DATABASE_URL']);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

function readEnvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError([`cannot read ${file}: ${(err as Error).message}`]);
  }
  return parseEnv(text) as Record<string, string>;
}

/** Settings only the monitor acts on, per channel: a mistake in them must never stop a receptionist. */
const ALERT_CHANNELS: readonly (readonly string[])[] = [
  ['TELEGRAM_BOT_TOKEN', 'TELEGRAM_CHAT_IDS', 'TELEGRAM_API_ROOT'],
  ['SMS_ENABLED', 'SMS_RECIPIENTS', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM', 'TWILIO_API_BASE'],
];
export const ALERT_KEYS: ReadonlySet<string> = new Set(ALERT_CHANNELS.flat());

export interface LoadOptions {
  /**
   * false: a channel with bad settings is left out (that channel off) instead of refused, and the
   * problems are returned in `alertProblems` — the brain and gateways send no alerts, and the
   * monitor keeps watching and reports them as an incident.
   */
  alerts?: boolean;
}

function describeIssues(issues: z.core.$ZodIssue[], merged: Record<string, string>): string[] {
  return issues.map((issue) => {
    const key = String(issue.path[0] ?? 'configuration');
    const shown = merged[key] === undefined || SECRET_KEYS.has(key) ? '' : `=${JSON.stringify(merged[key])}`;
    return `invalid configuration: ${key}${shown}: ${issue.message}`;
  });
}

/**
 * Configuration from WR_HOME/wr.env overlaid by the process environment (environment wins).
 * Empty values count as unset. Every bad value is reported, one line each, naming the variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: LoadOptions = {}): Config {
  const home = defaultHome(env);
  const paths = new Paths(home);
  const merged: Record<string, string> = {};
  const fromFile = readEnvFile(paths.envFile);
  for (const key of Object.keys(schema.shape)) {
    const value = env[key] ?? fromFile[key];
    if (value !== undefined && value.trim() !== '') merged[key] = value.trim();
  }
  let parsed = schema.safeParse(merged);
  let alertProblems: string[] = [];
  // Refinements run only once the fields parse, so dropping one channel may reveal the other's problems.
  while (!parsed.success && opts.alerts === false) {
    const bad = new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')));
    if (![...bad].every((k) => ALERT_KEYS.has(k))) break;
    alertProblems = [...alertProblems, ...describeIssues(parsed.error.issues, merged)];
    for (const channel of ALERT_CHANNELS) if (channel.some((k) => bad.has(k))) for (const key of channel) delete merged[key];
    parsed = schema.safeParse(merged);
  }
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error.issues, merged));
  const config = parsed.data;
  return { ...config, home, paths, brainUrl: config.BRAIN_URL ?? `http://127.0.0.1:${config.BRAIN_PORT}`, alertProblems };
}

/**
 * Settings exported in the shell that differ from wr.env. PM2 starts the brain, the gateways and
 * the monitor without the caller's shell, so such a value would reach the CLI alone: it would
 * talk to a port nothing listens on, or believe in settings no process has.
 */
export function shellMismatches(env: NodeJS.ProcessEnv = process.env): string[] {
  const paths = new Paths(defaultHome(env));
  const fromFile = readEnvFile(paths.envFile);
  const out: string[] = [];
  for (const key of Object.keys(schema.shape)) {
    // WR_HOME is handed to every process by the ecosystem file; LOG_LEVEL is also the CLI's own.
    if (key === 'WR_HOME' || key === 'LOG_LEVEL') continue;
    const shell = env[key]?.trim();
    const file = fromFile[key]?.trim() || undefined;
    if (!shell || shell === file) continue;
    const show = (v: string) => (SECRET_KEYS.has(key) ? `${key}=…` : `${key}=${v}`);
    out.push(
      `${show(shell)} is set in your shell, but ${paths.envFile} ${file ? `has ${show(file)}` : 'does not set it'}, and the brain, gateways and monitor read only that file: put the value in ${paths.envFile}, or unset it in the shell`,
    );
  }
  return out;
}
