import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.js';
import { RegistryView } from '../../core/registry.js';
import { AnthropicProvider } from '../../brain/receptionist/llm/anthropic.js';
import { LlmEngine } from '../../brain/receptionist/llm/llm-engine.js';
import { OpenAiProvider } from '../../brain/receptionist/llm/openai.js';
import type { LlmProvider } from '../../brain/receptionist/llm/provider.js';
import { RuleEngine } from '../../brain/receptionist/rule-engine.js';
import { ChatService } from '../../brain/services/chat.js';
import { Tenants } from '../../brain/tenants.js';
import { FakeHttpServer } from '../helpers/fake-http.js';
import { cli, exampleProfile, makeHome, type TestHome } from '../helpers/home.js';
import { startTestBrain } from '../helpers/brain.js';

let t: TestHome;
let fake: FakeHttpServer;
let tenants: Tenants;
const log = createLogger('llm-test', 'silent');
const MONDAY_11 = '2026-03-16T10:00:00Z';
let seq = 0;

beforeAll(async () => {
  t = makeHome({ WR_PORT_BASE: '42000' });
  await cli(t.env, 'tenant', 'add', 'clinic', '--profile', exampleProfile);
  fake = await FakeHttpServer.start();
  tenants = new Tenants(t.config.paths, new RegistryView(t.config.paths), log);
});
afterAll(async () => {
  await tenants?.closeAll();
  await fake?.close();
  t?.cleanup();
});

function openaiChat(timeoutMs = 2000) {
  return new ChatService(new LlmEngine(new OpenAiProvider(`${fake.url}/v1`, 'test-model', 'sk-test'), new RuleEngine(), log, timeoutMs), log);
}

async function send(chat: ChatService, message: string, sender = `+346004${String(seq++).padStart(5, '0')}`) {
  return chat.handle((await tenants.get('clinic'))!, { message, sender, timestamp: MONDAY_11 });
}

const toolCall = (id: string, name: string, args: unknown) => ({
  body: { choices: [{ message: { content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: typeof args === 'string' ? args : JSON.stringify(args) } }] } }] },
});
const final = (content: string) => ({ body: { choices: [{ message: { content } }] } });

describe('LLM engine, OpenAI-compatible', () => {
  it('runs a tool round then answers, sending the tools and the tool results', async () => {
    fake.respond([() => toolCall('call_1', 'get_opening_hours', {}), () => final('We are open today until 14:00.')]);
    const r = await send(openaiChat(), 'are you open now?');
    expect(r).toMatchObject({ reply: 'We are open today until 14:00.', intent: 'hours', escalated: false });
    expect(fake.requests).toHaveLength(2);
    const [first, second] = fake.requests.map((q) => ({ ...q, body: q.json() }));
    expect(first!.path).toBe('/v1/chat/completions');
    expect(first!.headers.authorization).toBe('Bearer sk-test');
    expect(first!.body.model).toBe('test-model');
    expect(first!.body.tools.map((x: { function: { name: string } }) => x.function.name)).toEqual([
      'get_business_profile', 'get_opening_hours', 'search_services', 'search_faq', 'check_availability',
      'create_booking', 'list_my_bookings', 'reschedule_booking', 'cancel_booking', 'escalate_to_human',
    ]);
    expect(first!.body.tools[5].function.parameters).toMatchObject({ type: 'object', required: ['serviceId', 'start', 'name'] });
    expect(first!.body.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('Never invent prices, opening hours') });
    expect(first!.body.messages.at(-1)).toEqual({ role: 'user', content: 'are you open now?' });
    const toolResult = second!.body.messages.at(-1);
    expect(toolResult).toMatchObject({ role: 'tool', tool_call_id: 'call_1' });
    expect(JSON.parse(toolResult.content)).toMatchObject({ openNow: true, openUntil: '2026-03-16T14:00' });
  });

  it('cannot book without the customer’s YES: the tool only proposes, then books on the next turn', async () => {
    const chat = openaiChat();
    const sender = '+34600499999';
    const args = { serviceId: 'checkup', start: '2026-03-18T10:00', name: 'Eve' };
    fake.respond([() => toolCall('c1', 'create_booking', args), () => final('Check-up on Wednesday at 10:00 for Eve. Reply YES to confirm.')]);
    const proposal = await send(chat, 'book me a check-up wednesday 10am, I am Eve', sender);
    expect(proposal.actions).toEqual([{ tool: 'create_booking', status: 'needs_confirmation', ...args }]);
    const tenant = (await tenants.get('clinic'))!;
    expect((await tenant.db.bookings.list({})).filter((b) => b.sender === sender)).toEqual([]);
    fake.respond([() => toolCall('c2', 'create_booking', args), () => final('Booked! See you Wednesday.')]);
    const booked = await send(chat, 'yes', sender);
    expect(booked).toMatchObject({ reply: 'Booked! See you Wednesday.', intent: 'book', actions: [expect.objectContaining({ status: 'booked' })] });
    expect((await tenant.db.bookings.list({ status: 'confirmed' })).filter((b) => b.sender === sender)).toHaveLength(1);
    // The model's context told it about the pending change and the confirmation.
    expect(fake.requests[0]!.json().messages[0].content).toContain('The customer has just confirmed it');
  });

  it.each([
    ['an HTTP 500', [() => ({ status: 500, body: { error: 'boom' } })]],
    ['invalid tool arguments', [() => toolCall('c', 'check_availability', { serviceId: 5 })]],
    ['arguments that are not JSON', [() => toolCall('c', 'get_opening_hours', '{not json')]],
    ['an unknown tool', [() => toolCall('c', 'delete_everything', {})]],
    ['a malformed answer', [() => ({ body: { nothing: true } })]],
    ['an empty answer', [() => final('  ')]],
    ['too many tool rounds', Array.from({ length: 6 }, (_, i) => () => toolCall(`c${i}`, 'get_business_profile', {}))],
  ])('falls back to the rule engine on %s', async (_name, script) => {
    fake.respond(script as never);
    const r = await send(openaiChat(), 'what are your opening hours?');
    expect(r.intent).toBe('hours');
    expect(r.reply).toContain('Our opening hours:');
    expect(r.actions).toEqual([]);
  });

  it('falls back when the server hangs past the timeout', async () => {
    fake.respond([() => 'hang']);
    const started = Date.now();
    const r = await send(openaiChat(300), 'where are you?');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(r).toMatchObject({ intent: 'location', reply: expect.stringContaining('Calle Mayor 12') });
  });
});

