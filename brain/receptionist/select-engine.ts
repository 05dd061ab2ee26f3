import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/logger.js';
import type { Engine } from './engine.js';
import { AnthropicProvider } from './llm/anthropic.js';
import { LlmEngine } from './llm/llm-engine.js';
import { OpenAiProvider } from './llm/openai.js';
import { RuleEngine } from './rule-engine.js';

const DEFAULT_BASE = { openai: 'https://api.openai.com/v1', anthropic: 'https://api.anthropic.com' } as const;

const OWN_HOST = { 'api.openai.com': 'openai', 'api.anthropic.com': 'anthropic' } as const;

/** Settings that cannot work, known before any call; one line saying what to change. */
export function settingsProblem(provider: 'openai' | 'anthropic', baseUrl: string, apiKey: string | undefined): string | undefined {
  const host = new URL(baseUrl).hostname as keyof typeof OWN_HOST;
  const speaks = OWN_HOST[host];
  if (speaks && speaks !== provider) return `LLM_BASE_URL is ${host}, which speaks LLM_PROVIDER=${speaks}, not ${provider}: change one of them in wr.env`;
  if (speaks && !apiKey) return `LLM_API_KEY is required for ${host}: put it in wr.env`;
  return undefined;
}

/** The rule engine, or an LLM engine over it when LLM_PROVIDER is set. */
export function engineFromConfig(config: Config, log: Logger): Engine {
  const rules = new RuleEngine();
  if (!config.LLM_PROVIDER || !config.LLM_MODEL) return rules;
  const options = {
    baseUrl: config.LLM_BASE_URL ?? DEFAULT_BASE[config.LLM_PROVIDER],
    model: config.LLM_MODEL,
    apiKey: config.LLM_API_KEY,
    maxTokens: config.LLM_MAX_TOKENS,
    temperature: config.LLM_TEMPERATURE,
  };
  const provider = config.LLM_PROVIDER === 'openai' ? new OpenAiProvider(options) : new AnthropicProvider(options);
  const refusal = settingsProblem(config.LLM_PROVIDER, options.baseUrl, config.LLM_API_KEY);
  if (refusal) log.error({ provider: config.LLM_PROVIDER, url: provider.url }, `LLM engine off: ${refusal}; the rule engine answers every message`);
  else log.info({ provider: config.LLM_PROVIDER, model: config.LLM_MODEL, url: provider.url }, 'LLM engine on; the rule engine answers whenever it fails');
  return new LlmEngine(provider, rules, log, { timeoutMs: config.LLM_TIMEOUT_MS, dailyTokens: config.LLM_DAILY_TOKENS, refusal });
}
