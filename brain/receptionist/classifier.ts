import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { containerBootstrap } from '@nlpjs/core';
import { LangEn } from '@nlpjs/lang-en-min';
import { LangEs } from '@nlpjs/lang-es';
import { Nlp, type NlpInstance } from '@nlpjs/nlp';
import { LANGUAGES, type Language, type Profile } from '../../core/profile.js';
import { asksForHuman, emojiIntent, isChatter, isFrustrated, isUrgent, mentionsContact, namesPersonOnly, namesStaff, staffNames, withoutChat } from './conversation.js';
import { PRICE, WALK_IN, WHEN_TO_COME, asWritten, keywordIntents, withoutKeywords } from './keywords.js';
import { corpus, type Corpus, type TrainableIntent } from './utterances.js';
import { prepareVocabulary, Vocabulary, workAsked } from './vocabulary.js';
import { NgramCounts, classifyNgrams } from './ngrams.js';
import { LINEAR_DEFAULTS, LinearModel, LinearOverlay, type Example, type LinearState } from './linear.js';
import { hasNoWords, mentionsReschedule, normalize } from './text.js';
import { cached } from '../../core/memo.js';
import { modelCache, type ModelCache } from './model-cache.js';
import { projectRoot } from '../../core/paths.js';
import { matchersFor, type FaqMatcher, type ServiceMatcher } from './matchers.js';

export interface Classification {
  intent: TrainableIntent | 'unknown';
  score: number;
  /** Intents with keyword evidence in the message (keywords.ts). */
  hints: TrainableIntent[];
  /** Share of the message's content words the business's vocabulary knows (vocabulary.ts). */
  coverage: number;
  /** How many of its content words the vocabulary does not know. */
  foreign?: number;
  /**
   * The models are sure the message is out of scope, whatever service or FAQ word it shares with
   * the business ("how do i renew my passport" to a photo studio): see SURE_UNKNOWN, THRESHOLDS.sureGramsUnknown.
   */
  outOfScope?: boolean;
}

/** What every tenant trained on one corpus shares: the nlp.js model, and the n-gram counts and the linear model per language. */
interface Models {
  nlp: NlpInstance;
  grams: Record<Language, NgramCounts>;
  linear: Record<Language, LinearModel>;
}

/** Each model's share of the blended score (they sum to 1, so the thresholds below keep their meaning). */
export interface Blend {
  nlp: number;
  grams: number;
  linear: number;
}

/**
 * The rule engine's intent classifier: three models trained in-process on the corpus (utterances.ts)
 * and shared by every tenant — an @nlpjs neural model on word stems, a naive Bayes model on words
 * and character n-grams (ngrams.ts), which reads typos and missing accents, and a logistic regression
 * on words, word pairs and character n-grams (linear.ts), which learns what tells intents apart —
 * their probabilities blended (BLEND), then weighed against keyword evidence (keywords.ts). The tenant adds its service names
 * and FAQ questions as a small n-gram overlay and its own vocabulary (vocabulary.ts). A model per
 * tenant cost 0.5 s and 3.3 MB each with a corpus 10× the base one (bench/classifier.mjs).
 */
export class IntentClassifier {
  private constructor(
    private readonly models: Models,
    private readonly overlay: NgramCounts,
    private readonly linearOverlay: Record<Language, LinearOverlay>,
    private readonly vocabulary: Vocabulary,
    private readonly services: ServiceMatcher,
    private readonly faqs: FaqMatcher,
    private readonly staff: readonly string[],
    /** Whether the profile names any service: only then does work it does not name tell what it does not do. */
    private readonly namesItsWork: boolean,
    private readonly thresholds: Thresholds,
  ) {}

  static async train(profile: Profile, utterances: Corpus = corpus(), cache = modelCache(), thresholds: Thresholds = THRESHOLDS): Promise<IntentClassifier> {
    // The business's own lines, taught to the n-gram and the linear model on top of what every tenant shares.
    const own: Example[] = [
      ...profile.services.flatMap((s) => [s.name, ...s.aliases].map((name) => ({ text: normalize(name), label: 'services' }))),
      ...profile.faq.map((f) => ({ text: normalize(f.question), label: 'faq' })),
    ];
    const overlay = new NgramCounts();
    for (const e of own) overlay.add(e.text, e.label);
    await IntentClassifier.prepare(utterances, cache);
    const shared = await models.get(utterances)!;
    const linear = Object.fromEntries(LANGUAGES.map((l) => [l, own.length > 0 ? shared.linear[l].adapt(own) : LinearOverlay.EMPTY])) as Record<Language, LinearOverlay>;
    const vocabulary = new Vocabulary(profile, utterances);
    return new IntentClassifier(shared, overlay, linear, vocabulary, matchersFor(profile).services, matchersFor(profile).faqs, staffNames(profile, (w) => vocabulary.isFrequent(w)), profile.services.length > 0, thresholds);
  }

  /**
   * The same trained classifier deciding with other thresholds: the crossval bench tries values on folds it trained
   * once, each classifier keeping its own (no process-wide setting another caller could see half-changed).
   */
  withThresholds(thresholds: Thresholds): IntentClassifier {
    return new IntentClassifier(this.models, this.overlay, this.linearOverlay, this.vocabulary, this.services, this.faqs, this.staff, this.namesItsWork, thresholds);
  }

