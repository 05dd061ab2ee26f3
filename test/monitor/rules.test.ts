import { describe, expect, it } from 'vitest';
import type { WaStatus } from '../../core/contracts.js';
import { desiredIncidents, observe, tenfold, type Observation, type WatchState } from '../../monitor/rules.js';

const gw = (over: Partial<Observation> = {}): Observation => ({ target: 'shop', kind: 'gateway', reachable: true, wa: 'connected', backlog: 0, pm2: { status: 'online', restarts: 0 }, ...over });

function run(steps: [number, Observation][]): { state: WatchState; kinds: string[] }[] {
  let state: WatchState | undefined;
  return steps.map(([at, obs]) => {
    state = observe(state, obs, at);
    return { state, kinds: desiredIncidents(obs, state, at).map((i) => i.kind) };
  });
}

describe('monitor rules', () => {
  it('opens "unreachable" only after 3 failed checks in a row', () => {
    const r = run([[0, gw({ reachable: false })], [10_000, gw({ reachable: false })], [20_000, gw({ reachable: false })], [30_000, gw()]]);
    expect(r.map((x) => x.kinds)).toEqual([[], [], ['gateway_unreachable'], []]);
  });

  it('waits 2 minutes before calling a disconnected or parked session down, but flags logged_out at once', () => {
    const down = run([[0, gw({ wa: 'disconnected' })], [60_000, gw({ wa: 'disconnected' })], [120_000, gw({ wa: 'disconnected' })]]);
    expect(down.map((x) => x.kinds)).toEqual([[], [], ['whatsapp_down']]);
    expect(run([[0, gw({ wa: 'logged_out' })]])[0]!.kinds).toEqual(['logged_out']);
    const parked = run([[0, gw({ wa: 'parked', parkedReason: 'QR expired' })], [130_000, gw({ wa: 'parked', parkedReason: 'QR expired' })]]);
    expect(desiredIncidents(gw({ wa: 'parked', parkedReason: 'QR expired' }), parked[1]!.state, 130_000)[0]!.title).toBe('WhatsApp parked: QR expired for 2 min');
  });

  it('keeps a "disconnected" outage open when it gets worse and the session parks', () => {
    const r = run([[0, gw({ wa: 'disconnected' })], [120_000, gw({ wa: 'disconnected' })], [130_000, gw({ wa: 'parked', parkedReason: 'gave up' })], [200_000, gw({ wa: 'parked', parkedReason: 'gave up' })]]);
    expect(r.map((x) => x.kinds)).toEqual([[], ['whatsapp_down'], ['whatsapp_down'], ['whatsapp_down']]);
    expect(desiredIncidents(gw({ wa: 'parked', parkedReason: 'gave up' }), r[2]!.state, 130_000)[0]!.title).toMatch(/^WhatsApp parked: gave up/);
  });

  it('raises an incident when a connected tenant keeps getting messages it cannot decrypt', () => {
    const r = run([[0, gw({ undecryptable: 4 })], [10_000, gw({ undecryptable: 5 })], [20_000, gw({ undecryptable: 0 })]]);
    expect(r.map((x) => x.kinds)).toEqual([[], ['undecryptable'], []]);
    expect(desiredIncidents(gw({ undecryptable: 7 }), r[1]!.state, 10_000)[0]!.title).toBe('connected but 7 messages in the last hour could not be decrypted');
  });

  it('calls 3 restarts in 10 minutes, or PM2 errored, a crash loop (and not also "unreachable")', () => {
    const r = run([[0, gw()], [10_000, gw({ pm2: { status: 'online', restarts: 2 } })], [20_000, gw({ pm2: { status: 'online', restarts: 3 } })]]);
    expect(r.map((x) => x.kinds)).toEqual([[], [], ['crash_loop']]);
    const errored = run([[0, gw({ reachable: false, pm2: { status: 'errored', restarts: 16 } })], [1, gw({ reachable: false, pm2: { status: 'errored', restarts: 16 } })], [2, gw({ reachable: false, pm2: { status: 'errored', restarts: 16 } })]]);
    expect(errored.at(-1)!.kinds).toEqual(['crash_loop']);
  });

  it('watches the backlog and the brain', () => {
    expect(run([[0, gw({ backlog: 51 })]])[0]!.kinds).toEqual(['backlog']);
    const brain: Observation = { target: 'brain', kind: 'brain', reachable: false };
    expect(run([[0, brain], [1, brain], [2, brain]]).map((x) => x.kinds)).toEqual([[], [], ['brain_down']]);
  });

  it('raises an incident when the brain says its LLM model cannot be used, or a tenant ran out of tokens', () => {
    const brain = (llm: Observation['llm']): Observation => ({ target: 'brain', kind: 'brain', reachable: true, llm });
    expect(run([[0, brain({ engine: 'llm:openai', state: 'ok', overBudget: [] })]])[0]!.kinds).toEqual([]);
    expect(run([[0, brain({ engine: 'llm:openai', state: 'open', overBudget: [] })]])[0]!.kinds).toEqual([]);
    const refused = brain({ engine: 'llm:openai', state: 'refused', reason: 'model "gemma" cannot call tools', overBudget: ['Sonrisa'] });
    const incidents = desiredIncidents(refused, observe(undefined, refused, 0), 0);
    expect(incidents.map((i) => i.kind)).toEqual(['llm_refused', 'llm_budget']);
    expect(incidents[0]!.title).toContain('cannot call tools');
    expect(incidents[1]!.title).toContain('Sonrisa');
    // The brain tries a refused model again after a pause: once it answers, the incident is no longer wanted.
    const ok = brain({ engine: 'llm:openai', state: 'ok', overBudget: [] });
    expect(run([[0, brain({ engine: 'llm:openai', state: 'refused', reason: 'x', overBudget: [] })], [1, ok]]).map((x) => x.kinds)).toEqual([['llm_refused'], []]);
  });

  it('gives every incident that can get worse a severity that rises with it', () => {
    const severity = (obs: Observation, kind: string) => {
      let state: WatchState | undefined;
      for (const at of [0, 1, 2, 200_000]) state = observe(state, obs, at);
      return desiredIncidents(obs, state!, 200_000).find((i) => i.kind === kind)?.severity;
    };
    expect([tenfold(51, 50), tenfold(499, 50), tenfold(500, 50), tenfold(5_000, 50), tenfold(3, 0)]).toEqual([0, 0, 1, 2, 0]);
    expect([51, 499, 500, 5_000].map((backlog) => severity(gw({ backlog }), 'backlog'))).toEqual([0, 0, 1, 2]);
    expect([5, 49, 50, 500].map((undecryptable) => severity(gw({ undecryptable }), 'undecryptable'))).toEqual([0, 0, 1, 2]);
    expect(['waiting restart', 'errored'].map((status) => severity(gw({ reachable: false, pm2: { status, restarts: 16 } }), 'crash_loop'))).toEqual([0, 1]);
    expect(['disconnected', 'parked'].map((wa) => severity(gw({ wa: wa as WaStatus }), 'whatsapp_down'))).toEqual([0, 1]);
    expect([0, 3].map((heldInMemory) => severity(gw({ storeError: 'SQLITE_FULL', heldInMemory }), 'store_failing'))).toEqual([0, 1]);
    const brain = (overBudget: string[]): Observation => ({ target: 'brain', kind: 'brain', reachable: true, llm: { engine: 'llm:openai', state: 'ok', overBudget } });
    expect([['Sonrisa'], ['Sonrisa', 'Barberia']].map((o) => severity(brain(o), 'llm_budget'))).toEqual([0, 1]);
  });
});
