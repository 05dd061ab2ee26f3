import { DateTime } from 'luxon';
import { WEEKDAYS, formatClock, type Language, type Profile } from '../../core/profile.js';
import { zoneOf } from '../domain/zone.js';
import { cached } from '../../core/memo.js';

/**
 * Reply templates per language. Spanish names a customer's service through "tu reserva de {service}",
 * so gender and number agree whatever the service is called ("tu reserva de uñas acrílicas", never
 * "tu uñas acrílicas ... cancelada"). The profile's message overrides replace greeting, afterHours, handoff, fallback, voiceNote, call and mediaReceived. */
const TEMPLATES = {
  en: {
    greeting: 'Hello! Welcome to {name}. I can tell you our hours, services and prices, and book, move or cancel appointments. How can I help?',
    afterHours: "We're closed right now; we open again {next}.",
    closedNoNext: "We're closed right now.",
    handoff: 'Thanks for your patience: a member of our team will reply to you here shortly.',
    botAnswer: "I'm the virtual receptionist of {name}.",
    handoffClosed: 'A member of our team will reply here when we open ({next}).',
    fallback: "Sorry, I didn't understand that. I can help with opening hours, our services and prices, our address, and booking, moving or cancelling appointments.",
    hoursOpen: "We're open now until {until}.",
    hoursTitle: 'Our opening hours:',
    closedDay: 'closed',
    exception: '{date}: {what}',
    location: '{name} is at {address}.',
    locationMap: 'Map: {map}',
    noAddress: "I don't have our address to hand, sorry; a member of the team can help.",
    phone: 'Phone: {phone}',
    servicesTitle: 'Our services:',
    serviceLine: '• {name}: {duration} min{price}',
    serviceDetail: '{name} takes {duration} minutes{price}.{desc}',
    noServices: "I don't have a list of services yet; a member of the team can help.",
    askBook: 'Would you like to book one? Tell me the day and time.',
    askService: 'Which service would you like? {list}',
    unknownService: "Sorry, we don't offer that. Our services are: {list}",
    askDate: 'Which day would you like to come in for the {service}?',
    askTime: 'What time on {date}? We are open {hours}.',
    closedThatDay: "Sorry, we're closed on {date}.",
    askName: 'What name should I put the booking under?',
    confirmBook: '{service} on {when} for {name}. Reply YES to confirm.',
    booked: "You're booked: {service} on {when}, for {name}. See you then!",
    notBooked: "OK, I haven't booked anything. Just tell me if you'd like another time.",
    severalBookings: "That's {list}: I'll confirm them one at a time.",
    plannedAt: '{service} at {time}',
    plannedAfter: '{service} straight after',
    plannedThen: ', then ',
    skipped: "OK, not that one.",
    slotTaken: 'Sorry, {when} is not available.',
    slotTooSoon: 'Sorry, we need at least {notice} notice for a booking.',
    slotTooFar: 'Sorry, we only take bookings up to {days} days ahead.',
    pastTime: 'That time has already passed. Which future day and time would suit you?',
    impossibleDate: "There's no such date as \"{date}\". Which day did you mean?",
    offerSlots: 'I can offer: {options}. Reply with 1, 2 or 3, or suggest another time.',
    noSlots: 'Sorry, there are no free times in the next two weeks. A member of our team will get back to you.',
    noBookings: "You don't have any upcoming bookings with us.",
    yourBookings: 'Your upcoming bookings:',
    bookingLine: '{n}. {service} on {when}',
    whichBooking: 'Which booking? Reply with its number.',
    confirmCancel: 'Cancel your {service} on {when}? Reply YES to confirm.',
    cancelled: 'Done: your {service} on {when} is cancelled.',
    notCancelled: "OK, I've kept your booking.",
    askNewTime: 'Your {service} is on {when}. Which day and time would you like instead?',
    confirmReschedule: 'Move your {service} from {from} to {to}? Reply YES to confirm.',
    rescheduled: 'Done: your {service} is now on {when}.',
    notRescheduled: "OK, your booking stays as it was.",
    nothingToConfirm: "There's nothing waiting for confirmation. How can I help?",
    dayMismatch: "{date} doesn't fall on the weekday you wrote. Which day did you mean?",
    severalTimes: 'Which one suits you best? Tell me one day and one time.',
    vagueTime: 'What time exactly would you like? Tell me a time and I will check it.',
    badTime: "I couldn't read that time. What time would you like?",
    askMeridiem: 'At {am} or at {pm}?',
    unsure: 'No problem. Reply YES to confirm, or tell me what to change.',
    heldBook: "Sorry, I couldn't tell what to change from that. Shall I keep {service} on {when} for {name}? Reply YES to confirm, NO to drop it, or tell me another day or time.",
    firstFree: 'The first free time is {when}.',
    firstFreeOthers: 'The first free time is {when} (also free: {others}).',
    walkIn: "A booking is the only way I can promise you a time. Would you like me to book you in? Tell me the service, day and time.",
    stopQuestion: "Would you like to stop getting messages from us? Reply STOP and we won't write again.",
    doneBooked: 'Your booking is confirmed.',
    doneCancelled: 'Your booking is cancelled.',
    doneRescheduled: 'Your booking has been moved.',
    thanks: "You're welcome! Anything else?",
    smalltalk: "I'm the virtual receptionist of {name}. I can tell you our hours, services and prices, and book, move or cancel appointments.",
    optedOut: "You won't get any more messages from us. Reply START if you change your mind.",
    optedIn: "Welcome back! You'll get our replies again. How can I help?",
    noWords: 'Hi! How can I help? You can ask about our hours, services or book an appointment.',
    faqNone: "I don't have an answer to that, sorry. A member of our team can help — just ask for a person.",
    voiceNote: "Sorry, I can't listen to voice notes. Could you type your message, please?",
    youSaid: 'You said: "{text}"',
    mediaReceived: "Thanks, we've received your {what}. A member of our team will take a look.",
    locationReceived: 'Thanks for sending your location.',
    call: "Sorry, we can't take calls on WhatsApp. Please write to us here{phone}.",
    callPhone: ' or call {phone}',
    undecryptable: "Sorry, your last message didn't reach us properly. Could you send it again?",
    cannotOpen: "Sorry, I can't open that kind of message here. Could you write what you need, please?",
    whatImage: 'photo',
    whatVideo: 'video',
    whatDocument: 'document',
    whatContact: 'contact card',
  },
  es: {
    greeting: '¡Hola! Bienvenido a {name}. Puedo informarte de horarios, servicios y precios, y reservar, cambiar o cancelar citas. ¿En qué te ayudo?',
    afterHours: 'Ahora mismo estamos cerrados; volvemos a abrir {next}.',
    closedNoNext: 'Ahora mismo estamos cerrados.',
    handoff: 'Gracias por tu paciencia: una persona de nuestro equipo te responderá por aquí en breve.',
    botAnswer: 'Soy la recepcionista virtual de {name}.',
    handoffClosed: 'Una persona del equipo te responderá por aquí cuando abramos ({next}).',
    fallback: 'Perdona, no lo he entendido. Puedo ayudarte con el horario, nuestros servicios y precios, la dirección, y reservar, cambiar o cancelar citas.',
    hoursOpen: 'Estamos abiertos ahora hasta las {until}.',
    hoursTitle: 'Nuestro horario:',
    closedDay: 'cerrado',
    exception: '{date}: {what}',
    location: '{name} está en {address}.',
    locationMap: 'Mapa: {map}',
    noAddress: 'No tengo la dirección a mano, perdona; alguien del equipo te ayudará.',
    phone: 'Teléfono: {phone}',
    servicesTitle: 'Nuestros servicios:',
    serviceLine: '• {name}: {duration} min{price}',
    serviceDetail: '{name} dura {duration} minutos{price}.{desc}',
    noServices: 'Todavía no tengo la lista de servicios; alguien del equipo te ayudará.',
    askBook: '¿Quieres reservar? Dime el día y la hora.',
    askService: '¿Qué servicio quieres? {list}',
    unknownService: 'Perdona, eso no lo ofrecemos. Nuestros servicios son: {list}',
    askDate: '¿Qué día te viene bien para tu reserva de {service}?',
    askTime: '¿A qué hora el {date}? Abrimos {hours}.',
    closedThatDay: 'Perdona, el {date} estamos cerrados.',
    askName: '¿A nombre de quién hago la reserva?',
    confirmBook: '{service} el {when} a nombre de {name}. Responde SÍ para confirmar.',
    booked: 'Reserva hecha: {service} el {when}, a nombre de {name}. ¡Hasta pronto!',
    notBooked: 'De acuerdo, no he reservado nada. Dime si prefieres otra hora.',
    severalBookings: 'Son {list}: te las confirmo una a una.',
    plannedAt: '{service} a las {time}',
    plannedAfter: '{service} justo después',
    plannedThen: ', y luego ',
    skipped: 'De acuerdo, esa no.',
    slotTaken: 'Perdona, el {when} no está disponible.',
    slotTooSoon: 'Perdona, necesitamos al menos {notice} de antelación.',
    slotTooFar: 'Perdona, solo aceptamos reservas con hasta {days} días de antelación.',
    pastTime: 'Esa hora ya ha pasado. ¿Qué día y hora futuros te vienen bien?',
    impossibleDate: 'La fecha "{date}" no existe. ¿Qué día querías decir?',
    offerSlots: 'Puedo ofrecerte: {options}. Responde 1, 2 o 3, o propón otra hora.',
    noSlots: 'Perdona, no hay horas libres en las próximas dos semanas. Alguien del equipo te contactará.',
    noBookings: 'No tienes ninguna reserva próxima con nosotros.',
    yourBookings: 'Tus próximas reservas:',
    bookingLine: '{n}. {service} el {when}',
    whichBooking: '¿Qué reserva? Responde con su número.',
    confirmCancel: '¿Cancelo tu reserva de {service} del {when}? Responde SÍ para confirmar.',
    cancelled: 'Hecho: he cancelado tu reserva de {service} del {when}.',
    notCancelled: 'De acuerdo, mantengo tu reserva.',
    askNewTime: 'Tu reserva de {service} es el {when}. ¿Qué día y hora prefieres?',
    confirmReschedule: '¿Cambio tu reserva de {service} del {from} al {to}? Responde SÍ para confirmar.',
    rescheduled: 'Hecho: tu reserva de {service} queda el {when}.',
    notRescheduled: 'De acuerdo, tu reserva se queda como estaba.',
    nothingToConfirm: 'No hay nada pendiente de confirmar. ¿En qué te ayudo?',
    dayMismatch: 'El {date} no cae en el día de la semana que has escrito. ¿Qué día querías decir?',
    severalTimes: '¿Cuál te viene mejor? Dime un solo día y una hora.',
    vagueTime: '¿A qué hora exactamente? Dime una hora y lo miro.',
    badTime: 'No he entendido la hora. ¿A qué hora te viene bien?',
    askMeridiem: '¿A las {am} o a las {pm}?',
    unsure: 'Sin problema. Responde SÍ para confirmar, o dime qué quieres cambiar.',
    heldBook: 'Perdona, no he entendido qué quieres cambiar. ¿Mantengo {service} el {when} a nombre de {name}? Responde SÍ para confirmar, NO para dejarla, o dime otro día u hora.',
    firstFree: 'La primera hora libre es el {when}.',
    firstFreeOthers: 'La primera hora libre es el {when} (también hay: {others}).',
    walkIn: 'Con una reserva es la única forma de asegurarte una hora. ¿Quieres que te reserve? Dime el servicio, el día y la hora.',
    stopQuestion: '¿Quieres dejar de recibir mensajes nuestros? Responde STOP y no volveremos a escribirte.',
    doneBooked: 'Tu reserva está confirmada.',
    doneCancelled: 'Tu reserva está cancelada.',
    doneRescheduled: 'Tu reserva se ha cambiado.',
    thanks: '¡De nada! ¿Algo más?',
    smalltalk: 'Soy la recepcionista virtual de {name}. Puedo informarte de horarios, servicios y precios, y reservar, cambiar o cancelar citas.',
    optedOut: 'No te enviaremos más mensajes. Responde START si cambias de opinión.',
    optedIn: '¡Bienvenido de nuevo! Volverás a recibir nuestras respuestas. ¿En qué te ayudo?',
    noWords: '¡Hola! ¿En qué te ayudo? Puedes preguntar por el horario, los servicios o pedir cita.',
    faqNone: 'No tengo respuesta para eso, perdona. Alguien del equipo puede ayudarte: solo pide hablar con una persona.',
    voiceNote: 'Perdona, no puedo escuchar notas de voz. ¿Me lo puedes escribir, por favor?',
    youSaid: 'Entendí: "{text}"',
    mediaReceived: 'Gracias, hemos recibido tu {what}. Alguien del equipo le echará un vistazo.',
    locationReceived: 'Gracias por enviarnos tu ubicación.',
    call: 'Perdona, no podemos atender llamadas por WhatsApp. Escríbenos por aquí{phone}.',
    callPhone: ' o llámanos al {phone}',
    undecryptable: 'Perdona, tu último mensaje no nos ha llegado bien. ¿Puedes enviarlo otra vez?',
    cannotOpen: 'Perdona, no puedo abrir ese tipo de mensaje aquí. ¿Puedes escribirme lo que necesitas?',
    whatImage: 'foto',
    whatVideo: 'vídeo',
    whatDocument: 'documento',
    whatContact: 'contacto',
  },
} as const;

