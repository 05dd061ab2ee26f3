import { DEFAULT_MAX_TOKENS, LlmError, refusesParameter, toolsRefusal, type Conversation, type LlmProvider, type ModelSession, type ProviderOptions } from './provider.js';

/** A provider answered with an HTTP error; `retryAfterMs` is what it asked us to wait, if anything. */
export class LlmHttpError extends LlmError {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`the provider answered ${status}: ${body.replace(/\s+/g, ' ').slice(0, 200)}`);
  }
}

/** 429 rate limited, 529 Anthropic overloaded, and the usual passing server failures. */
const RETRYABLE = new Set([408, 429, 500, 502, 503, 504, 529]);

export interface RetryPolicy {
  /** Extra attempts after the first. */
  retries: number;
  /** First backoff step (full jitter, doubling). */
  baseMs: number;
  /** One request may take this long before it counts as failed (the turn's own deadline still applies). */
  requestTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 2, baseMs: 300, requestTimeoutMs: 8_000 };

/** `retry-after-ms` (OpenAI) or `retry-after` in seconds or as an HTTP date (RFC 9110). */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function postOnce(url: string, headers: Record<string, string>, body: unknown, signal: AbortSignal, timeoutMs: number): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
  });
  const text = await res.text();
  if (!res.ok) throw new LlmHttpError(res.status, text, retryAfterMs(res.headers));
  try {
    return JSON.parse(text);
  } catch {
    throw new LlmError(`${url} answered with something that is not JSON`);
  }
}

/**
 * POSTs JSON and returns the parsed body. Rate limits, overload and passing server errors are
 * retried with full-jitter backoff, honouring `retry-after`; a wait that would outlive `deadline`
 * is not started (the caller's fallback answers sooner than a late retry would).
 */
export async function postJson(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  signal: AbortSignal,
  deadline: number,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const left = deadline - Date.now();
    try {
      return await postOnce(url, headers, body, signal, Math.max(1, Math.min(policy.requestTimeoutMs, left)));
    } catch (err) {
      if (signal.aborted) throw err;
      const retryable = err instanceof LlmHttpError ? RETRYABLE.has(err.status) : !(err instanceof LlmError);
      if (!retryable || attempt >= policy.retries) throw err;
      const wait = (err instanceof LlmHttpError ? err.retryAfterMs : undefined) ?? Math.random() * policy.baseMs * 2 ** attempt;
      if (Date.now() + wait >= deadline) throw err;
      await sleep(wait, signal);
    }
  }
}

/**
 * Stops calling a provider that keeps failing: after `threshold` failed turns in a row it stays
 * open for `cooldownMs` (the fallback answers at once), then lets one turn through to try again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;

  constructor(
    readonly threshold = 3,
    readonly cooldownMs = 30_000,
  ) {}

  allows(now = Date.now()): boolean {
    return now >= this.openUntil;
  }

  get open(): boolean {
    return !this.allows();
  }

  succeeded(): void {
    this.failures = 0;
    this.openUntil = 0;
  }

  /** Returns true when this failure opened the breaker. */
  failed(now = Date.now()): boolean {
    this.failures++;
    if (this.failures < this.threshold) return false;
    this.openUntil = now + this.cooldownMs;
    return true;
  }
}

/**
 * A provider reached over HTTP. Sends with retries, and adapts once to a server that refuses an
 * optional parameter (`temperature` on reasoning models, `max_tokens` on OpenAI's o-series) instead
 * of failing every message; a model that cannot call tools is refused with one clear error.
 */
export abstract class HttpProvider implements LlmProvider {
  abstract readonly name: string;
  protected readonly model: string;
  protected readonly apiKey: string | undefined;
  protected readonly maxTokens: number;
  protected temperature: number | undefined;
  protected readonly baseUrl: URL;

  constructor(
    options: ProviderOptions,
    protected readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {
    this.baseUrl = new URL(options.baseUrl);
    this.model = options.model;
    this.apiKey = options.apiKey;
    this.maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
    this.temperature = options.temperature;
  }

  abstract start(conversation: Conversation): ModelSession;

  /**
   * The base URL's path without a trailing slash and without `endpoint`, for a whole endpoint URL
   * pasted as the base (`…/v1/chat/completions`, `…/v1/messages`).
   */
  protected basePath(endpoint: RegExp): string {
    const path = this.baseUrl.pathname.replace(/\/+$/, '').replace(endpoint, '');
    return `${this.baseUrl.origin}${path}`;
  }

  /** Lets a subclass drop or rename a parameter the server just refused; true means "send again". */
  protected adapt(err: LlmHttpError): boolean {
    if (this.temperature !== undefined && refusesParameter(err.status, err.body, 'temperature')) {
      this.temperature = undefined;
      return true;
    }
    return false;
  }

  protected async send(url: string, headers: Record<string, string>, body: () => unknown, signal: AbortSignal, deadline: number): Promise<unknown> {
    for (let adapted = 0; ; adapted++) {
      try {
        return await postJson(url, headers, body(), signal, deadline, this.retry);
      } catch (err) {
        if (!(err instanceof LlmHttpError)) throw err;
        const refusal = toolsRefusal(err.status, err.body, this.model);
        if (refusal) throw refusal;
        if (adapted < 2 && this.adapt(err)) continue;
        throw err;
      }
    }
  }
}