  /** Reads or trains the models every tenant shares, ahead of the first tenant (`npm run build`, the test suite). */
  static async prepare(utterances: Corpus = corpus(), cache = modelCache()): Promise<void> {
    await cached(models, utterances, () => trainModels(utterances, cache));
    prepareVocabulary(utterances);
  }

  /**
   * The models' probabilities blended, best first; `unknown` is out of scope. Another `blend` asks
   * one model alone, or another mix (the benches compare them).
   */
  async scores(text: string, language: Language, blend: Blend = BLEND): Promise<{ intent: TrainableIntent | 'unknown'; score: number }[]> {
    return (await this.readings(text, language, blend)).ranked;
  }

  /** The models' probabilities blended, best first, and the "unknown" that sureGramsUnknown reads (unknownFrom, THRESHOLDS). */
  private async readings(text: string, language: Language, blend: Blend = BLEND): Promise<{ ranked: { intent: TrainableIntent | 'unknown'; score: number }[]; gramsUnknown: number }> {
    const sum = new Map<string, number>();
    const add = (intent: string, p: number) => sum.set(intent, (sum.get(intent) ?? 0) + p);
    if (blend.nlp > 0) for (const c of (await this.models.nlp.process(language, text)).classifications ?? []) add(c.intent === 'None' ? 'unknown' : c.intent, c.score * blend.nlp);
    const grams = classifyNgrams(text, this.models.grams[language], this.overlay);
    for (const c of grams) add(c.label, c.p * blend.grams);
    if (blend.linear > 0) for (const c of this.models.linear[language].scores(text, LINEAR_TEMPERATURE, this.linearOverlay[language])) add(c.label, c.p * blend.linear);
    const ranked = [...sum].map(([intent, score]) => ({ intent: intent as TrainableIntent | 'unknown', score })).sort((a, b) => b.score - a.score);
    return { ranked, gramsUnknown: this.thresholds.unknownFrom === 'grams' ? (grams.find((c) => c.label === 'unknown')?.p ?? 0) : (sum.get('unknown') ?? 0) };
  }

  /** `text` is normalised (see text.ts). */
  async classify(text: string, language: Language): Promise<Classification> {
    const { ranked, gramsUnknown } = await this.readings(text, language);
    const t = this.thresholds;
    const top = ranked[0] ?? { intent: 'unknown', score: 0 };
    const best = top.score >= LEAST ? top : { intent: 'unknown' as const, score: top.score };
    const { coverage, foreign } = this.vocabulary.reach(text);
    const hints = keywordIntents(text);
    // Both models sure; or the n-gram model, which reads every word letter by letter, sure and no keyword asking
    // anything of the business, whatever nlp.js's stems make of "qué tiempo hace en Madrid" (small talk, 1.0).
    const sure = (best.intent === 'unknown' && best.score >= SURE_UNKNOWN && !hints.some((h) => TRANSACTIONAL.has(h) || h === 'human'))
      || (gramsUnknown >= t.sureGramsUnknown && hints.length === 0)
      // "how do I say beard in gaelic", "¿cómo se dice cita en inglés?": a question about words, whatever service they name.
      || (ABOUT_WORDS.test(text) && !hints.some((h) => TRANSACTIONAL.has(h)));
    // The service matcher reads typos too: asked once, and only when a rule needs it.
    let named: boolean | undefined;
    const namesService = () => (named ??= this.services.find(text).length > 0);
    const first: Classification = { intent: best.intent, score: best.score, hints, coverage, foreign, outOfScope: sure || this.asksOfTheWorld(text, hints, namesService) || this.asksWorkNotDone(text, hints, namesService) };
    // A person is reached on words that ask for one (conversation.ts); on one of the business's people by name, or on
    // something urgent, unless the message asks to book, move, cancel or look up ("can Dr Kieran see Max on thursday",
    // "necesito una cita urgente"); or on the model's "human" (modelAsksForPerson).
    if (asksForHuman(text) || isFrustrated(text)) return { ...first, intent: 'human' };
    const asksTransaction = first.hints.some((h) => TRANSACTIONAL.has(h));
    // "necesito una sesión de punción seca urgente": one of the business's services the models read as wanted is a booking.
    if (isUrgent(text) && !asksTransaction && !(first.intent === 'book' && namesService())) return { ...first, intent: 'human' };
    if (namesStaff(text, this.staff) && !asksTransaction && !(TRANSACTIONAL.has(first.intent) && first.score >= SURE)) return { ...first, intent: 'human' };
    // "how are you? do you do balayage", "keen for a helix this arvo, say 5? cheers, Jordan": the request decides, not
    // the chat around it.
    const body = CHAT.has(first.intent) || first.hints.some((h) => CHAT.has(h)) ? withoutChat(text) : undefined;
    if (body) {
      const request = await this.classify(body, language);
      // The model's "human" on what is left is not trusted: "hola, hay alguien?" is a hello, not a request for a person.
      if (!CHAT.has(request.intent) && !['unknown', 'human'].includes(request.intent) && (request.hints.includes(request.intent as TrainableIntent) || request.score >= SURE_REQUEST)) return request;
    }
    // A question's form is no reason to leave a person unreached: only the models' own certainty is.
    const human = this.modelAsksForPerson({ ...first, outOfScope: sure }, ranked, text);
    if (human) return human;
    // "quien gano el premier padel", "tengo un perro, hay problema?", "what time is the mexico game tonight": a weak
    // small talk or my-bookings guess without a word of its own is the model's hunch, not the message's meaning.
    const unbacked = HUNCHES.has(first.intent) && !first.hints.includes(first.intent as TrainableIntent) && first.score < SURE_HUNCH && !hasNoWords(text);
    const model = first.intent === 'human' || unbacked ? nextGuess(first, ranked, t.nextGuess) : first;
    // "what's included in the basic service?", "¿qué incluye la mantención básica?", "is the trial free": what one of the
    // business's services is, holds or costs, asked by its name, is a question about the offer, whatever policy the models hear.
    if ((this.asksWhatServiceIs(text) || DESCRIBES.test(asWritten(text))) && !asksTransaction && namesService()) return { ...model, intent: 'services' };
    // "¿venden lentillas?" to an optician: whether it does one of its own services, in its own words only, whatever the
    // models' "out of scope" ("¿venden bicis usadas?" to a bike workshop says more).
    const offered = ASKS_OFFER.exec(asWritten(text))?.[0];
    if (model.intent === 'unknown' && offered && !asksTransaction && namesService() && this.vocabulary.namesOnlyOwn(withoutKeywords(asWritten(text).slice(offered.length)))) {
      return { ...model, intent: 'services', outOfScope: false };
    }
    const intent = arbitrate(model, text);
    // "can you service my boiler" to a bike shop, "me arregláis el móvil?" to a physio: another trade's thing, asked of this one;
    // "cuánto cuesta un seguro de coche" to a rehearsal studio, when the models hesitate: some trade's thing, not this one's.
    const things = withoutKeywords(text);
    // Some trade's words are everyday words too ("old", "take", "trabajo", "hijo" sit in 1 of 8 out-of-scope lines): they
    // tell another trade while the models hesitate, or in a price question, whose form is the same whatever thing it prices
    // ("cuánto cuesta un tatuaje" to a dermatologist, services at 0.97), not against a sure reading of other words ("can i
    // bring my 8 yr old" is the FAQ's at 0.71).
    const elsewhere = this.vocabulary.strays(things) || ((model.score < SURE || PRICE.test(text)) && this.vocabulary.straysToTrade(things));
    // "vendéis móviles libres?" to a dentist: a weak guess at a booking, with no word asking for one, is no better — not when
    // the models hear out of scope about as strongly, nor when the thing asked of is another trade's.
    const weakBooking = TRANSACTIONAL.has(intent) && model.hints.length === 0 && model.score < SURE;
    // "can you service my boiler" to a bike shop: a service's name among the question's own words ("service") names nothing.
    if (!(OFFER.has(intent) || weakBooking) || this.services.find(things).length > 0) return { ...model, intent };
    // "do you do violin" to a piano studio, "¿arreglan motos?" to a bike workshop, while the models hesitate: work the
    // business does not name, whatever trade's talk the models hear in it.
    if (OFFER.has(intent) && model.score < SURE_OWN && !asksTransaction && this.asksOfferOfOthers(text, namesService)) return { ...model, intent: 'unknown', outOfScope: true };
    return { ...model, intent: elsewhere || (weakBooking && intent === model.intent && closeBehind(ranked, 'unknown', model.score, t.closeBehind)) ? 'unknown' : intent };
  }