export type ReplyKey = keyof (typeof TEMPLATES)['en'];
export const REPLY_KEYS = Object.keys(TEMPLATES.en) as ReplyKey[];
type Overridable = keyof Profile['messages'];
const OVERRIDABLE = new Set<string>(['greeting', 'afterHours', 'handoff', 'fallback', 'voiceNote', 'call', 'mediaReceived'] satisfies Overridable[]);

/** Renders replies for one tenant and language. */
export class Replies {
  constructor(
    readonly profile: Profile,
    readonly language: Language,
  ) {}

  t(key: ReplyKey, vars: Record<string, string | number> = {}): string {
    const override = OVERRIDABLE.has(key) ? this.profile.messages[key as Overridable] : undefined;
    const template: string = override ?? TEMPLATES[this.language][key];
    return template.replace(/\{(\w+)\}/g, (_m, name: string) => String(vars[name] ?? (name === 'name' ? this.profile.name : `{${name}}`)));
  }

  /** "Tuesday 17 March at 15:00" / "martes 17 de marzo a las 15:00". */
  when(t: DateTime): string {
    const d = t.setZone(zoneOf(this.profile)).setLocale(this.language);
    return this.language === 'es' ? d.toFormat("cccc d 'de' LLLL 'a las' HH:mm") : d.toFormat("cccc d LLLL 'at' HH:mm");
  }

