import { containerBootstrap } from '@nlpjs/core';
import { LangEn } from '@nlpjs/lang-en-min';
import { LangEs } from '@nlpjs/lang-es';
import { Nlp, type NlpInstance } from '@nlpjs/nlp';
import { LANGUAGES, type Language, type Profile } from '../../core/profile.js';
import { asksForHuman, emojiIntent, isChatter, isFrustrated, mentionsContact } from './conversation.js';
import { keywordIntents } from './keywords.js';
import { hasNoWords } from './text.js';
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
 * The rule engine's intent classifier: an @nlpjs model trained in-process on the corpus
 * (utterances.ts), shared by every tenant, and the tenant's own vocabulary (vocabulary.ts). The
 * tenant's services and FAQ reach the engine through the matchers (matchers.ts), not the model: a
 * model per tenant cost 0.5 s and 3.3 MB each with a corpus 10× the base one (bench/classifier.mjs),
 * and a FAQ question trained as "faq" pulled in any message sharing one of its words.
 * Below nlp.js's threshold the answer is "unknown".
 */
export class IntentClassifier {
  private constructor(
    private readonly nlp: NlpInstance,
    private readonly vocabulary: Vocabulary,
  ) {}

  static async train(profile: Profile, utterances: Corpus = corpus()): Promise<IntentClassifier> {
    return new IntentClassifier(await cached(models, utterances, () => trainModel(utterances)), new Vocabulary(profile, utterances));
  }

  /** `text` is normalised (see text.ts). */
  async classify(text: string, language: Language): Promise<Classification> {
    const r = await this.nlp.process(language, text);
    const hints = keywordIntents(text);
    const { coverage, foreign } = this.vocabulary.reach(text);
    const first: Classification = { intent: r.intent === 'None' ? 'unknown' : (r.intent as TrainableIntent), score: r.score, hints, coverage, foreign };
    // A person is reached on words that ask for one (conversation.ts), or on the model's sure "human" when the message
    // talks of contact; otherwise the model's "human" is its next guess ("can a person with a cold come?").
    if (asksForHuman(text) || isFrustrated(text)) return { ...first, intent: 'human' };
    // "who am I talking to?" has words of talking but asks what the bot is.
    const trusted = first.score >= SURE_HUMAN && mentionsContact(text) && !hints.some((h) => CHAT.has(h));
    const model = first.intent === 'human' && !trusted ? nextGuess(first, r.classifications) : first;
    // "🙏", "👋": a message of emoji only.
    if (hasNoWords(text)) return { ...model, intent: emojiIntent(text) };
    // "jajaja vale", "no worries", "buen finde!": going along with the talk asks nothing, whatever words the model knows.
    if (isChatter(text) && !CHAT.has(model.intent)) return { ...model, intent: hints.find((h) => CHAT.has(h)) ?? 'smalltalk' };
    // "buenas tardes", "hi is anyone there": a short message with nothing but chat words is that, whatever FAQ the model recalls.
    if (hints.length > 0 && hints.every((h) => CHAT.has(h)) && text.split(' ').length <= SHORT_CHAT_WORDS) return { ...model, intent: hints[0]! };
    // "do I have anything booked?" also has booking words: asking about one's bookings wins, unless other words ask where, when
    // or to change it ("what time do you close, my appointment is at 5.30").
    if (hints[0] === 'my_bookings' && !hints.some((h) => OUTRANK_MY_BOOKINGS.has(h))) return { ...model, intent: 'my_bookings' };
    // "what time do you close? my appointment is at half 5": one's booking is the context, the business's hours the question.
    const whereOrWhen = hints.find((h) => WHERE_OR_WHEN.has(h));
    if (hints[0] === 'my_bookings' && whereOrWhen) return { ...model, intent: whereOrWhen };
    // "when's your earliest appointment?" asks for availability, not about one's bookings.
    // "quiero reservar…" with no words about one's own bookings is a new one, whatever the model's hunch.
    if (model.intent === 'my_bookings' && hints.includes('book') && (AVAILABILITY.test(text) || hints[0] === 'book')) return { ...model, intent: 'book' };
    // "no voy a poder ir a la cita": the words that cannot mean anything else outweigh the booking nouns.
    if (hints[0] === 'cancel' && model.intent !== 'reschedule') return { ...model, intent: 'cancel' };
    if (hints.length === 0 || hints.includes(model.intent as TrainableIntent)) return model;
    // In "hi, hope you're well, ... can I move my appointment", the request decides, not the greeting.
    if (CHAT.has(model.intent)) return { ...model, intent: hints[0]! };
    // Booking, cancelling or moving needs words that ask for it: "hasta que hora estan el sabado" asks the hours.
    if (TRANSACTIONAL.has(model.intent) && !hints.some((h) => TRANSACTIONAL.has(h))) return { ...model, intent: hints[0]! };
    // "whats the earliest you can do": asking for the first free time is a booking, whatever FAQ the model recalls.
    if (AVAILABILITY.test(text) && hints[0] === 'book') return { ...model, intent: 'book' };
    // The model's FAQ match is tenant-specific knowledge keywords cannot have; trust it when sure.
    if (model.intent === 'faq' && model.score >= 0.9) return model;
    // "quiero apuntarme a pilates": a service's name is not a price question when the words ask to book.
    if (model.intent === 'services' && hints.includes('book') && !hints.includes('services')) return { ...model, intent: 'book' };
    // "can i get in this week? my back went…": words asking to book outweigh a sure model's hours or location.
    if (['hours', 'location'].includes(model.intent) && hints.some((h) => TRANSACTIONAL.has(h))) return { ...model, intent: hints.find((h) => TRANSACTIONAL.has(h))! };
    // "whats the nearest tube to you": where and when are told apart by their own words, not by a sure model's hunch.
    if (WHERE_OR_WHEN.has(model.intent) && hints.length === 1 && WHERE_OR_WHEN.has(hints[0]!)) return { ...model, intent: hints[0]! };
    // A model's certainty means little on words it never learned ("the nearest tube"): then keywords decide.
    if (model.score >= 0.95 && coverage >= 0.5 && !['smalltalk', 'unknown'].includes(model.intent)) return model;
    return { ...model, intent: hints[0]! };
  }
}

