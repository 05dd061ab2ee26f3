import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProfileYaml } from '../../core/profile.js';
import { IntentClassifier, THRESHOLDS } from '../../brain/receptionist/classifier.js';
import { normalize } from '../../brain/receptionist/text.js';

/** The classifier alone, on the shipped corpus, for what the dialogue may still read otherwise (rule-engine.ts). */
const here = path.dirname(new URL(import.meta.url).pathname);
const barber = path.join(here, 'phrasings', 'barber-gla.yaml');
const classifier = () => IntentClassifier.train(parseProfileYaml(fs.readFileSync(barber, 'utf8'), 'barber-gla.yaml'));

describe('the intent classifier', () => {
  it('reads whether one needs to book at all as the policy (FAQ), and a booking asked for as a booking', async () => {
    const c = await classifier();
    for (const [text, lang] of [
      ['do you take walk ins on a saturday or is it booking only', 'en'], ['can i just walk in on friday or do i need to book', 'en'],
      ['can I just pop in tomorrow or do I need to book?', 'en'], ['¿atendéis sin cita el sábado?', 'es'], ['¿hace falta pedir cita o puedo ir directamente?', 'es'],
    ] as const) expect((await c.classify(normalize(text), lang)).intent, text).toBe('faq');
    for (const [text, lang] of [['can I book a skin fade for saturday', 'en'], ['quiero pedir cita para el sábado', 'es'], ['can I move my booking to friday', 'en']] as const)
      expect((await c.classify(normalize(text), lang)).intent, text).not.toBe('faq');
  }, 60_000);

  it('decides with its own thresholds: another classifier trying other values changes nothing for the shipped one', async () => {
    const shipped = await classifier();
    // No keyword in it, so only the models' certainty decides whether it is out of scope.
    const text = normalize('is your fade any good');
    const before = await shipped.classify(text, 'en');
    expect(before.hints).toEqual([]);
    expect(before.outOfScope).toBe(false);
    // Any n-gram "unknown" at all is sure enough: out of scope, for the classifier given that value only.
    const eager = shipped.withThresholds({ ...THRESHOLDS, sureGramsUnknown: 0 });
    expect((await eager.classify(text, 'en')).outOfScope).toBe(true);
    expect(await shipped.classify(text, 'en')).toEqual(before);
    const trained = await IntentClassifier.train(parseProfileYaml(fs.readFileSync(barber, 'utf8'), 'barber-gla.yaml'), undefined, undefined, { ...THRESHOLDS, sureGramsUnknown: 0 });
    expect((await trained.classify(text, 'en')).outOfScope).toBe(true);
    expect(Object.isFrozen(THRESHOLDS)).toBe(true);
  }, 60_000);
});
