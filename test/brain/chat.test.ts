import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, type ToolContext } from '../../brain/receptionist/tools.js';
import { initialState } from '../../brain/domain/state.js';
import { cli, exampleProfile, makeHome, type TestHome } from '../helpers/home.js';
import { startTestBrain, type TestBrain } from '../helpers/brain.js';
import { engines } from '../helpers/engines.js';

let t: TestHome;
let brain: TestBrain;
let key: string;

/** Monday 16 March 2026, 11:00 in Madrid: the demo clinic is open. */
const MONDAY_11 = '2026-03-16T10:00:00Z';
let senderSeq = 0;
const newSender = () => `+3460010${String(senderSeq++).padStart(4, '0')}`;

describe.each(engines())('on $name', (engine) => {
  beforeAll(async () => {
    t = makeHome({ ...(await engine.settings()) });
    await cli(t.env, 'tenant', 'add', 'clinic', '--profile', exampleProfile);
    await cli(t.env, 'tenant', 'add', 'other', '--name', 'Other');
    brain = await startTestBrain(t);
    key = brain.keyOf('clinic');
  });
  afterAll(async () => {
    await brain?.close();
    t?.cleanup();
  });

  async function chat(body: Record<string, unknown>, tenant = 'clinic', k = key) {
    const res = await brain.call('POST', '/api/chat', { key: k, tenant, body: { timestamp: MONDAY_11, ...body } });
    return { status: res.status, body: await res.json() };
  }

  /** Sends messages one minute apart and returns the replies. */
  async function conversation(sender: string, messages: string[], start = MONDAY_11) {
    const replies = [];
    let clock = DateTime.fromISO(start);
    for (const message of messages) {
      const r = await chat({ message, sender, timestamp: clock.toISO() });
      expect(r.status).toBe(200);
      replies.push(r.body);
      clock = clock.plus({ minutes: 1 });
    }
    return replies;
  }

  describe('POST /api/chat', () => {
    it('answers in the documented shape from the tenant profile', async () => {
      const r = await chat({ message: 'what are your opening hours?', sender: newSender() });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ reply: expect.stringContaining("We're open now until 14:00."), intent: 'hours', actions: [], conversationId: expect.any(Number), escalated: false, handoff: false });
      expect(r.body.reply).toContain('Saturday: 10:00–13:00');
    });

    it('books through the confirmation step, and the booking appears in GET /api/bookings', async () => {
      const sender = newSender();
      const [ask, pick, confirm, booked] = await conversation(sender, ['Can I book a cleaning tomorrow at 3pm?', '2', 'Ana Garcia', 'yes']);
      // 15:00 falls in the lunch break; the receptionist offers the nearest slots instead.
      expect(ask.reply).toContain('Tuesday 17 March at 15:00 is not available');
      expect(ask.reply).toContain('1) Tuesday 17 March at 13:00, 2) Tuesday 17 March at 16:00, 3) Tuesday 17 March at 16:30');
      expect(pick.reply).toBe('What name should I put the booking under?');
      expect(confirm.reply).toBe('Teeth cleaning on Tuesday 17 March at 16:00 for Ana Garcia. Reply YES to confirm.');
      expect(confirm.actions).toEqual([{ tool: 'create_booking', status: 'needs_confirmation', serviceId: 'cleaning', start: '2026-03-17T16:00', name: 'Ana Garcia' }]);
      expect(booked.reply).toBe("You're booked: Teeth cleaning on Tuesday 17 March at 16:00, for Ana Garcia. See you then!");

      const res = await brain.call('GET', '/api/bookings?from=2026-03-17&to=2026-03-18', { key, tenant: 'clinic' });
      const { bookings } = await res.json();
      expect(bookings.filter((b: { sender: string }) => b.sender === sender)).toEqual([
        expect.objectContaining({ serviceId: 'cleaning', customerName: 'Ana Garcia', status: 'confirmed', startAt: '2026-03-17T15:00:00.000Z', endAt: '2026-03-17T15:45:00.000Z' }),
      ]);
    });

    it('does not take "yes" or "ok" for the customer’s name', async () => {
      const [, pick, yes, ok, name] = await conversation(newSender(), ['Can I book a cleaning tomorrow at 3pm?', '2', 'yes', 'ok', 'Ana Garcia']);
      expect(pick.reply).toBe('What name should I put the booking under?');
      expect(yes.reply).toBe('What name should I put the booking under?');
      expect(ok.reply).toBe('What name should I put the booking under?');
      expect(name.reply).toContain('for Ana Garcia. Reply YES to confirm.');
    });

    it('strips NUL and control characters from text and names, and refuses a sender with them in one line', async () => {
      const sender = newSender();
      const r = await chat({ message: 'where\u0000 are\u001b[2J you?', sender, senderName: 'Ana\u0000\u0007 Garcia' });
      expect(r.status).toBe(200);
      const { conversations } = await (await brain.call('GET', `/api/conversations?sender=${encodeURIComponent(sender)}`, { key, tenant: 'clinic' })).json();
      expect(conversations[0].senderName).toBe('Ana Garcia');
      expect(conversations[0].messages[0].text).toBe('where are[2J you?');
      const bad = await brain.call('GET', '/api/conversations?sender=%00', { key, tenant: 'clinic' });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error).toBeDefined();
      const badId = await chat({ message: 'hello', sender, messageId: 'wamid\u0000A' });
      expect(badId.status).toBe(400);
      expect(JSON.stringify(badId.body)).toContain('messageId has control characters');
    });

    it('returns the first answer for a repeated messageId and writes nothing the second time', async () => {
      const sender = newSender();
      const first = await chat({ message: 'hello', sender, messageId: 'wamid.A1' });
      const second = await chat({ message: 'hello', sender, messageId: 'wamid.A1' });
      expect(second.body).toEqual(first.body);
      const concurrent = await Promise.all(Array.from({ length: 5 }, () => chat({ message: 'where are you?', sender, messageId: 'wamid.A2' })));
      for (const c of concurrent) expect(c.body).toEqual(concurrent[0]!.body);
      const { conversations } = await (await brain.call('GET', `/api/conversations?sender=${encodeURIComponent(sender)}`, { key, tenant: 'clinic' })).json();
      expect(conversations[0].messages.map((m: { direction: string; text: string }) => `${m.direction}:${m.text.slice(0, 5)}`)).toEqual(['in:hello', 'out:Hello', 'in:where', 'out:Sonri']);
    });

    it('keys messageId idempotency on the sender: another customer reusing an id gets their own answer', async () => {
      const [alice, bob] = [newSender(), newSender()];
      const first = await chat({ message: 'what are your hours?', sender: alice, messageId: 'wamid.SHARED' });
      const other = await chat({ message: 'where are you?', sender: bob, messageId: 'wamid.SHARED' });
      expect(other.status).toBe(200);
      expect(other.body.intent).toBe('location');
      expect(other.body.conversationId).not.toBe(first.body.conversationId);
      const { conversations } = await (await brain.call('GET', `/api/conversations?sender=${encodeURIComponent(bob)}`, { key, tenant: 'clinic' })).json();
      expect(conversations[0].messages.map((m: { direction: string; text: string }) => `${m.direction}:${m.text.slice(0, 5)}`)).toEqual(['in:where', 'out:Sonri']);
    });

    it('keeps serving the last good registry while tenants.json is missing or invalid', async () => {
      const file = t.config.paths.registry;
      const good = (await import('node:fs')).readFileSync(file, 'utf8');
      const fs = await import('node:fs');
      try {
        fs.rmSync(file);
        expect((await chat({ message: 'hello', sender: newSender() })).status).toBe(200);
        fs.writeFileSync(file, '{"version": 1, "tenants": [');
        expect((await chat({ message: 'hello', sender: newSender() })).status).toBe(200);
      } finally {
        fs.writeFileSync(file, good);
      }
      expect((await chat({ message: 'hello', sender: newSender() })).status).toBe(200);
    });

    it('gives the last slot to exactly one of two customers confirming at once', async () => {
      const [a, b] = [newSender(), newSender()];
      // Wednesday 18 March, 20:00 is not a slot; 19:30 is the last check-up of the day.
      for (const s of [a, b]) {
        const [, proposal] = await conversation(s, ['book a check-up on wednesday at 19:30', s === a ? 'Alice' : 'Bob'], '2026-03-16T11:00:00Z');
        expect(proposal.reply).toContain('Reply YES to confirm');
      }
      const results = await Promise.all([a, b].map((s) => chat({ message: 'YES', sender: s, timestamp: '2026-03-16T11:05:00Z' })));
      const statuses = results.map((r) => r.body.actions[0]?.status).sort();
      expect(statuses).toEqual(['booked', 'unavailable']);
      const loser = results.find((r) => r.body.actions[0]?.status === 'unavailable')!;
      expect(loser.body.reply).toContain('Wednesday 18 March at 19:30 is not available');
      const { bookings } = await (await brain.call('GET', '/api/bookings?from=2026-03-18T19:30&to=2026-03-18T19:31', { key, tenant: 'clinic' })).json();
      expect(bookings).toHaveLength(1);
    });

    it('cancels and reschedules only the customer’s own bookings', async () => {
      const [owner, stranger] = [newSender(), newSender()];
      await conversation(owner, ['book a filling on thursday at 10am', 'Olga', 'yes']);
      const [strangerCancel] = await conversation(stranger, ['cancel my appointment']);
      expect(strangerCancel.reply).toBe("You don't have any upcoming bookings with us.");
      const [move, moved] = await conversation(owner, ['can I move my appointment to thursday at 12?', 'yes'], '2026-03-16T10:30:00Z');
      expect(move.reply).toBe('Move your filling from Thursday 19 March at 10:00 to Thursday 19 March at 12:00? Reply YES to confirm.');
      expect(moved.reply).toBe('Done: your filling is now on Thursday 19 March at 12:00.');
      const [cancel, cancelled] = await conversation(owner, ['please cancel my booking', 'yes'], '2026-03-16T10:40:00Z');
      expect(cancel.reply).toBe('Cancel your filling on Thursday 19 March at 12:00? Reply YES to confirm.');
      expect(cancelled.reply).toBe('Done: your filling on Thursday 19 March at 12:00 is cancelled.');
    });

    it('treats only an exact STOP as an opt-out, stays silent after it, and resumes on START', async () => {
      const sender = newSender();
      const [notOptOut] = await conversation(sender, ['cancel my appointment']);
      expect(notOptOut.intent).toBe('cancel');
      const [stop, silent, start] = await conversation(sender, ['STOP', 'what are your hours?', 'START'], '2026-03-16T10:10:00Z');
      expect(stop).toMatchObject({ intent: 'opt_out', reply: expect.stringContaining('Reply START') });
      expect(silent.reply).toBeNull();
      expect(start.reply).toContain('Welcome back');
    });

    it('answers a stop request in other words with a question offering STOP, and keeps answering', async () => {
      const sender = newSender();
      const [ask, after] = await conversation(sender, ['please stop messaging me', 'what are your hours?']);
      expect(ask).toMatchObject({ intent: 'unknown', reply: "Would you like to stop getting messages from us? Reply STOP and we won't write again." });
      expect(after.reply).toContain('Our opening hours');
    });

    it('escalates to a person, stays silent in human mode, and resumes when the escalation is resolved', async () => {
      const sender = newSender();
      const [human] = await conversation(sender, ['I want to talk to a real person please']);
      expect(human).toMatchObject({ intent: 'human', escalated: true, handoff: true, reply: 'Thanks, a member of our team will reply shortly.' });
      const [silent] = await conversation(sender, ['hello?'], '2026-03-16T10:05:00Z');
      expect(silent).toMatchObject({ reply: null, handoff: true });
      const { escalations } = await (await brain.call('GET', '/api/escalations?status=pending', { key, tenant: 'clinic' })).json();
      const mine = escalations.find((e: { sender: string }) => e.sender === sender);
      expect(mine).toMatchObject({ status: 'pending', summary: expect.stringContaining('asked for a person') });
      const resolved = await brain.call('POST', `/api/escalations/${mine.id}/resolve`, { key, tenant: 'clinic' });
      expect(resolved.status).toBe(200);
      const [back] = await conversation(sender, ['where are you?'], '2026-03-16T10:06:00Z');
      expect(back).toMatchObject({ intent: 'location', handoff: false, reply: expect.stringContaining('Calle Mayor 12') });
      expect((await brain.call('POST', '/api/escalations/99999/resolve', { key, tenant: 'clinic' })).status).toBe(404);
    });

    it('escalates after three messages in a row it cannot handle', async () => {
      const sender = newSender();
      const replies = await conversation(sender, ['what is the capital of Australia', 'who won the football', 'translate hello into french']);
      expect(replies.map((r) => r.escalated)).toEqual([false, false, true]);
      expect(replies[2].reply).toContain('a member of our team will reply shortly');
    });

    it('stores but never answers a message the gateway flags as handed off', async () => {
      const r = await chat({ message: 'hello', sender: newSender(), handoff: true });
      expect(r.body).toMatchObject({ reply: null, handoff: true, intent: 'greeting' });
    });

    it('says when it opens again outside opening hours, and still answers FAQ', async () => {
      const sunday = '2026-03-22T12:00:00Z';
      const sender = newSender();
      const r = await chat({ message: 'hi', sender, timestamp: sunday });
      expect(r.body.reply).toMatch(/^We're closed right now; we open again tomorrow at 09:00\./);
      const faq = await chat({ message: 'do you accept insurance?', sender, timestamp: sunday });
      expect(faq.body).toMatchObject({ intent: 'faq', reply: expect.stringContaining('Sanitas') });
    });

    it.each([
      ['message is empty', { message: '', sender: '+34600' }],
      ['message is empty', { message: '   \n ', sender: '+34600' }],
      ['message is over 4096 characters', { message: 'x'.repeat(4097), sender: '+34600' }],
      ['sender is required', { message: 'hi' }],
      ['sender must be a phone number', { message: 'hi', sender: 'a b' }],
      ['timestamp must be ISO 8601', { message: 'hi', sender: '+34600', timestamp: 'yesterday' }],
      ['message is required', { message: 42, sender: '+34600' }],
    ])('rejects a bad body with 400: %s', async (reason, body) => {
      const res = await brain.call('POST', '/api/chat', { key, tenant: 'clinic', body });
      expect(res.status).toBe(400);
      const json = await res.json();
      expect(json.error).toBe('invalid chat request');
      expect(json.details[0].message).toContain(reason);
    });

    it.each([
      ['🙂🙂', 'How can I help?'],
      ['book a cleaning yesterday at 3pm', 'That time has already passed'],
      ['book a check-up on 30 February', 'There\'s no such date as "30 February"'],
      ['I want to book a massage', 'Which service would you like? Check-up, Teeth cleaning, Teeth whitening, Filling, Tooth extraction'],
      ['book a cleaning on sunday at 10', "Sorry, we're closed on Sunday 22 March."],
      ['hola, what are your hours?', 'Our opening hours:'],
    ])('answers %j sensibly', async (message, expected) => {
      const r = await chat({ message, sender: newSender() });
      expect(r.status).toBe(200);
      expect(r.body.reply).toContain(expected);
    });

    it('keeps tenants apart: the same sender has separate conversations per tenant', async () => {
      const sender = newSender();
      await chat({ message: 'book a cleaning tomorrow at 10', sender });
      const other = await chat({ message: 'hello', sender }, 'other', brain.keyOf('other'));
      expect(other.body.reply).toContain('Other');
      const { conversations } = await (await brain.call('GET', `/api/conversations?sender=${encodeURIComponent(sender)}`, { key: brain.keyOf('other'), tenant: 'other' })).json();
      expect(conversations[0].messages.map((m: { text: string }) => m.text)).toEqual(['hello', other.body.reply]);
    });
  });

  describe('booking tools', () => {
    it('refuse to book without the customer’s confirmation, whatever the engine asks', async () => {
      const tenant = (await brain.tenants.get('clinic'))!;
      const state = initialState();
      const ctx: ToolContext = {
        bookings: tenant.db.bookings, profile: tenant.profile, tenantName: 'clinic', sender: newSender(), now: DateTime.fromISO(MONDAY_11).setZone('Europe/Madrid'),
        state, confirmed: false, actions: [], escalate: async () => 0,
      };
      const args = { serviceId: 'checkup', start: '2026-03-24T10:00', name: 'Eve' };
      expect((await callTool(ctx, 'create_booking', args)).status).toBe('needs_confirmation');
      expect((await callTool(ctx, 'create_booking', args)).status).toBe('needs_confirmation');
      // A confirmation of a different proposal does not book this one.
      ctx.confirmed = true;
      expect((await callTool(ctx, 'create_booking', { ...args, start: '2026-03-24T10:30' })).status).toBe('needs_confirmation');
      expect((await tenant.db.bookings.list({})).filter((b) => b.sender === ctx.sender)).toEqual([]);
      expect((await callTool(ctx, 'create_booking', { ...args, start: '2026-03-24T10:30' })).status).toBe('booked');
      await expect(callTool(ctx, 'create_booking', { serviceId: 'checkup' })).rejects.toThrow(/invalid arguments for create_booking: start: .*name/);
      await expect(callTool(ctx, 'drop_tables', {})).rejects.toThrow('unknown tool "drop_tables"');
    });
  });
});
