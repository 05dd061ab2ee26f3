import fs from 'node:fs';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { freePort, makeHome, type TestHome } from '../helpers/home.js';
import { until } from '../helpers/gateway.js';

let t: TestHome;
afterEach(() => t?.cleanup());

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('configuration', () => {
  it('has working defaults', () => {
    t = makeHome();
    // makeHome's wr.env gives the test free ports; the defaults are what an empty one gives.
    fs.writeFileSync(t.config.paths.envFile, '', { mode: 0o600 });
    const c = loadConfig({ WR_HOME: t.home });
    expect(c).toMatchObject({ BRAIN_PORT: 3000, WR_PORT_BASE: 2900, SMS_ENABLED: false, TELEGRAM_CHAT_IDS: [], brainUrl: 'http://127.0.0.1:3000' });
  });

  it("gives each test home free ports of its own, never the defaults a running demo or a parallel suite holds", async () => {
    t = makeHome();
    let other = makeHome();
    try {
      const ports = [t.config.BRAIN_PORT, t.config.MONITOR_PORT, t.config.WR_PORT_BASE];
      expect(ports).not.toContain(3000);
      expect(ports).not.toContain(3001);
      expect(ports).not.toContain(2900);
      expect(new Set([...ports, other.config.BRAIN_PORT, other.config.MONITOR_PORT, other.config.WR_PORT_BASE]).size).toBe(6);
      // Programs started from the home (PM2 reads wr.env) get the same ports.
      expect(loadConfig({ WR_HOME: t.home }, { alerts: false })).toMatchObject({ BRAIN_PORT: ports[0], MONITOR_PORT: ports[1], WR_PORT_BASE: ports[2] });
      const net = await import('node:net');
      for (const port of ports) {
        const s = net.createServer();
        await new Promise<void>((resolve, reject) => s.once('error', reject).listen(port, '127.0.0.1', resolve));
        await new Promise((r) => s.close(r));
      }
      other.cleanup();
      other = makeHome({ MONITOR_PORT: '4999' });
      expect(other.config.MONITOR_PORT).toBe(4999);
    } finally {
      other.cleanup();
    }
  });

  it('reads WR_HOME/wr.env, and the environment wins over it', () => {
    t = makeHome();
    fs.writeFileSync(t.config.paths.envFile, 'BRAIN_PORT=4100\nTELEGRAM_BOT_TOKEN=123:abc\nTELEGRAM_CHAT_IDS="1, 2"\n', { mode: 0o600 });
    const c = loadConfig({ WR_HOME: t.home, TELEGRAM_CHAT_IDS: '42' });
    expect(c.BRAIN_PORT).toBe(4100);
    expect(c.TELEGRAM_CHAT_IDS).toEqual(['42']);
    expect(loadConfig({ WR_HOME: t.home }).TELEGRAM_CHAT_IDS).toEqual(['1', '2']);
  });

  it('names each bad value on its own line, without echoing secrets', () => {
    t = makeHome();
    expect(
      problems({
        WR_HOME: t.home,
        BRAIN_PORT: '70000',
        SMS_ENABLED: 'maybe',
        TELEGRAM_BOT_TOKEN: 'secret-but-wrong',
        LLM_PROVIDER: 'gemini',
        SMS_RECIPIENTS: '+34600111222,0612',
      }),
    ).toEqual([
      'invalid configuration: BRAIN_PORT="70000": expected a port from 1 to 65535',
      'invalid configuration: TELEGRAM_BOT_TOKEN: expected a bot token like 123456:ABC-def',
      'invalid configuration: SMS_ENABLED="maybe": expected true or false',
      'invalid configuration: SMS_RECIPIENTS="+34600111222,0612": "0612": expected an E.164 phone number like +34600111222',
      'invalid configuration: LLM_PROVIDER="gemini": expected openai or anthropic',
    ]);
  });

  it('requires the settings a feature depends on', () => {
    t = makeHome();
    expect(problems({ WR_HOME: t.home, SMS_ENABLED: 'true', TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32) })).toEqual([
      'invalid configuration: TWILIO_AUTH_TOKEN: required when SMS_ENABLED=true',
      'invalid configuration: TWILIO_FROM: required when SMS_ENABLED=true',
    ]);
    expect(problems({ WR_HOME: t.home, LLM_PROVIDER: 'openai' })).toEqual(['invalid configuration: LLM_MODEL: required when LLM_PROVIDER is set']);
    expect(problems({ WR_HOME: t.home, BRAIN_PORT: '3000', MONITOR_PORT: '3000' })).toEqual(['invalid configuration: MONITOR_PORT="3000": must differ from BRAIN_PORT']);
    expect(problems({ WR_HOME: t.home, WA_WEBSOCKET_URL: 'http://127.0.0.1:1' })).toEqual(['invalid configuration: WA_WEBSOCKET_URL="http://127.0.0.1:1": expected a ws:// or wss:// URL']);
  });

  it('allows several brain processes only with PostgreSQL, and never echoes the database URL', () => {
    t = makeHome();
    expect(problems({ WR_HOME: t.home, BRAIN_INSTANCES: '2' })).toEqual([
      'invalid configuration: BRAIN_INSTANCES="2": more than 1 needs WR_DATABASE_URL (PostgreSQL): SQLite allows one brain process',
    ]);
    expect(problems({ WR_HOME: t.home, WR_DATABASE_URL: 'mysql://u:hunter2@db/wr' })).toEqual([
      'invalid configuration: WR_DATABASE_URL: expected postgres://user:password@host:5432/database',
    ]);
    const c = loadConfig({ WR_HOME: t.home, BRAIN_INSTANCES: '2', WR_DATABASE_URL: 'postgres://wr:pw@10.0.0.5:5432/wr' });
    expect(c).toMatchObject({ BRAIN_INSTANCES: 2, WR_DATABASE_URL: 'postgres://wr:pw@10.0.0.5:5432/wr' });
    expect(loadConfig({ WR_HOME: t.home }).BRAIN_INSTANCES).toBe(1);
  });
});