  /**
   * The models' "human" decides when it leads, or comes close behind a guess no keyword backs: a missed request for a
   * person costs more than a needless handoff, so the bar is lower than for any other intent. Not when chat words
   * explain it ("who am I talking to"), when a person is only named ("can someone with a cold come?", conversation.ts),
   * when the message asks to book, move, cancel or look up, or when it is out of scope or about another trade's things
   * ("can you fix my car" to a salon: the person is the one doing the work).
   */
  private modelAsksForPerson(first: Classification, ranked: { intent: TrainableIntent | 'unknown'; score: number }[], text: string): Classification | undefined {
    const score = ranked.find((c) => c.intent === 'human')?.score ?? 0;
    if (score < HUMAN_FLOOR || first.outOfScope || first.hints.some((h) => CHAT.has(h)) || namesPersonOnly(text)) return undefined;
    const contact = mentionsContact(text);
    const leads = first.intent === 'human' && (score >= this.thresholds.humanLeads || (contact && score >= HUMAN_LEADS_WITH_CONTACT));
    const close = first.intent !== 'human' && closeBehind(ranked, 'human', first.score, this.thresholds.closeBehind) && !first.hints.includes(first.intent as TrainableIntent);
    // Another trade's thing asked of the person doing the work is no wish for one, unless the models are sure it is ("me gustaría
    // tratar esto con una persona y no con un programa": a program is what the corpus's out-of-scope lines ask about).
    if (!(leads || close) || first.hints.some((h) => TRANSACTIONAL.has(h)) || (score < SURE_UNKNOWN && this.vocabulary.strays(withoutKeywords(text)))) return undefined;
    return { ...first, intent: 'human', score };
  }

  /**
   * A question about the world rather than the business: a recommendation of somewhere or something, the best thing to
   * buy, how to do something oneself, the nearest place of another kind, what another trade charges — about things
   * foreign to a receptionist's talk or of another trade, and nothing the business names ("me recomendáis algún colegio
   * bilingüe" to a speech therapist, "how often should I change my oil" to a car detailer). Not when it asks to book, move,
   * cancel or look up, or for a person, names one of the business's services (`namesService`, classify's one reading of
   * the service matcher), or asks the way to it.
   */
  private asksOfTheWorld(normalized: string, hints: readonly TrainableIntent[], namesService: () => boolean): boolean {
    const text = asWritten(normalized);
    const form = ABOUT_THE_WORLD.find((re) => re.test(text));
    if (!form || WAY_HERE.test(text) || hints.some((h) => TRANSACTIONAL.has(h) || h === 'human') || namesService()) return false;
    return this.vocabulary.namesOnlyOthers(withoutKeywords(text.replace(form, ' ')));
  }

