import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvalWorld, trainSplit } from '../eval/harness.js';
import { asksForHuman, asksToStopMessages, emojiIntent, isChatter, isFrustrated, isUrgent, MY_BOOKINGS, namesPersonOnly, namesStaff, staffNames, withoutChat } from '../../brain/receptionist/conversation.js';
import { ProfileSchema } from '../../core/profile.js';
import { normalize } from '../../brain/receptionist/text.js';

const n = normalize;

describe('a request for a person (issue 13: "a request for a person always reaches one")', () => {
  it.each([
    'is this a bot? I want a real person', 'are you free for a quick chat', 'can I speak to the stylist please', 'pásame con el fisio por favor', 'quiero hablar con alguien de verdad',
    'can I ring you?', 'is there a number I can call', 'I need to talk to Sarah about my colour', 'is the boss in? need a quick word', "is this a bot? I need a proper person",
    "I don't want to talk to a machine", 'human please', 'can i phone you instead', '¿os puedo llamar?', 'hay algún teléfono al que llamar', 'me llamáis?',
    'quiero hablar con la dueña', 'necesito hablar con el fisioterapeuta', 'prefiero que me llaméis', 'con una persona por favor', '¿me puede atender una persona?',
    'is this a bot?', 'am I talking to a computer', '¿eres un robot?', 'sos un bot vos?', 'esto es un robot o una persona', '¿estoy hablando con una persona?', 'bot?',
    'any chance of speaking to someone?', 'get the gaffer', '¿está la doctora?', 'a qué número les marco?', 'necesito hablarlo con alguien', 'hay alguien ahí que me pueda ayudar?',
  ])('"%s" asks for a person', (text) => {
    expect(asksForHuman(n(text))).toBe(true);
  });

  it.each([
    'hola hay alguien', 'a table for one person', 'can a person with a cold come?', '¿puede venir una persona resfriada?', '¿alguien puede recoger a mi perro en casa?',
    'can someone collect my car from home?', 'I will talk to my wife and let you know', 'lo hablo con mi marido y te digo', 'talk to you soon', 'good bot', 'eres muy amable, robotito',
    'is this automatic or manual?', 'you are funny for a bot',
    'can I bring it forward to this week', 'thanks, looking forward to it', 'my boiler is broken who do I call', 'que opinas de la inteligencia artificial', 'hay forma de que me den la cita antes?',
    'como esta la doctora? hace mucho que no voy', 'is forex trading a scam', 'does anyone there speak Spanish', 'hello am I speaking to the clinic', "what if i'm not happy with my haircut",
    'can someone with long hair get a pixie cut?', 'do you speak to the insurance company for me?', '¿está abierto hoy?', '¿está lloviendo hoy por ahí?', 'is saturday busy',
    'is parking in the back', 'is the boardroom free for a call tomorrow at 3', 'is a room free for a call on friday', '¿está completo hoy?', '¿está ocupado mañana?', 'está reservado hoy?', 'is everything included in the price', 'will the nutritionist call me with the plan or email it?', 'is it in stock', 'is stock in', 'is my order in yet?', 'is the new polish range in', 'can I get the reminder to text me instead of email', 'could you have the confirmation email me too?', 'get my results to email me please', 'charlamos con el bot un rato jaja',
    'who am I talking to', '¿con quién hablo?', 'can i book for 2 people on saturday', 'me llamo Juan', 'ya te dije que me llamo Ana', "I'll call back later", 'necesito un fisio para la rodilla',
  ])('"%s" does not', (text) => {
    expect(asksForHuman(n(text))).toBe(false);
  });

  it('frustration with the service reaches a person; pain or a bad week does not', () => {
    for (const text of ['this is useless', "you're not helping", 'no me entiendes', 'esto no sirve para nada', 'not happy with my cut at all', 'estoy super molesta', 'quiero poner una reclamación'])
      expect(isFrustrated(n(text)), text).toBe(true);
    for (const text of ['you charged me twice for the mot', 'i want a refund', "I've been waiting ages for a reply", 'nadie me contesta, que poca seriedad', 'me cobraron de más', 'la atención fue pésima', 'me quedaron fatal las uñas'])
      expect(isFrustrated(n(text)), text).toBe(true);
    for (const text of ['my lower back has been awful this week', 'me molesta la rodilla', 'I had a terrible toothache', 'my dog gets angry at the vet', 'do I get a refund if I cancel?', 'is it charged extra for long hair?', '¿hay reembolso si cancelo?', '¿se puede devolver el dinero si cancelo?', "what if i'm not happy with my haircut", 'are blue light glasses a scam', "I'm fed up with this heel pain", 'estoy harta del dolor de talón', "we're hopeless dancers", 'le da vergüenza escribir'])
      expect(isFrustrated(n(text)), text).toBe(false);
  });
});