  /** A service's name inside a sentence: "Full colour" → "full colour"; "MOT test" keeps its capitals. */
  service(name: string): string {
    return name.split(' ').map((w) => (/^\p{Lu}[\p{Ll}'’-]*$/u.test(w) ? w.toLowerCase() : w)).join(' ');
  }

  day(t: DateTime): string {
    const d = t.setZone(zoneOf(this.profile)).setLocale(this.language);
    return this.language === 'es' ? d.toFormat("cccc d 'de' LLLL") : d.toFormat('cccc d LLLL');
  }

  /** "tomorrow at 09:00" style phrase for the next opening, relative to now. */
  nextOpening(next: DateTime, now: DateTime): string {
    const local = next.setZone(zoneOf(this.profile));
    const days = local.startOf('day').diff(now.setZone(zoneOf(this.profile)).startOf('day'), 'days').days;
    const time = local.toFormat('HH:mm');
    if (this.language === 'es') return days === 0 ? `hoy a las ${time}` : days === 1 ? `mañana a las ${time}` : `el ${this.when(local)}`;
    return days === 0 ? `today at ${time}` : days === 1 ? `tomorrow at ${time}` : `on ${this.when(local)}`;
  }

  price(s: Profile['services'][number]): string {
    if (s.price === undefined) return '';
    // "takes 30 minutes, £0.00" reads like a mistake: a service without a charge is free.
    if (s.price === 0) return this.language === 'es' ? ', gratis' : ', free';
    return `, ${currencyFormat(this.language, s.currency ?? 'EUR').format(s.price)}`;
  }

  weekHours(): string[] {
    const names = weekdayNames(this.language);
    return WEEKDAYS.map((d, i) => {
      const ranges = this.profile.hours[d];
      const text = ranges.length ? ranges.map((r) => `${formatClock(r.open)}–${formatClock(r.close)}`).join(', ') : this.t('closedDay');
      return `${names[i]}: ${text}`;
    });
  }
}

// Intl formatters cost tens of microseconds to build and are asked for on most messages.
const currencyFormats = new Map<string, Intl.NumberFormat>();
function currencyFormat(language: Language, currency: string): Intl.NumberFormat {
  return cached(currencyFormats, `${language}:${currency}`, () => new Intl.NumberFormat(language === 'es' ? 'es-ES' : 'en-GB', { style: 'currency', currency }));
}

const weekdayNamesByLanguage = new Map<Language, string[]>();
function weekdayNames(language: Language): string[] {
  return cached(weekdayNamesByLanguage, language, () => WEEKDAYS.map((_, i) => DateTime.fromObject({ weekday: (i + 1) as 1 }).setLocale(language).toFormat('cccc')));
}
