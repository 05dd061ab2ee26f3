import type { Language } from '../../core/profile.js';

/**
 * Base training utterances for the intent classifier, per language. The tenant's own service names
 * and FAQ questions are added at training time. The evaluation set (test/eval) is written
 * separately, so accuracy is measured on phrasings the classifier never saw.
 */
export const TRAINABLE_INTENTS = ['greeting', 'hours', 'location', 'services', 'book', 'cancel', 'reschedule', 'my_bookings', 'faq', 'human', 'thanks', 'smalltalk'] as const;
export type TrainableIntent = (typeof TRAINABLE_INTENTS)[number];

export const UTTERANCES: Record<Language, Partial<Record<TrainableIntent, string[]>>> = {
  en: {
    greeting: ['hello', 'hi', 'hey', 'hi there', 'good morning', 'good afternoon', 'good evening', 'hello there', 'hey there', 'hiya', 'greetings', 'howdy', 'morning', 'hi is anyone there'],
    hours: [
      'what are your opening hours', 'when are you open', 'what time do you open', 'what time do you close', 'are you open now', 'are you open today',
      'are you open on saturday', 'are you open on sunday', 'opening times', 'business hours', 'until what time are you open', 'when do you close today',
      'are you closed on holidays', 'what days are you open', 'hours please', 'are you open tomorrow', 'what time do you shut', 'is the office open',
    ],
    location: [
      'where are you', 'where are you located', 'what is your address', 'address please', 'how do I get there', 'where is the clinic', 'where is the shop',
      'send me the location', 'can you share a map', 'directions please', 'which street are you on', 'location', 'how can I find you', 'where exactly are you',
    ],
    services: [
      'what services do you offer', 'what do you do', 'how much does it cost', 'what are your prices', 'price list', 'how much is it', 'what treatments do you have',
      'do you offer', 'how long does it take', 'what is the price of', 'menu of services', 'can you tell me your rates', 'how much do you charge', 'do you do',
      'list of services', 'what kinds of appointments are there',
    ],
    book: [
      'I want to book an appointment', 'can I make an appointment', 'book me in', 'I would like to book', 'I need an appointment', 'can I come in tomorrow',
      'do you have any availability', 'any free slots', 'I want to make a reservation', 'schedule an appointment', 'can I book for friday', 'book a table',
      'is there a slot available', 'I would like to come in next week', 'make a booking', 'reserve a spot', 'can you fit me in', 'available times',
    ],
    cancel: [
      'cancel my appointment', 'I need to cancel', 'please cancel my booking', 'I want to cancel my reservation', 'I cannot come', "I can't make it",
      'cancel the appointment on friday', 'call off my booking', 'I will not be able to attend', 'delete my booking',
    ],
    reschedule: [
      'I want to reschedule', 'can I move my appointment', 'change my booking to another day', 'can we change the time', 'I need a different time',
      'move it to friday', 'postpone my appointment', 'can I come later instead', 'switch my appointment', 'change the date of my reservation',
    ],
    my_bookings: [
      'when is my appointment', 'do I have a booking', 'what are my bookings', 'show my appointments', 'did my booking go through', 'what time is my appointment',
      'check my reservation', 'my appointments', 'is my booking confirmed', 'remind me when I am booked',
    ],
    human: [
      'I want to talk to a person', 'can I speak to someone', 'put me through to a human', 'real person please', 'let me talk to the manager',
      'I need to speak with staff', 'connect me to an agent', 'can someone call me', 'I want a human', 'is there a person I can talk to',
      'are you a bot', 'are you a robot', 'are you real',
    ],
    thanks: ['thanks', 'thank you', 'thank you very much', 'thanks a lot', 'cheers', 'great thanks', 'perfect thank you', 'much appreciated', 'thx', 'ty', 'brilliant thanks', 'awesome'],
    smalltalk: [
      'how are you', 'who are you', 'what is your name', 'nice to meet you', 'how is your day', 'tell me a joke',
      'what can you do', 'what can you help me with', 'lol', 'ok', 'cool',
    ],
  },
  es: {
    greeting: ['hola', 'buenos días', 'buenas tardes', 'buenas noches', 'buenas', 'hola qué tal', 'hola buenas', 'saludos', 'hey hola', 'holaa', 'hola hay alguien'],
    hours: [
      'cuál es el horario', 'a qué hora abren', 'a qué hora cierran', 'están abiertos ahora', 'abren hoy', 'abren el sábado', 'abren los domingos', 'horario de apertura',
      'hasta qué hora están abiertos', 'qué días abren', 'horario por favor', 'abren mañana', 'cuándo cierran hoy', 'están abiertos en festivos', 'a qué hora abrís',
    ],
    location: [
      'dónde están', 'dónde están ubicados', 'cuál es la dirección', 'dirección por favor', 'cómo llego', 'dónde está la clínica', 'mándame la ubicación',
      'me pasas un mapa', 'en qué calle están', 'ubicación', 'cómo os encuentro', 'dónde queda',
    ],
    services: [
      'qué servicios ofrecen', 'qué hacéis', 'cuánto cuesta', 'cuáles son los precios', 'lista de precios', 'cuánto vale', 'qué tratamientos tienen', 'ofrecen',
      'cuánto dura', 'cuál es el precio de', 'tarifas', 'cuánto cobran', 'hacen', 'lista de servicios',
    ],
    book: [
      'quiero pedir cita', 'quiero reservar', 'me gustaría reservar una cita', 'necesito una cita', 'puedo ir mañana', 'tienen disponibilidad', 'hay huecos libres',
      'quiero hacer una reserva', 'agendar una cita', 'puedo reservar para el viernes', 'reservar mesa', 'hay algún hueco', 'quisiera ir la semana que viene',
      'me dais cita', 'pedir hora', 'qué horas tenéis libres',
    ],
    cancel: [
      'quiero cancelar mi cita', 'necesito cancelar', 'cancela mi reserva por favor', 'anular la cita', 'no puedo ir', 'no voy a poder ir', 'cancelar la cita del viernes',
      'borra mi reserva', 'anula mi reserva', 'no podré asistir',
    ],
    reschedule: [
      'quiero cambiar la cita', 'puedo mover mi cita', 'cambiar mi reserva a otro día', 'podemos cambiar la hora', 'necesito otra hora', 'muévela al viernes',
      'aplazar mi cita', 'reprogramar la cita', 'cambiar la fecha de la reserva', 'puedo ir más tarde en vez de',
    ],
    my_bookings: [
      'cuándo es mi cita', 'tengo alguna reserva', 'cuáles son mis citas', 'mis reservas', 'se hizo mi reserva', 'a qué hora es mi cita', 'comprobar mi reserva',
      'mis citas', 'está confirmada mi cita', 'recuérdame cuándo tengo cita',
    ],
    human: [
      'quiero hablar con una persona', 'puedo hablar con alguien', 'pásame con un humano', 'una persona real por favor', 'quiero hablar con el encargado',
      'necesito hablar con el personal', 'ponme con un agente', 'que me llame alguien', 'quiero un humano', 'hay alguien con quien hablar',
      'eres un bot', 'eres un robot', 'eres real',
    ],
    thanks: ['gracias', 'muchas gracias', 'mil gracias', 'gracias de nuevo', 'perfecto gracias', 'genial gracias', 'te lo agradezco', 'muy amable', 'vale gracias', 'graciass'],
    smalltalk: [
      'cómo estás', 'quién eres', 'cómo te llamas', 'encantado', 'qué tal tu día', 'cuéntame un chiste',
      'qué puedes hacer', 'en qué me puedes ayudar', 'jaja', 'ok', 'guay',
    ],
  },
};