  /**
   * "do you do violin" to a piano studio, "¿rentan motos acuáticas?" to a dive school, "arreglan motos?" to a bike workshop:
   * whether the business does some kind of work, asked of a thing none of its own words (services, aliases, FAQ, name) nor
   * what every business offers names.
   */
  private asksOfferOfOthers(normalized: string, namesService: () => boolean): boolean {
    const text = asWritten(normalized);
    const form = ASKS_OFFER.exec(text)?.[0];
    if (!form || !this.namesItsWork || namesService()) return false;
    return this.vocabulary.namesNothingOwn(withoutKeywords(text.slice(form.length)));
  }

  /**
   * "do you sell used pianos" to a piano school, "¿reparan relojes de buceo?" to a dive school, "¿arriendan bicis para turistas?"
   * to a bike workshop: whether the business does a kind of work none of its services says (vocabulary.ts, WORK), asked of no
   * service of its own nor of what every business sells ("do you sell gift cards"), however sure the models are of the
   * question's form. Not when it asks to book, move, cancel or look up, or for a person; nor when it says the kind of thing one of
   * its services is ("do you rent out hot desks or just rooms" to "Meeting room"; not "pianos" to "Piano lesson") or its FAQ answers it ("¿alquiláis raquetas?" to a
   * squash club whose FAQ is "Can I hire a racket?").
   */
  private asksWorkNotDone(normalized: string, hints: readonly TrainableIntent[], namesService: () => boolean): boolean {
    const text = asWritten(normalized);
    const form = ASKS_OFFER.exec(text)?.[0];
    const work = form === undefined ? undefined : workAsked(form);
    if (work === undefined || !this.namesItsWork || this.vocabulary.does(work) || hints.some((h) => TRANSACTIONAL.has(h) || h === 'human')) return false;
    const asked = text.slice(form!.length);
    return !this.vocabulary.namesGenericOffer(asked) && !this.vocabulary.namesKindOfService(asked) && !namesService() && !this.faqs.match(text)?.strong;
  }

  /**
   * "what is moxibustion exactly?", "¿qué es el kapping y cuánto vale?": what one of the business's services is, asked by
   * its name, whatever place or policy the models hear in a word they never learned.
   */
  private asksWhatServiceIs(text: string): boolean {
    const thing = WHAT_IS.exec(text)?.groups?.thing;
    return thing !== undefined && this.services.find(thing, false).length > 0;
  }
}

