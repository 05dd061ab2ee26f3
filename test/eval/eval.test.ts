import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvalWorld, evaluateDialogues, evaluateIntents, formatReport, labelledMessages, outOfScope, type DialogueResult, type IntentReport } from './harness.js';
import { DIALOGUES } from './dialogues.js';

let world: EvalWorld;
let intents: IntentReport;
let dialogues: DialogueResult[];

beforeAll(async () => {
  world = await EvalWorld.create();
  intents = await evaluateIntents(world);
  dialogues = await evaluateDialogues(world);
  if (process.env.EVAL_REPORT) console.log(formatReport(intents, dialogues));
}, 120_000);
afterAll(() => world?.close());

describe('receptionist evaluation (rule engine, offline)', () => {
  it('has the evaluation set the issue asks for', () => {
    expect(labelledMessages().length).toBeGreaterThanOrEqual(150);
    expect(outOfScope().length).toBeGreaterThanOrEqual(30);
    expect(DIALOGUES.length).toBeGreaterThanOrEqual(20);
  });

  it('classifies ≥ 90% of English and ≥ 85% of Spanish messages correctly', () => {
    expect(intents.accuracy.en, formatReport(intents, dialogues)).toBeGreaterThanOrEqual(0.9);
    expect(intents.accuracy.es, formatReport(intents, dialogues)).toBeGreaterThanOrEqual(0.85);
  });

  it('is ≥ 98% precise on opt_out, human and cancel', () => {
    for (const intent of ['opt_out', 'human', 'cancel']) expect(intents.perIntent[intent]!.precision, intent).toBeGreaterThanOrEqual(0.98);
  });

  it('completes every scripted dialogue with the expected bookings', () => {
    expect(dialogues.filter((d) => !d.ok).map((d) => d.name), formatReport(intents, dialogues)).toEqual([]);
  });
});