describe("the business's own people, by the names its escalation contacts give them", () => {
  const profile = (...names: string[]) => ProfileSchema.parse({ name: 'x', timezone: 'Europe/Madrid', escalation: { contacts: names.map((name) => ({ name, phone: '+34600000000' })) } });

  it('keeps names, not titles, roles or places', () => {
    const everyday = (w: string) => ['workshop', 'club', 'front', 'desk', 'notaria'].includes(w);
    expect(staffNames(profile('Niamh (practice manager)', 'Dr Kieran', 'Recepción (Paty)', 'Lic. Gabriela Sosa', 'Workshop', 'Recepción del club', 'Front desk', 'Marta (logopeda)', 'Recepción Notaría 42'), everyday)).toEqual(['niamh', 'kieran', 'paty', 'gabriela', 'sosa', 'marta']);
    expect(staffNames(profile(), everyday)).toEqual([]);
  });

  it.each(['is Niamh in today?', 'message for dr kieran please', 'dile a Rocío que me llame', 'hola, es para Rocío'])('"%s" names one of them', (text) => {
    expect(namesStaff(n(text), ['niamh', 'kieran', 'rocio'])).toBe(true);
  });

  it.each(["hi, I'm Niamh", 'soy Rocío, quería preguntar el horario', 'de parte de Rocío', 'what time do you open'])('"%s" does not name one of them', (text) => {
    expect(namesStaff(n(text), ['niamh', 'kieran', 'rocio'])).toBe(false);
  });
});

describe('something urgent, told rather than asked about', () => {
  it.each(['my dog just ate chocolate, what do i do', 'urgent: the truck has not turned up', 'es urgente, se me han roto las gafas', 'tengo una reacción alérgica después del tratamiento de ayer', 'emergency, I left my keys in the changing room'])('"%s" is urgent', (text) => {
    expect(isUrgent(n(text))).toBe(true);
  });

  it.each(['do you see emergencies', 'what do I do in an emergency out of hours', "I'm in a lot of pain, is this an emergency?", 'do you offer emergency appointments', '¿atienden urgencias?', 'is swelling normal after a filling?'])('"%s" asks about the business', (text) => {
    expect(isUrgent(n(text))).toBe(false);
  });
});

describe('a person named, not asked for', () => {
  it.each(['puede venir una persona resfriada?', 'can someone with a cold come?', 'can you have the reminders text me rather than ring'])('"%s" only names one', (text) => {
    expect(namesPersonOnly(n(text))).toBe(true);
  });

  it.each(['can someone call me back', 'necesito que alguien de la clinica me responda'])('"%s" asks for one', (text) => {
    expect(namesPersonOnly(n(text))).toBe(false);
  });
});

describe('a stop request in other words (answered with a question offering STOP, never an opt-out)', () => {
  it.each([
    'please stop messaging me', "don't text me again", 'no quiero recibir más mensajes', 'dejad de escribirme', 'take me off your list', 'stop please', 'please unsubscribe me',
    'leave me alone', 'no more messages please', 'quitadme de la lista', 'no me mandéis más mensajes', 'dejadme en paz', 'quiero darme de baja de los mensajes',
  ])('"%s" is one', (text) => {
    expect(asksToStopMessages(n(text))).toBe(true);
  });
  it.each(['stop', 'what time do you stop taking bookings', 'baja', 'can I stop by tomorrow', 'no quiero la cita'])('"%s" is not', (text) => {
    expect(asksToStopMessages(n(text))).toBe(false);
  });
});