/** Which of the model and the keywords decides. */
function arbitrate(model: Classification, text: string): Classification['intent'] {
  const { hints, coverage } = model;
  // "🙏", "👋": a message of emoji only.
  if (hasNoWords(text)) return emojiIntent(text);
  // "jajaja vale", "no worries", "buen finde!": going along with the talk asks nothing, whatever words the model knows.
  if (isChatter(text) && !CHAT.has(model.intent)) return hints.find((h) => CHAT.has(h)) ?? 'smalltalk';
  if (model.outOfScope) return 'unknown';
  // "is stock in": no keyword and not one word the business or the corpus's common talk knows; a fair guess is no answer.
  if (hints.length === 0 && coverage === 0 && model.score < SURE_FOREIGN) return 'unknown';
  // "can I just walk in on saturday or do I need to book": whether to book at all is the policy, not a booking.
  if (WALK_IN.test(text) && !hints.some((h) => OWN_BOOKING.has(h))) return 'faq';
  // "buenas tardes", "hi is anyone there": a short message with nothing but chat words is that, whatever FAQ the model recalls.
  if (hints.length > 0 && hints.every((h) => CHAT.has(h)) && text.split(' ').length <= SHORT_CHAT_WORDS) return hints[0]!;
  // "do I have anything booked?" also has booking words: asking about one's bookings wins, unless other words ask where, when
  // or to change it ("what time do you close, my appointment is at 5.30").
  if (hints[0] === 'my_bookings' && !hints.some((h) => OUTRANK_MY_BOOKINGS.has(h))) return 'my_bookings';
  // "what time do you close? my appointment is at half 5": one's booking is the context, the business's hours the question.
  const whereOrWhen = hints.find((h) => WHERE_OR_WHEN.has(h));
  if (hints[0] === 'my_bookings' && whereOrWhen) return whereOrWhen;
  // "when's your earliest appointment?" asks for availability, not about one's bookings;
  // "quiero reservar…" with no words about one's own bookings is a new one, whatever the model's hunch.
  if (model.intent === 'my_bookings' && hints.includes('book') && (AVAILABILITY.test(text) || hints[0] === 'book')) return 'book';
  // "quiero cita con la misma esteticista del otro día": asked in booking words and none of change (those the dialogue
  // reads first, rule-engine.ts), a new booking, whatever the model hears of the last one; "puedo ir más tarde" is no such word.
  if (model.intent === 'reschedule' && NEW_BOOKING.test(text) && !mentionsReschedule(text)) return 'book';
  // "no voy a poder ir a la cita": the words that cannot mean anything else outweigh the booking nouns.
  if (hints[0] === 'cancel' && model.intent !== 'reschedule') return 'cancel';
  // Both models out of scope: "where's the best paella in valencia" shares a word with a location question, not its meaning.
  // Words that ask to book, chat or a policy's own words outweigh a less than sure "unknown": "how soon can you get my car in?",
  // "what should I call you?", "how do I pay for the move".
  if (model.intent === 'unknown' && model.score >= SURE && !(model.score < SURE_UNKNOWN && hints.some((h) => TRANSACTIONAL.has(h) || CHAT.has(h) || h === 'faq'))) return 'unknown';
  // "cuanto vale un coche de segunda mano": a price word is what an out-of-scope question most often shares with a
  // business; the engine still answers a service the message names.
  if (model.intent === 'unknown' && hints.every((h) => h === 'services') && PRICE.test(text)) return 'unknown';
  if (hints.length === 0 || hints.includes(model.intent as TrainableIntent)) return model.intent;
  // In "hi, hope you're well, ... can I move my appointment", the request decides, not the greeting.
  if (CHAT.has(model.intent)) return hints[0]!;
  // "tengo que venir sin crema a la limpieza?", "is the float price all included?": a policy's own words outweigh a guess at
  // one's bookings or a new one that has none of its own.
  if (hints[0] === 'faq' && TRANSACTIONAL.has(model.intent) && !hints.some((h) => TRANSACTIONAL.has(h))) return 'faq';
  // Booking, cancelling or moving needs words that ask for it: "hasta que hora estan el sabado" asks the hours.
  // A sure model reads what keywords miss: "hi, could we push Tuesday's session to Thursday" moves a booking.
  if (TRANSACTIONAL.has(model.intent) && !hints.some((h) => TRANSACTIONAL.has(h)) && model.score < SURE) return hints[0]!;
  // "whats the earliest you can do", "el perro está hecho un desastre, ¿cuándo os lo puedo llevar?": asking for the first free
  // time, or when to come, is a booking, whatever FAQ the model recalls.
  if ((AVAILABILITY.test(text) || WHEN_TO_COME.test(text)) && hints[0] === 'book') return 'book';
  // The model's FAQ match is tenant-specific knowledge keywords cannot have; trust it when sure.
  if (model.intent === 'faq' && model.score >= 0.9) return 'faq';
  // "quiero apuntarme a pilates": a service's name is not a price question when the words ask to book.
  if (model.intent === 'services' && hints.includes('book') && !hints.includes('services')) return 'book';
  // "can i get in this week? my back went…": words asking to book outweigh a sure model's hours or location.
  if (['hours', 'location'].includes(model.intent) && hints.some((h) => TRANSACTIONAL.has(h))) return hints.find((h) => TRANSACTIONAL.has(h))!;
  // "whats the nearest tube to you": where and when are told apart by their own words, not by a sure model's hunch.
  if (WHERE_OR_WHEN.has(model.intent) && hints.length === 1 && WHERE_OR_WHEN.has(hints[0]!)) return hints[0]!;
  // A model's certainty means little on words it never learned ("the nearest tube"): then keywords decide.
  if (model.score >= SURE && coverage >= 0.5 && !['smalltalk', 'unknown'].includes(model.intent)) return model.intent;
  return hints[0]!;
}

const CHAT = new Set<string>(['greeting', 'thanks', 'smalltalk']);
const WHERE_OR_WHEN = new Set<string>(['hours', 'location']);
const OUTRANK_MY_BOOKINGS = new Set<string>(['hours', 'location', 'cancel', 'reschedule']);
/** Up to this many words, a message with only chat words is chat. */
const SHORT_CHAT_WORDS = 4;
/**
 * Below this averaged score the models' best is no answer, as below nlp.js's own threshold: out of
 * scope unless keywords say otherwise. 0.4 measured best on train, train3 and dev's out-of-scope lines
 * (0 / 0.4 / 0.5: out of scope answered 80 / 83 / 90 %, train3 91.5 / 91.5 / 91.1 % en).
 */
const LEAST = 0.4;
/**
 * The models' score from which a question whether the business does some work is its own offer, whatever words its profile
 * lacks ("do you teach jazz or only classical" to a piano studio 0.98, "do you do wheel alignment" to a garage 0.99); below,
 * work it does not name is out of scope ("do you do violin" 0.72, "¿arreglan motos?" 0.84 on train9; "¿hacéis
 * fisioterapia?" to a beautician 0.91, "¿hacen análisis de sangre?" to a dentist 0.95 in the phrasings).
 */
const SURE_OWN = 0.97;
/** The models' score from which they read a message of only unknown words without a keyword (below, they guessed). */
const SURE_FOREIGN = 0.7;
/** The models' score from which the request inside chat decides without words of its own ("jaja qué mono, ¿y el corte de uñas?" is no booking at 0.62). */
const SURE_REQUEST = 0.8;
/**
 * The models' "human" as the best guess counts from THRESHOLDS.humanLeads alone, from HUMAN_LEADS_WITH_CONTACT with words of contact;
 * behind another guess no keyword backs, from THRESHOLDS.closeBehind of its score (and HUMAN_FLOOR at least). Measured on the
 * tunable splits and the phrasings (precision) and on new phrasings of every class of person request (recall): see the
 * commit that set them. Refitted with closeBehind, nextGuess and sureGramsUnknown on leave-one-author-out
 * cross-validation of five authors, a missed person costing five needless handoffs (`corpus-crossval.mjs
 * --thresholds`): 0.5 found one more person request than 0.6 and handed off none more; the others measured flat
 * (within a line or two in 6,000) and stay.
 */
