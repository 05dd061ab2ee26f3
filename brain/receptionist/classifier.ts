import { containerBootstrap } from '@nlpjs/core';
import { LangEn } from '@nlpjs/lang-en-min';
import { LangEs } from '@nlpjs/lang-es';
import { Nlp, type NlpInstance } from '@nlpjs/nlp';
import { LANGUAGES, type Language, type Profile } from '../../core/profile.js';
import { keywordIntents } from './keywords.js';
import { corpus, type Corpus, type TrainableIntent } from './utterances.js';
import { Vocabulary } from './vocabulary.js';
import { cached } from '../../core/memo.js';

export interface Classification {
  intent: TrainableIntent | 'unknown';
  score: number;
  /** Intents with keyword evidence in the message (keywords.ts). */
  hints: TrainableIntent[];
  /** Share of the message's content words the business's vocabulary knows (vocabulary.ts). */
  coverage: number;
  /** How many of its content words the vocabulary does not know. */
  foreign?: number;
}

/**
 * An @nlpjs intent classifier trained in-process on the corpus (utterances.ts) plus this tenant's service
 * names and FAQ questions. Below nlp.js's threshold the answer is "unknown".
 */
export class IntentClassifier {
  private constructor(
    private readonly nlp: NlpInstance,
    private readonly vocabulary: Vocabulary,
  ) {}

  static async train(profile: Profile, utterances: Corpus = corpus()): Promise<IntentClassifier> {
    const container = await containerBootstrap();
    container.use(Nlp);
    container.use(LangEn);
    container.use(LangEs);
    // nlp.js logs every training epoch unless the NLU configuration says otherwise.
    container.registerConfiguration('nlu-??', { keepStopwords: true, nonefeatureValue: 1, nonedeltaMultiplier: 1.2, spellCheck: false, spellCheckDistance: 1, filterZeros: true, log: false }, true);
    const nlp = container.get('nlp');
    nlp.settings.autoSave = false;
    nlp.settings.log = false;
    for (const lang of LANGUAGES) {
      nlp.addLanguage(lang);
      // nlp.js's own out-of-scope class is "None".
      for (const u of utterances[lang]) nlp.addDocument(lang, u.text, u.intent === 'unknown' ? 'None' : u.intent);
      for (const s of profile.services) for (const name of [s.name, ...s.aliases]) nlp.addDocument(lang, name, 'services');
      for (const f of profile.faq) nlp.addDocument(lang, f.question, 'faq');
    }
    await nlp.train();
    return new IntentClassifier(nlp, new Vocabulary(profile, utterances));
  }

  /** `text` is normalised (see text.ts). */
  async classify(text: string, language: Language): Promise<Classification> {
    const r = await this.nlp.process(language, text);
    const hints = keywordIntents(text);
    const { coverage, foreign } = this.vocabulary.reach(text);
    const model: Classification = { intent: r.intent === 'None' ? 'unknown' : (r.intent as TrainableIntent), score: r.score, hints, coverage, foreign };
    // "do I have anything booked?" also has booking words: asking about one's bookings wins.
    if (hints[0] === 'my_bookings') return { ...model, intent: 'my_bookings' };
    // "when's your earliest appointment?" asks for availability, not about one's bookings.
    if (model.intent === 'my_bookings' && hints.includes('book') && AVAILABILITY.test(text)) return { ...model, intent: 'book' };
    // "no voy a poder ir a la cita": the words that cannot mean anything else outweigh the booking nouns.
    if (hints[0] === 'cancel' && model.intent !== 'reschedule') return { ...model, intent: 'cancel' };
    if (hints.length === 0 || hints.includes(model.intent as TrainableIntent)) return model;
    // In "hi, hope you're well, ... can I move my appointment", the request decides, not the greeting.
    if (['greeting', 'thanks', 'smalltalk'].includes(model.intent)) return { ...model, intent: hints[0]! };
    // Booking, cancelling or moving needs words that ask for it: "hasta que hora estan el sabado" asks the hours.
    if (TRANSACTIONAL.has(model.intent) && !hints.some((h) => TRANSACTIONAL.has(h))) return { ...model, intent: hints[0]! };
    // The model's FAQ match is tenant-specific knowledge keywords cannot have; trust it when sure.
    if (model.intent === 'faq' && model.score >= 0.9) return model;
    // "quiero apuntarme a pilates": a service's name is not a price question when the words ask to book.
    if (model.intent === 'services' && hints.includes('book') && !hints.includes('services')) return { ...model, intent: 'book' };
    // "can i get in this week? my back went…": words asking to book outweigh a sure model's hours or location.
    if (['hours', 'location'].includes(model.intent) && hints.some((h) => TRANSACTIONAL.has(h))) return { ...model, intent: hints.find((h) => TRANSACTIONAL.has(h))! };
    // A person is reached on clear words (the engine's own check), never on the model's hunch against them.
    if (model.score >= 0.95 && !['smalltalk', 'unknown', 'human'].includes(model.intent)) return model;
    return { ...model, intent: hints[0]! };
  }
}

const AVAILABILITY = /\b(earliest|soonest|next available|first available|next free|(proxima|primera) hora (libre|disponible)|primer hueco)\b/;
const TRANSACTIONAL = new Set<string>(['book', 'cancel', 'reschedule', 'my_bookings']);

/** One trained classifier per profile object: a new profile (import, PUT) trains a new one. */
const trained = new WeakMap<Profile, Promise<IntentClassifier>>();

export function classifierFor(profile: Profile): Promise<IntentClassifier> {
  return cached(trained, profile, () => IntentClassifier.train(profile));
}