const CHAT = new Set<string>(['greeting', 'thanks', 'smalltalk']);
const WHERE_OR_WHEN = new Set<string>(['hours', 'location']);
const OUTRANK_MY_BOOKINGS = new Set<string>(['hours', 'location', 'cancel', 'reschedule']);
/** Up to this many words, a message with only chat words is chat. */
const SHORT_CHAT_WORDS = 4;
/** The model's score from which its "human" counts, given words of contact. */
const SURE_HUMAN = 0.8;

/** The model's best guess other than a person, or "unknown" below its threshold. */
function nextGuess(model: Classification, ranked: { intent: string; score: number }[] = []): Classification {
  const next = ranked.find((c) => c.intent !== 'human');
  return next && next.intent !== 'None' && next.score > 0.5 ? { ...model, intent: next.intent as TrainableIntent, score: next.score } : { ...model, intent: 'unknown', score: next?.score ?? 0 };
}

/** One model per corpus object: in the brain, one for the shipped corpus, trained once. */
const models = new WeakMap<Corpus, Promise<NlpInstance>>();

async function trainModel(utterances: Corpus): Promise<NlpInstance> {
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
  }
  await nlp.train();
  return nlp;
}

const AVAILABILITY = /\b(earliest|soonest|next available|first available|next free|(proxima|primera) hora (libre|disponible)|primer hueco)\b/;
const TRANSACTIONAL = new Set<string>(['book', 'cancel', 'reschedule', 'my_bookings']);

/** One classifier per profile object: a new profile (import, PUT) gets a new vocabulary. */
const trained = new WeakMap<Profile, Promise<IntentClassifier>>();

export function classifierFor(profile: Profile): Promise<IntentClassifier> {
  return cached(trained, profile, () => IntentClassifier.train(profile));
}