const HUMAN_LEADS_WITH_CONTACT = 0.45;
const HUMAN_FLOOR = 0.3;
/** Whether a runner-up is within `share` of the best guess's score: as likely as the guess (THRESHOLDS.closeBehind). */
function closeBehind(ranked: { intent: TrainableIntent | 'unknown'; score: number }[], intent: TrainableIntent | 'unknown', best: number, share: number): boolean {
  return (ranked.find((c) => c.intent === intent)?.score ?? 0) >= share * best;
}

/** Intents the models guess on the tone of a message (chat, one's own bookings): alone and weak, they are no answer. */
const HUNCHES = new Set<string>(['smalltalk', 'greeting', 'my_bookings']);
/**
 * From this score such a hunch stands alone. On the tunable splits those without a word of their own were wrong at
 * 0.41–0.63 ("what time is the mexico game tonight" 0.63) and right from 0.75 ("y vos como andas?", "grand").
 */
const SURE_HUNCH = 0.7;

/** The models' best guess other than the one set aside (a person, a hunch), or "unknown" when it is no more than `least`. */
function nextGuess(model: Classification, ranked: { intent: TrainableIntent | 'unknown'; score: number }[], least: number): Classification {
  // A person is reached on words that ask for one, never as a model's second thought ("I'm looking for a plumber").
  const next = ranked.find((c) => c.intent !== model.intent && c.intent !== 'human');
  return next && next.intent !== 'unknown' && next.score > least ? { ...model, intent: next.intent, score: next.score } : { ...model, intent: 'unknown', score: next?.score ?? 0 };
}

/** One pair of models per corpus object: in the brain, one for the shipped corpus, read or trained once. */
const models = new WeakMap<Corpus, Promise<Models>>();

const NLU_SETTINGS = { keepStopwords: true, nonefeatureValue: 1, nonedeltaMultiplier: 1.2, spellCheck: false, spellCheckDistance: 1, filterZeros: true, log: false };

async function trainModels(utterances: Corpus, cache: ModelCache): Promise<Models> {
  const container = await containerBootstrap();
  container.use(Nlp);
  container.use(LangEn);
  container.use(LangEs);
  // nlp.js logs every training epoch unless the NLU configuration says otherwise.
  container.registerConfiguration('nlu-??', NLU_SETTINGS, true);
  const nlp = container.get('nlp');
  nlp.settings.autoSave = false;
  nlp.settings.log = false;
  const grams = {} as Record<Language, NgramCounts>;
  const examples = {} as Record<Language, Example[]>;
  const documents: [Language, string, string][] = [];
  for (const lang of LANGUAGES) {
    nlp.addLanguage(lang);
    grams[lang] = new NgramCounts();
    examples[lang] = [];
    for (const u of utterances[lang]) {
      const text = normalize(u.text);
      // "??????" teaches nothing: the engine answers a message without words before classifying it.
      if (!/[\p{L}\p{N}]/u.test(text)) continue;
      // nlp.js's own out-of-scope class is "None".
      documents.push([lang, text, u.intent === 'unknown' ? 'None' : u.intent]);
      grams[lang].add(text, u.intent);
      examples[lang].push({ text, label: u.intent });
    }
  }
  const digest = createHash('sha256').update(JSON.stringify([MODEL_VERSION, NLPJS_VERSION, NLU_SETTINGS, LINEAR_DEFAULTS, documents])).digest('hex').slice(0, 32);
  const name = `${digest}.json`;
  const saved = cache.read(name);
  try {
    if (saved !== undefined) {
      const kept = JSON.parse(saved) as SavedModels;
      const linear = Object.fromEntries(LANGUAGES.map((l) => [l, LinearModel.fromState(kept.linear[l])])) as Record<Language, LinearModel>;
      nlp.import(kept.nlp);
      return { nlp, grams, linear };
    }
  } catch {
    // A damaged file: train, and keep the new one.
  }
  for (const [lang, text, intent] of documents) nlp.addDocument(lang, text, intent);
  await nlp.train();
  const linear = Object.fromEntries(LANGUAGES.map((l) => [l, LinearModel.train(examples[l])])) as Record<Language, LinearModel>;
  const kept: SavedModels = { nlp: nlp.export(true), linear: Object.fromEntries(LANGUAGES.map((l) => [l, linear[l].state()])) as Record<Language, LinearState> };
  cache.write(name, JSON.stringify(kept));
  return { nlp, grams, linear };
}

/** A model cache file: nlp.js's own export and each language's linear model. The n-gram counts are counted again (milliseconds). */
interface SavedModels {
  nlp: string;
  linear: Record<Language, LinearState>;
}

/**
 * Part of the model cache's key: raise it whenever how the models are trained or kept changes in a way
 * the key does not already see (the corpus, nlp.js's version and settings, the linear model's options),
 * so that no model trained the old way is ever read.
 */
const MODEL_VERSION = 3;

/** A model trained by another nlp.js version is trained again. */
const NLPJS_VERSION = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'node_modules', '@nlpjs', 'nlp', 'package.json'), 'utf8')) as { version: string }).version;

/**
 * The averaged score from which the models outweigh keyword evidence. On the tunable splits, where
 * the models and the keywords disagreed the models were right 33 times in 35 from 0.7 up, and
 * about as often as the keywords below; both out of scope from 0.6 up was right 69 times in 70.
 */