describe('logger', () => {
  it('lets a program that sends no alerts start with bad alert settings (alerts off), and still refuses its own bad values', () => {
    t = makeHome();
    const badAlerts = { ...t.env, SMS_ENABLED: 'true', TELEGRAM_CHAT_IDS: 'chat_id_1' };
    expect(problems(badAlerts).join('\n')).toMatch(/TELEGRAM_CHAT_IDS/);
    expect(problems({ ...t.env, SMS_ENABLED: 'true' }).join('\n')).toMatch(/TWILIO_ACCOUNT_SID/);
    expect(loadConfig({ ...t.env, SMS_ENABLED: 'true' }, { alerts: false }).SMS_ENABLED).toBe(false);
    const c = loadConfig(badAlerts, { alerts: false });
    expect(c.alertProblems).toEqual([
      'invalid configuration: TELEGRAM_CHAT_IDS="chat_id_1": "chat_id_1": expected a numeric chat id or @channel',
      'invalid configuration: TWILIO_ACCOUNT_SID: required when SMS_ENABLED=true',
      'invalid configuration: TWILIO_AUTH_TOKEN: required when SMS_ENABLED=true',
      'invalid configuration: TWILIO_FROM: required when SMS_ENABLED=true',
    ]);
    // Only the channel with bad settings is off.
    expect(loadConfig({ ...t.env, SMS_ENABLED: 'true', TELEGRAM_BOT_TOKEN: '1:a', TELEGRAM_CHAT_IDS: '5' }, { alerts: false }).TELEGRAM_CHAT_IDS).toEqual(['5']);
    expect(c.SMS_ENABLED).toBe(false);
    expect(c.TELEGRAM_CHAT_IDS).toEqual([]);
    expect(() => loadConfig({ ...badAlerts, BRAIN_PORT: 'x' }, { alerts: false })).toThrow(/BRAIN_PORT/);
  });

  it('starts the brain process with the original spec placeholder TELEGRAM_CHAT_IDS=chat_id_1 and SMS_ENABLED=true without Twilio', async () => {
    t = makeHome();
    const { spawn } = await import('node:child_process');
    const { projectRoot } = await import('../../core/paths.js');
    const path = await import('node:path');
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(projectRoot, 'dist/brain/main.js')], { env: { ...t.env, BRAIN_PORT: String(port), SMS_ENABLED: 'true', TELEGRAM_CHAT_IDS: 'chat_id_1' }, stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      const health = await until(async () => child.exitCode !== null || fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false), 15_000, 'brain health');
      expect(child.exitCode).toBeNull();
      expect(health).toBe(true);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('redacts keys, tokens and authorization headers wherever they appear', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const log = createLogger('t', 'info', sink);
    log.info({ key: 'k-123', token: 't-456', req: { headers: { authorization: 'Bearer b-789' } }, tenant: { apiKey: 'a-000' } }, 'hello');
    const text = lines.join('');
    for (const secret of ['k-123', 't-456', 'b-789', 'a-000']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
    expect(text).toContain('hello');
  });
});
