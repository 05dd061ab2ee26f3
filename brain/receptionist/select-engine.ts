import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/logger.js';
import type { Engine } from './engine.js';
import { AnthropicProvider } from './llm/anthropic.js';
import { LlmEngine } from './llm/llm-engine.js';
import { OpenAiProvider } from './llm/openai.js';
import { RuleEngine } from './rule-engine.js';

const DEFAULT_BASE = { openai: 'https://api.openai.com/v1', anthropic: 'https://api.anthropic.com' } as const;

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
  log.info({ provider: config.LLM_PROVIDER, model: config.LLM_MODEL, url: provider.url }, 'LLM engine on; the rule engine answers whenever it fails');
  return new LlmEngine(provider, rules, log, { timeoutMs: config.LLM_TIMEOUT_MS, dailyTokens: config.LLM_DAILY_TOKENS });
}