export const SURE = 0.6;
/**
 * The averaged "unknown" score from which out of scope outweighs a service or FAQ word the message
 * shares with the business ("how do i renew my passport" to a photo studio). On the tunable splits
 * (train to train7, measured when train7 came), 66 of the 67 messages scored 0.9 or more were out of
 * scope: the other, "how many people can play", a question about the offer that its FAQ answers (rule-engine.ts).
 */
const SURE_UNKNOWN = 0.9;

/** The thresholds fitted on cross-validation (`node bench/corpus-crossval.mjs --thresholds`), THRESHOLDS as shipped. */
export interface Thresholds {
  /** From this score the models' "human" as the best guess reaches a person (see HUMAN_LEADS_WITH_CONTACT). */
  humanLeads: number;
  /** A runner-up within this share of the best guess's score is as likely as the guess (a person; a weak booking guess). */
  closeBehind: number;
  /**
   * The least score of the guess after one set aside (a person, a hunch) that is still a guess, not out of scope. With written4
   * in the corpus, 0.25 let "my heel pain is awful in the mornings" and "I'm looking for a plumber" through as bookings at
   * 0.31-0.33; 0.35 fixed 5 tunable lines and lost 1 ("que tramites hacen ahi?", services at 0.3).
   */
  nextGuess: number;
  /**
   * The n-gram model's own "unknown" from which, with no keyword evidence, a message is out of scope.
   * On the tunable splits, 25 of the 26 such messages from 0.8 up that SURE_UNKNOWN leaves were out of
   * scope (the other, "how do i get to you from temple meads", names a station the vocabulary never
   * met); from 0.7, 35 of 37 ("what should we wear for the family shoot" too).
   */
  sureGramsUnknown: number;
  /** Which model's "unknown" sureGramsUnknown reads: the n-gram model's own, or the blend's. */
  unknownFrom: 'grams' | 'blend';
}

/**
 * The thresholds every tenant's classifier decides with; the crossval bench passes its own to try others
 * (IntentClassifier.train, withThresholds).
 */
export const THRESHOLDS: Readonly<Thresholds> = Object.freeze({ humanLeads: 0.5, closeBehind: 0.9, nextGuess: 0.35, sureGramsUnknown: 0.8, unknownFrom: 'grams' });
/**
 * Each model's share of the blended score, fitted on leave-one-author-out cross-validation of the
 * corpus (`node bench/corpus-crossval.mjs --fit`), never on eval lines: models alone 92.7 / 91.1 %
 * (en / es), full classify 88.0 / 86.6 %, against 84.4 / 82.7 % and 84.0 / 82.6 % for nlp.js and
 * the n-gram model half and half.
 */
export const BLEND: Blend = { nlp: 0.2, grams: 0.2, linear: 0.6 };
/**
 * The linear model's probabilities are sharpened by this temperature, fitted the same way (the
 * least log loss on held-out authors): trained with a penalty on its weights, it is less sure on a
 * new author than it is right, and a blended score means how often the blend is right at it.
 */
const LINEAR_TEMPERATURE = 0.75;

/** "what is X", "what's a X", "qué es el X", "y eso de la X qué es" (its first words: a service's name is short). */
const WHAT_IS = /^(so |and |ok |y |pero |hola |hi )?(what|whats|what s|wat|que|q) (is|are|s|es|son) (an? |the |el |la |los |las |un |una |eso de (la |el )?)?(?<thing>[\p{L}\d]+( [\p{L}\d]+){0,2})/u;

/**
 * The forms of a question about the world (asksOfTheWorld): a recommendation ("can you recommend a good…", "me recomienda una
 * inmobiliaria"), the best or which to get ("what's the best…", "which frame should I get", "¿cuál es el mejor…?"), doing it
 * oneself ("how do I set up…", "how often should I…", "¿cómo hago para pagar el predial?", "¿qué hago?") unless it asks how to
 * deal with the business, the nearest place or where to get something done ("donde queda la registraduría más cercana",
 * "where can I change dollars"), what another trade charges ("¿cuánto cobra un abogado?").
 */