describe('asking about one\'s own bookings', () => {
  it.each(['do I have anything booked?', '¿tengo cita?', 'what day was I coming in', "remind me what time I'm in", 'me confirmas mi hora?', 'did i book for friday or saturday?', 'sigue en pie lo del jueves?', 'a qué hora iba yo?',
    "was it 2 or 2.30 I'm coming in", 'upcoming bookings?', 'is there an appointment under my name', '¿me fijás si tengo turno?', 'q dia tengo turno'])(
    '"%s" is one',
    (text) => expect(MY_BOOKINGS.test(n(text).replace(/'/g, ' '))).toBe(true),
  );
  it.each(['check my tyre pressure myself', 'dejame ver mi agenda y te digo', 'no tengo cita pero quiero pasar hoy', 'no sé si me lo cubre el seguro', "when's your earliest", 'what times have you got tomorrow', 'cuál es la primera hora libre', 'can i book for friday', 'tengo clase hasta las 5, podéis a las 6?', 'la clase es para principiantes, no?'])('"%s" is not', (text) => {
    expect(MY_BOOKINGS.test(n(text).replace(/'/g, ' '))).toBe(false);
  });
});

describe('small talk', () => {
  it('a message that only goes along with the talk', () => {
    for (const text of ['ok', 'hmm ok', 'jajaja vale', 'no worries', 'buen finde!', 'have a nice day', 'ok cool', 'vale vale']) expect(isChatter(n(text)), text).toBe(true);
    for (const text of ['ok can I book', 'vale, a las 5', 'no worries, can we do friday instead']) expect(isChatter(n(text)), text).toBe(false);
  });
  it('emoji only: thanks, hello or small talk', () => {
    expect(emojiIntent('🙏')).toBe('thanks');
    expect(emojiIntent('👋👋')).toBe('greeting');
    expect(emojiIntent('😂😂')).toBe('smalltalk');
    expect(emojiIntent('📞')).toBe('human');
    expect(emojiIntent('🤖❤️')).toBe('smalltalk');
  });
});

describe('through the chat service (train businesses, both languages)', () => {
  let world: EvalWorld;
  beforeAll(async () => {
    world = await EvalWorld.create([trainSplit()]);
  }, 60_000);
  afterAll(() => world?.close());
  const say = async (business: string, lang: 'en' | 'es', message: string) =>
    world.chat.handle(await world.tenant(business, lang), { message, sender: world.nextSender(), timestamp: '2026-03-24T10:00:00Z' });

  it.each([
    ['en', 'take me off your list'], ['en', 'stop please'], ['en', 'i dont want any more messages'], ['en', 'can you stop texting me'], ['en', 'please unsubscribe me'],
    ['es', 'quitadme de la lista'], ['es', 'no me mandéis más mensajes'], ['es', 'quiero darme de baja'], ['es', 'dejadme en paz'], ['es', 'no quiero recibir más whatsapps'],
  ] as const)('%s "%s" gets the one-line question offering STOP and is not an opt-out', async (lang, message) => {
    const r = await say(lang === 'en' ? 'salon-ldn' : 'fisio-mad', lang, message);
    expect(r.intent).toBe('unknown');
    expect(r.reply).toMatch(/STOP/);
    expect(r.reply!.split('\n')).toHaveLength(1);
  });

  it.each([['en', 'STOP'], ['en', 'Unsubscribe'], ['en', 'stop.'], ['es', 'BAJA'], ['es', 'parar'], ['es', 'darme de baja']] as const)('%s "%s", the exact words, opt out', async (lang, message) => {
    expect((await say('salon-ldn', lang, message)).intent).toBe('opt_out');
  });

  it.each([
    ['en', 'garage-lds', 'is the boss in? need a quick word'], ['en', 'tattoo-bri', 'r u a bot? let me talk to a real one'], ['en', 'salon-ldn', 'this bot is useless, get me someone'],
    ['es', 'unas-vlc', 'os puedo llamar?'], ['es', 'fisio-mad', 'eres un robot? quiero hablar con alguien'], ['es', 'perros-sev', 'que mal servicio, quiero poner una queja'],
  ] as const)('%s "%s" reaches a person', async (lang, business, message) => {
    const r = await say(business, lang, message);
    expect(r).toMatchObject({ intent: 'human', escalated: true });
  });

  it('a pregnant customer whose back has been awful wants a booking, not a complaint handled by a person', async () => {
    const r = await say('fisio-mad', 'en', "Hello! I'm Laura, 30 weeks pregnant and my lower back has been awful this week. Could I book a sports massage for Friday at half ten?");
    expect(r.intent).toBe('book');
    expect(r.escalated).toBe(false);
  });

  it('thanks and hellos in emoji only are answered as such', async () => {
    expect(await say('salon-ldn', 'en', '🙏')).toMatchObject({ intent: 'thanks', reply: "You're welcome! Anything else?" });
    expect((await say('salon-ldn', 'en', '👋')).intent).toBe('greeting');
    expect((await say('salon-ldn', 'en', '😂😂')).intent).toBe('smalltalk');
  });
});

describe('the request inside chat', () => {
  it.each([
    ['hi, how are you? do you do balayage', 'do you do balayage'],
    ['jaja vale, ¿y el corte de uñas?', 'y el corte de unas'],
    ['keen for a helix this arvo, say 5? cheers, Jordan', 'keen for a helix this arvo say 5'],
    // The whole greeting goes, not its first word: "tardes" and "there" are no part of the request.
    ['hola buenas tardes, quería saber el precio del tinte gracias', 'queria saber el precio del tinte'],
    ['hi there can I book', 'can i book'],
  ])('"%s" asks "%s"', (text, request) => {
    expect(withoutChat(n(text))).toBe(request);
  });

  it.each(['hello', 'thanks so much', 'ok cool thanks', 'buenas tardes'])('"%s" is chat and nothing else', (text) => {
    expect(withoutChat(n(text))).toBeUndefined();
  });
});
