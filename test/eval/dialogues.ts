/**
 * Scripted conversations with the demo clinic and the bookings they must end with. The clock is
 * fixed: Monday 16 March 2026, 11:00 in Madrid (open). Each step is sent a minute after the last.
 */
export interface Dialogue {
  name: string;
  lang: 'en' | 'es';
  /** Bookings that exist before the dialogue; `mine` ones belong to the dialogue's customer. */
  setup?: { serviceId: string; start: string; mine?: boolean }[];
  steps: string[];
  /** Every booking of the dialogue's customer at the end, by local start. */
  expect: { serviceId: string; start: string; status: 'confirmed' | 'cancelled' }[];
}

export const NOW = '2026-03-16T10:00:00Z';

export const DIALOGUES: Dialogue[] = [
  { name: 'book step by step', lang: 'en', steps: ["I'd like to book a cleaning", 'tomorrow', 'at 10', 'Ana Garcia', 'yes'], expect: [{ serviceId: 'cleaning', start: '2026-03-17T10:00', status: 'confirmed' }] },
  { name: 'service, day and time in one message', lang: 'en', steps: ['Book a check-up on Thursday at 4pm', 'John Smith', 'YES'], expect: [{ serviceId: 'checkup', start: '2026-03-19T16:00', status: 'confirmed' }] },
  { name: '"at 5" means 17:00 when 05:00 is closed', lang: 'en', steps: ['I want a filling tomorrow at 5', 'Maria', 'yes please'], expect: [{ serviceId: 'filling', start: '2026-03-17T17:00', status: 'confirmed' }] },
  {
    name: 'taken slot: picks the second offer',
    lang: 'en',
    setup: [{ serviceId: 'checkup', start: '2026-03-17T10:00' }],
    steps: ['book a check-up tomorrow at 10', '2', 'Tom Baker', 'yes'],
    expect: [{ serviceId: 'checkup', start: '2026-03-17T09:30', status: 'confirmed' }],
  },
  { name: 'declines at the confirmation', lang: 'en', steps: ['I want to book whitening on Wednesday at 10am', 'Kate', 'no'], expect: [] },
  { name: 'closed day, then another day', lang: 'en', steps: ['book a cleaning on sunday', 'monday at 9', 'Lucy', 'yes'], expect: [{ serviceId: 'cleaning', start: '2026-03-23T09:00', status: 'confirmed' }] },
  { name: 'a past time, then a future one', lang: 'en', steps: ['book a cleaning yesterday at 3pm', 'tomorrow at 4pm', 'Paul', 'ok'], expect: [{ serviceId: 'cleaning', start: '2026-03-17T16:00', status: 'confirmed' }] },
  { name: 'an impossible date, then a real one', lang: 'en', steps: ['book a check-up on 30 February', '20 March at 10am', 'Nina', 'yes'], expect: [{ serviceId: 'checkup', start: '2026-03-20T10:00', status: 'confirmed' }] },
  { name: 'cancels the only booking', lang: 'en', setup: [{ serviceId: 'cleaning', start: '2026-03-18T10:00', mine: true }], steps: ['I need to cancel my appointment', 'yes'], expect: [{ serviceId: 'cleaning', start: '2026-03-18T10:00', status: 'cancelled' }] },
  { name: 'keeps the booking when the cancel is declined', lang: 'en', setup: [{ serviceId: 'cleaning', start: '2026-03-18T10:00', mine: true }], steps: ['cancel my booking', 'no'], expect: [{ serviceId: 'cleaning', start: '2026-03-18T10:00', status: 'confirmed' }] },
  { name: 'reschedules in one message', lang: 'en', setup: [{ serviceId: 'cleaning', start: '2026-03-18T10:00', mine: true }], steps: ['Can I move my appointment to Friday at 11am?', 'yes'], expect: [{ serviceId: 'cleaning', start: '2026-03-20T11:00', status: 'confirmed' }] },
  {
    name: 'cancels the second of two bookings',
    lang: 'en',
    setup: [{ serviceId: 'cleaning', start: '2026-03-18T10:00', mine: true }, { serviceId: 'checkup', start: '2026-03-19T12:00', mine: true }],
    steps: ['cancel my appointment', '2', 'yes'],
    expect: [{ serviceId: 'cleaning', start: '2026-03-18T10:00', status: 'confirmed' }, { serviceId: 'checkup', start: '2026-03-19T12:00', status: 'cancelled' }],
  },
  { name: 'too little notice: takes the first offer', lang: 'en', steps: ['book a check-up today at 11:30', '1', 'Sam', 'yes'], expect: [{ serviceId: 'checkup', start: '2026-03-16T13:30', status: 'confirmed' }] },
  { name: 'unknown service, then a real one', lang: 'en', steps: ['I want to book a massage', 'cleaning', 'tomorrow 9am', 'Zoe', 'yes'], expect: [{ serviceId: 'cleaning', start: '2026-03-17T09:00', status: 'confirmed' }] },
  {
    name: 'a second booking reuses the name',
    lang: 'en',
    steps: ['book a cleaning tomorrow at 10', 'Ana', 'yes', 'also book a check-up on friday at 10', 'yes'],
    expect: [{ serviceId: 'cleaning', start: '2026-03-17T10:00', status: 'confirmed' }, { serviceId: 'checkup', start: '2026-03-20T10:00', status: 'confirmed' }],
  },
  { name: 'reserva en un mensaje', lang: 'es', steps: ['Quiero pedir cita para una limpieza mañana a las 10', 'Carmen López', 'sí'], expect: [{ serviceId: 'cleaning', start: '2026-03-17T10:00', status: 'confirmed' }] },
  { name: 'reserva paso a paso, "a las 5" por la tarde', lang: 'es', steps: ['quiero una revisión', 'el jueves a las 5', 'Pedro', 'vale'], expect: [{ serviceId: 'checkup', start: '2026-03-19T17:00', status: 'confirmed' }] },
  { name: 'cancela su cita', lang: 'es', setup: [{ serviceId: 'filling', start: '2026-03-18T16:00', mine: true }], steps: ['quiero cancelar mi cita', 'sí'], expect: [{ serviceId: 'filling', start: '2026-03-18T16:00', status: 'cancelled' }] },
  { name: 'cambia su cita', lang: 'es', setup: [{ serviceId: 'checkup', start: '2026-03-18T10:00', mine: true }], steps: ['quiero cambiar mi cita', 'el viernes a las 12', 'sí'], expect: [{ serviceId: 'checkup', start: '2026-03-20T12:00', status: 'confirmed' }] },
  { name: 'demasiado lejos, luego una fecha válida', lang: 'es', steps: ['reserva una limpieza el 30 de junio a las 10', 'el 18 de marzo a las 10', 'Lola', 'sí'], expect: [{ serviceId: 'cleaning', start: '2026-03-18T10:00', status: 'confirmed' }] },
  // Issue 13: follow-ups keep what was agreed, corrections make a new proposal, YES confirms only the last one.
  { name: 'follow-up "ok 5pm then" keeps service and day', lang: 'en', setup: [{ serviceId: 'checkup', start: '2026-03-17T10:00' }], steps: ['book a check-up tomorrow at 10', 'ok 5pm then', 'Tom', 'yes'], expect: [{ serviceId: 'checkup', start: '2026-03-17T17:00', status: 'confirmed' }] },
  { name: 'follow-up "same time but on Wednesday" keeps the time', lang: 'en', setup: [{ serviceId: 'checkup', start: '2026-03-17T10:00' }], steps: ['book a check-up tomorrow at 10', 'same time but on Wednesday', 'Tom', 'yes'], expect: [{ serviceId: 'checkup', start: '2026-03-18T10:00', status: 'confirmed' }] },
  { name: 'follow-up "the second one"', lang: 'en', setup: [{ serviceId: 'checkup', start: '2026-03-17T10:00' }], steps: ['book a check-up tomorrow at 10', 'the second one', 'Tom', 'go ahead'], expect: [{ serviceId: 'checkup', start: '2026-03-17T09:30', status: 'confirmed' }] },
  { name: 'a correction while the proposal waits makes a new one', lang: 'en', steps: ['book a cleaning tomorrow at 10', 'Ana', 'actually can we make it 12', 'yes'], expect: [{ serviceId: 'cleaning', start: '2026-03-17T12:00', status: 'confirmed' }] },
  { name: '"can we change it to" corrects the booking being made', lang: 'en', steps: ['book a cleaning tomorrow at 10', 'Ana', 'can we change it to 11:30?', 'ok yes'], expect: [{ serviceId: 'cleaning', start: '2026-03-17T11:30', status: 'confirmed' }] },
  { name: '"hmm not sure" keeps the proposal waiting', lang: 'en', steps: ['book a cleaning tomorrow at 10', 'Ana', 'hmm not sure', 'yes 👍'], expect: [{ serviceId: 'cleaning', start: '2026-03-17T10:00', status: 'confirmed' }] },
  { name: '"no wait" is not a yes', lang: 'en', steps: ['book a cleaning tomorrow at 10', 'Ana', 'no wait', 'yes'], expect: [] },
  { name: 'half past, weekday with its date', lang: 'en', steps: ['can I come in for a check-up on Thursday the 19th at half 4', 'Sam', 'yes that works'], expect: [{ serviceId: 'checkup', start: '2026-03-19T16:30', status: 'confirmed' }] },
  { name: 'a weekday in the wrong week is the nearest one with that date', lang: 'en', steps: ['book a check-up Thursday the 26th at 10am', 'Sam', 'yes'], expect: [{ serviceId: 'checkup', start: '2026-03-26T10:00', status: 'confirmed' }] },
  { name: 'weekday and date disagree: asks, keeps the time', lang: 'en', steps: ['book a cleaning on Friday the 19th at 10', 'Thursday', 'Kim', 'ok yes'], expect: [{ serviceId: 'cleaning', start: '2026-03-19T10:00', status: 'confirmed' }] },
  { name: 'closed day: offers the nearest open slots', lang: 'en', steps: ['book a cleaning on sunday at 10', '1', 'Lucy', 'yes'], expect: [{ serviceId: 'cleaning', start: '2026-03-23T09:00', status: 'confirmed' }] },
  { name: 'seguimiento "a la misma hora el miércoles"', lang: 'es', setup: [{ serviceId: 'checkup', start: '2026-03-17T10:00' }], steps: ['quiero una revisión mañana a las 10', 'a la misma hora el miércoles', 'Ana', 'sí'], expect: [{ serviceId: 'checkup', start: '2026-03-18T10:00', status: 'confirmed' }] },
  { name: 'seguimiento "vale, pues a las 12"', lang: 'es', steps: ['quiero una limpieza el jueves', 'vale, pues a las 12', 'Ana', 'vale sí'], expect: [{ serviceId: 'cleaning', start: '2026-03-19T12:00', status: 'confirmed' }] },
  { name: 'corrección "mejor a las 7, se puede?"', lang: 'es', steps: ['quiero una limpieza mañana a las 5', 'Luis', 'mejor a las 7, se puede?', 'sí, confírmalo'], expect: [{ serviceId: 'cleaning', start: '2026-03-17T19:00', status: 'confirmed' }] },
  { name: '"el jueves 19 a las 5 y media"', lang: 'es', steps: ['quiero pedir cita para una limpieza el jueves 19 a las 5 y media', 'Marta', 'vale sí'], expect: [{ serviceId: 'cleaning', start: '2026-03-19T17:30', status: 'confirmed' }] },
  { name: '"mejor no" no confirma', lang: 'es', steps: ['quiero una limpieza mañana a las 10', 'Marta', 'mejor no'], expect: [] },
];