describe('LLM engine, Anthropic', () => {
  it('runs a tool round then answers in the Messages API format', async () => {
    const provider: LlmProvider = new AnthropicProvider(fake.url, 'claude-test', 'ak-test');
    const chat = new ChatService(new LlmEngine(provider, new RuleEngine(), log, 2000), log);
    fake.respond([
      () => ({ body: { content: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 'tu_1', name: 'search_faq', input: { query: 'insurance' } }], stop_reason: 'tool_use' } }),
      () => ({ body: { content: [{ type: 'text', text: 'Yes: Sanitas, Adeslas and DKV.' }], stop_reason: 'end_turn' } }),
    ]);
    const r = await send(chat, 'do you take my insurance?');
    expect(r).toMatchObject({ reply: 'Yes: Sanitas, Adeslas and DKV.', intent: 'faq' });
    const [first, second] = fake.requests;
    expect(first!.path).toBe('/v1/messages');
    expect(first!.headers['x-api-key']).toBe('ak-test');
    expect(first!.headers['anthropic-version']).toBe('2023-06-01');
    const body = first!.json();
    expect(body).toMatchObject({ model: 'claude-test', system: expect.stringContaining('Sonrisa Dental Clinic'), messages: [{ role: 'user', content: 'do you take my insurance?' }] });
    expect(body.tools[3]).toMatchObject({ name: 'search_faq', input_schema: { type: 'object', required: ['query'] } });
    const result = second!.json().messages.at(-1);
    expect(result.role).toBe('user');
    expect(result.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'tu_1' });
    expect(JSON.parse(result.content[0].content).answer).toContain('Sanitas');
  });
});

describe('LLM configuration', () => {
  it('is switched on by LLM_PROVIDER in a running brain, and a dead server still gets customers an answer', async () => {
    const brain = await startTestBrain(t, { LLM_PROVIDER: 'openai', LLM_BASE_URL: `${fake.url}/v1`, LLM_MODEL: 'm', LLM_API_KEY: 'sk-x' });
    try {
      fake.respond([() => final('Hello from the model.')]);
      const res = await brain.call('POST', '/api/chat', { key: brain.keyOf('clinic'), tenant: 'clinic', body: { message: 'hi', sender: '+34600488888', timestamp: MONDAY_11 } });
      expect((await res.json()).reply).toBe('Hello from the model.');
      expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-x');
      fake.respond([() => ({ status: 503 })]);
      const down = await brain.call('POST', '/api/chat', { key: brain.keyOf('clinic'), tenant: 'clinic', body: { message: 'where are you?', sender: '+34600488889', timestamp: MONDAY_11 } });
      expect((await down.json()).reply).toContain('Calle Mayor 12');
    } finally {
      await brain.close();
    }
  });
});