const ABOUT_THE_WORLD = [
  /\b(recommend|suggest|recomienda|recomiendas|recomiendan|recomendais|recomiendame|recomendame|recomendar|recomendarme|recomendarias|recomendaria|recomendarian|sugieres|sugiere|sugieren|sugeris|sugerir|sugerirme)( me| us)? (a |an |any |some |somewhere|someone|anywhere|un |una |algun |alguna |algunos |algunas |alguien)/,
  /\b(what s|whats|what is|which is|which are|what are) the (best|cheapest)\b|\b(which|what)( \w+){1,2} should (i|we) (get|buy|use|choose|pick|order|read|watch)\b|\b(cual|cuales) (es|son) (el|la|los|las) (mejor|mejores|mas barat\w+)\b|\b(que|cual) \w+ (me )?(compro|deberia comprar|debo comprar|me conviene)\b/,
  /\b(how (do|can|should|would) (i|we|one) (?!(book|get|find|park|pay|receive|collect|pick|go about|do (that|this|it)|cancel|change (my|the|our) (appointment|booking|reservation)|move|reschedule|contact|reach|sign|register|join|apply|prepare|know|confirm|check|make (a|an) (booking|appointment|reservation))\b)|how often should (i|we)|what (do|should) (i|we) do\b(?! (if|when|before|after|to (prepare|get ready)|about (my|the|our) (appointment|booking|reservation)))|(como|cómo) (hago para|puedo|se hace para) (?!(reservar|pedir|llegar|ir|venir|pagar|cancelar|anular|cambiar (la|mi) (cita|reserva)|mover|contactar|hablar|aparcar|estacionar|encontrar|apuntarme|inscribirme|prepararme)\b)|\bque (hago|debo hacer)\b(?! (si|cuando|antes|despues|para prepararme|con (mi|la) (cita|reserva)))\b)/,
  /\b(nearest|closest|mas cercan[oa]s?)\b|\bwhere (can|could|should) (i|we|one) (?!(park|leave|drop|collect|pick|meet|wait|go|find you|get to you)\b)\w+|\bdonde (puedo|se puede|podemos) (?!(aparcar|estacionar|dejar|parquear)\b)\w+/,
  /\bhow much (do|does|would|will) (a|an|the average|most|other) \w+( \w+)? charge\b|\bcuanto (cobra|cobran|suele cobrar|suelen cobrar) (un|una|los|las)\b/,
];
/** What something holds, involves or costs: "what's included in…", "what does … involve", "¿qué incluye…?", "¿en qué consiste…?", "is … free". */
const DESCRIBES = /^((so|and|hi|hey|hola|y|ok|vale) )*(what s|whats|what is|what are|what does|what do) ((\w+ ){0,4}(included|include|involve|involves|come with|comes with)|you get (in|with|for))\b|\b(que|q) (incluye|incluyen|trae|traen|comprende|abarca)\b|\bque (esta|estan|viene|vienen|va|van) incluid[oa]s?\b|\ben que consiste\b|^(is|are) (the |a |an |your )?(\w+ ){1,3}(free|free of charge)$|\b(es|son|sale|salen) (gratis|gratuit[oa]s?)$/;

/** Asking whether the business does some kind of work: "do you (also) sell…", "can you fix…", "¿hacen…?", "¿arreglan…?". */
const ASKS_OFFER = /^((hi|hey|hello|hola|buenas|y|and|also|so|ok|oye) )*((do|does|can|could) (you|u|ya)( guys| all| folks)?( also| ever| still)? (do|sell|rent|rent out|hire out|fix|repair|teach|offer|make|service|install|run|sort|tune)|(y )?(tambien )?(hacen|haceis|venden|vendeis|rentan|alquilan|alquilais|arriendan|arrendais|arreglan|arreglais|reparan|reparais|ensenan|ensenais|ofrecen|ofreceis|instalan|llenan|dan|dais|me (pueden|podeis) (hacer|arreglar|reparar|ensenar|vender|cambiar|parchar|llenar)))\b/;

/**
 * The way to the business: a station, a car park, a landmark or its own branch or entrance near it is the business's location,
 * not another place ("which branch is closest to Salford", "¿cuál es la parada de metro más cercana?").
 */
const WAY_HERE = /\b(way|station|stations|tube|metro|subway|mrt|lrt|underground|luas|dart|bus|buses|stop|tram|train|parking|car park|carpark|landmark|entrance|branch|branches|to you|your|estacion|parada|tren|tranvia|aparcamiento|parking|estacionamiento|parqueadero|subte|colectivo|referencia|entrada|sucursal|sucursales|sede|sedes|de ustedes|vuestr[oa]s?)\b/;

/**
 * Asking how to say, spell or translate something: translating into a language ("translate hello into french", "traducime esto
 * al francés"), not someone who translates ("can i bring my daughter to translate") nor a translation the business does.
 */
const ABOUT_WORDS = /\b(how (do|would|can) (i|you|u|we) (say|spell|pronounce|write|translate)|what s the word for|(como|cómo) se (dice|escribe|pronuncia|traduce)|como (digo|escribo|pronuncio|traduzco)|(translat|traduc)\w*\b.{0,60}\b(into|to|in|al|en) (english|spanish|french|german|italian|portuguese|japanese|chinese|arabic|russian|ingles|espanol|castellano|frances|aleman|italiano|portugues|japones|chino|arabe|ruso|[a-z]+ese|[a-z]+ish))\b/;
/** Words that ask for a booking in so many words: "quiero cita", "necesito una hora", "I'd like to book", "book me a session". */
const NEW_BOOKING = /\b((quiero|quisiera|queria|necesito|me gustaria|pedir|dame|me das|me dais) (una )?(nueva )?(cita|reserva|hora|turno)|(book|make) (me )?(a|an|another) (new )?(appointment|booking|session|slot)|(i d|id|i would|i want to|i wanna) (like to )?book)\b/;
const AVAILABILITY = /\b(earliest|soonest|next available|first available|next free|(proxima|primera) hora (libre|disponible)|primer hueco)\b/;
const TRANSACTIONAL = new Set<string>(['book', 'cancel', 'reschedule', 'my_bookings']);
/** What the business offers or says of itself: asked of another trade's things, out of scope. */
const OFFER = new Set<string>(['services', 'faq']);
/** About a booking the customer already has. */
const OWN_BOOKING = new Set<string>(['cancel', 'reschedule', 'my_bookings']);

/** One classifier per profile object: a new profile (import, PUT) gets a new vocabulary. */
const trained = new WeakMap<Profile, Promise<IntentClassifier>>();

export function classifierFor(profile: Profile): Promise<IntentClassifier> {
  return cached(trained, profile, () => IntentClassifier.train(profile));
}
