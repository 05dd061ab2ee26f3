import { Telegram } from 'telegraf';
import twilio from 'twilio';
import type { Config } from './config.js';

/**
 * The two ways wr reaches a person: Telegram (telegraf, send-only) and SMS (twilio). Used by the
 * monitor's outbox and by `alert test`. Every call has a timeout; failures say whether and when
 * to retry.
 */

export type ChannelName = 'telegram' | 'sms';

export class SendError extends Error {
  constructor(
    message: string,
    /** Wait at least this long before the next try (Telegram's retry_after). */
    readonly retryAfterMs?: number,
    /** Retrying cannot help (bad chat id, bad number, bad credentials). */
    readonly permanent = false,
  ) {
    super(message);
  }
}

export interface Channel {
  readonly name: ChannelName;
  /** Who gets operator alerts on this channel. */
  readonly operatorRecipients: string[];
  send(recipient: string, text: string, timeoutMs?: number): Promise<void>;
}

export const SEND_TIMEOUT_MS = 15_000;

export class TelegramChannel implements Channel {
  readonly name = 'telegram';
  private readonly client: Telegram;

  constructor(token: string, apiRoot: string, readonly operatorRecipients: string[]) {
    // apiRoot must be a bare origin: telegraf drops a path without a trailing slash.
    this.client = new Telegram(token, { apiRoot: new URL(apiRoot).origin });
  }

  async send(chatId: string, text: string, timeoutMs = SEND_TIMEOUT_MS): Promise<void> {
    try {
      await this.client.callApi('sendMessage', { chat_id: chatId, text, disable_web_page_preview: true } as never, { signal: AbortSignal.timeout(timeoutMs) } as never);
    } catch (err) {
      const e = err as { code?: number; description?: string; response?: { parameters?: { retry_after?: number } }; name?: string; message: string };
      if (e.code === 429) throw new SendError(`Telegram 429: ${e.description ?? 'too many requests'}`, (e.response?.parameters?.retry_after ?? 1) * 1000);
      if (e.code === 400 || e.code === 401 || e.code === 403 || e.code === 404) throw new SendError(`Telegram ${e.code}: ${e.description ?? e.message}`, undefined, true);
      if (e.name === 'AbortError' || e.name === 'TimeoutError') throw new SendError(`Telegram did not answer within ${timeoutMs / 1000} s`);
      throw new SendError(`Telegram: ${e.description ?? e.message}`);
    }
  }
}

export class SmsChannel implements Channel {
  readonly name = 'sms';
  private readonly client: ReturnType<typeof twilio>;

  constructor(
    accountSid: string,
    authToken: string,
    private readonly from: string,
    apiBase: string,
    readonly operatorRecipients: string[],
  ) {
    this.client = twilio(accountSid, authToken, { timeout: SEND_TIMEOUT_MS, autoRetry: false });
    // The REST API's origin, so a local stand-in can replace api.twilio.com (tests, proxies).
    this.client.api.baseUrl = apiBase;
  }

  async send(to: string, body: string, timeoutMs = SEND_TIMEOUT_MS): Promise<void> {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new SendError(`Twilio did not answer within ${timeoutMs / 1000} s`)), timeoutMs).unref());
    try {
      await Promise.race([this.client.messages.create({ to, from: this.from, body: body.slice(0, 1500) }), timeout]);
    } catch (err) {
      if (err instanceof SendError) throw err;
      const e = err as { status?: number; code?: number; message: string };
      const permanent = e.status !== undefined && e.status >= 400 && e.status < 500 && e.status !== 429;
      throw new SendError(`Twilio ${e.status ?? ''}${e.code ? ` (error ${e.code})` : ''}: ${e.message}`.trim(), e.status === 429 ? 60_000 : undefined, permanent);
    }
  }
}

/** The channels the configuration enables, by name. */
export function channelsFromConfig(config: Config): Map<ChannelName, Channel> {
  const channels = new Map<ChannelName, Channel>();
  if (config.TELEGRAM_BOT_TOKEN) channels.set('telegram', new TelegramChannel(config.TELEGRAM_BOT_TOKEN, config.TELEGRAM_API_ROOT, config.TELEGRAM_CHAT_IDS));
  if (config.SMS_ENABLED && config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_FROM) {
    channels.set('sms', new SmsChannel(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, config.TWILIO_FROM, config.TWILIO_API_BASE, config.SMS_RECIPIENTS));
  }
  return channels;
}

/** Sends one test message through every configured channel to every operator recipient; one line per attempt. */
export async function sendTestAlerts(config: Config, host: string): Promise<{ ok: boolean; lines: string[] }> {
  const channels = channelsFromConfig(config);
  const lines: string[] = [];
  let ok = channels.size > 0;
  if (channels.size === 0) lines.push('no alert channel is configured: set TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_IDS, or SMS_ENABLED=true with the TWILIO_* settings');
  for (const channel of channels.values()) {
    if (channel.operatorRecipients.length === 0) {
      ok = false;
      lines.push(`${channel.name}: no recipients (${channel.name === 'telegram' ? 'TELEGRAM_CHAT_IDS' : 'SMS_RECIPIENTS'} is empty)`);
    }
    for (const to of channel.operatorRecipients) {
      try {
        await channel.send(to, `wr test alert from ${host}: alerts reach you on ${channel.name}.`);
        lines.push(`${channel.name} → ${to}: sent`);
      } catch (err) {
        ok = false;
        lines.push(`${channel.name} → ${to}: FAILED: ${(err as Error).message}`);
      }
    }
  }
  return { ok, lines };
}
