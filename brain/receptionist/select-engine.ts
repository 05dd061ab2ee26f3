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
  const base = config.LLM_BASE_URL ?? DEFAULT_BASE[config.LLM_PROVIDER];
  const provider =
    config.LLM_PROVIDER === 'openai'
      ? new OpenAiProvider(base, config.LLM_MODEL, config.LLM_API_KEY)
      : new AnthropicProvider(base, config.LLM_MODEL, config.LLM_API_KEY);
  log.info({ provider: config.LLM_PROVIDER, model: config.LLM_MODEL, base }, 'LLM engine on; the rule engine answers whenever it fails');
  return new LlmEngine(provider, rules, log);
}
