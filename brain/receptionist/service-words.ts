/**
 * Words that name the same thing in English and Spanish, for the services customers ask for in
 * the other language than the business wrote its list in ("portrait session" for "Sesión de
 * retrato", "revisión básica" for "Basic service", "se me pinchó la rueda" for "Puncture repair").
 * Each group is one meaning; a service word of one group is met by any word of it. Written without
 * accents, as normalize() leaves text.
 *
 * `generic` groups say little alone ("service", "sesión"): they help a longer name match, and never
 * name a service on their own. The FAQ matcher reads the same lexicon, with its topic groups.
 */
const SPECIFIC: readonly string[][] = [
  ['puncture', 'flat', 'pinchazo', 'pinchado', 'pinchada', 'pincho', 'pinche', 'pinchar', 'ponchadura', 'ponchada', 'ponchado', 'ponchar'],
  ['portrait', 'headshot', 'retrato'],
  ['family', 'familia', 'familiar'],
  ['newborn', 'recien nacido', 'bebe', 'baby'],
  ['passport', 'pasaporte'],
  ['wheel', 'rueda'],
  ['tyre', 'tire', 'neumatico', 'cubierta'],
  ['brake', 'freno'],
  ['gear', 'gears'],
  ['electric', 'ebike', 'e bike', 'electrica', 'electrico'],
  ['battery', 'bateria'],
  ['bike', 'bicycle', 'bici', 'bicicleta'],
  ['massage', 'masaje'],
  ['manicure', 'manicura'],
  ['pedicure', 'pedicura'],
  ['nail', 'unas'],
  ['eyebrow', 'brow', 'ceja'],
  ['lash', 'eyelash', 'pestana'],
  ['extension', 'extensione'],
  ['lamination', 'laminado', 'planchado'],
  ['tint', 'tinte'],
  ['refill', 'infill', 'fill', 'retoque', 'relleno'],
  ['volume', 'volumen'],
  ['classic', 'clasica', 'clasico'],
  ['haircut', 'corte de pelo'],
  ['beard', 'barba'],
  ['shave', 'afeitado', 'afeitar', 'rasurado'],
  ['towel', 'toalla'],
  ['hot', 'caliente'],
  ['fade', 'degradado', 'desvanecido'],
  ['facial'],
  ['relaxing', 'relax', 'relajante', 'relajacion'],
  ['colour', 'color', 'coloracion'],
  ['highlight', 'mecha', 'reflejo'],
  ['wax', 'waxing', 'depilacion', 'cera'],
  ['cleaning', 'cleanse', 'limpieza'],
  ['whitening', 'blanqueamiento'],
  ['filling', 'empaste'],
  ['extraction', 'extraccion'],
  ['tattoo', 'tatuaje'],
  ['piercing', 'perforacion'],
  ['physio', 'physiotherapy', 'fisio', 'fisioterapia'],
  ['dog', 'perro', 'perra'],
  ['bath', 'wash', 'bano', 'lavado'],
  ['kid', 'child', 'children', 'daughter', 'boy', 'girl', 'nino', 'nina', 'hijo', 'hija', 'infantil'],
  ['men', 'gent', 'hombre', 'caballero'],
  ['women', 'ladie', 'lady', 'mujer', 'senora', 'dama'],
  ['hair', 'pelo', 'cabello'],
  ['photo', 'picture', 'foto', 'fotografia'],
  ['wedding', 'boda'],
  ['pregnancy', 'prenatal', 'embarazo', 'embarazada'],
  ['consultation', 'consult', 'consulta'],
  // The nouns of lessons, sports, spas, car washes and trainers that tourists say in their own language.
  ['race', 'heat', 'carrera', 'tanda'],
  ['game', 'match', 'partida', 'partido'],
  ['circuit', 'circuito'],
  ['hole', 'hoyo'],
  ['engine', 'motor'],
  ['upholstery', 'tapizado', 'tapiceria'],
  ['seat', 'asiento', 'butaca'],
  ['polish', 'pulido', 'abrillantado'],
  ['training', 'entrenamiento', 'entreno', 'adiestramiento'],
  ['partner', 'couple', 'pareja'],
  ['double', 'doble'],
  ['beginner', 'principiante', 'iniciacion'],
  ['assessment', 'evaluacion', 'valoracion'],
  ['scrub', 'exfoliation', 'exfoliacion', 'exfoliante'],
  ['stretch', 'stretching', 'estiramiento'],
  ['mobility', 'movilidad'],
  ['boxing', 'boxeo'],
  ['birthday', 'cumpleanos', 'cumple'],
  ['puppy', 'cachorro'],
  ['behaviour', 'behavior', 'conducta', 'comportamiento'],
  ['thermal', 'termal', 'termale'],
  // Vehicles, their inspection (the MOT a British driver says for an ITV) and its retest.
  ['motorbike', 'motorcycle', 'motocicleta', 'moto', 'ciclomotor', 'moped'],
  ['van', 'furgoneta', 'furgo'],
  ['motorhome', 'campervan', 'camper', 'autocaravana'],
  ['inspection', 'inspect', 'mot', 'itv', 'inspeccion', 'vtv', 'roadworthy'],
  ['retest', 'reinspection', 'reinspeccion', 'reinspect'],
  ['fail', 'desfavorable', 'suspendida', 'suspendido'],
  // Household appliances, in British, American, Spanish and Latin American words.
  ['fridge', 'refrigerator', 'refrigerador', 'refri', 'nevera', 'frigorifico', 'frigo', 'heladera'],
  ['freezer', 'congelador'],
  ['washer', 'washing machine', 'lavadora', 'lavarropa'],
  ['dryer', 'tumble dryer', 'secadora'],
  ['dishwasher', 'lavavajilla', 'lavaplato'],
  ['oven', 'horno'],
  ['stove', 'cooker', 'hob', 'estufa', 'fogon', 'anafe'],
  ['burner', 'hornilla', 'hornalla', 'quemador'],
  ['air conditioning', 'air conditioner', 'aircon', 'aire acondicionado', 'minisplit', 'mini split'],
  ['appliance', 'electrodomestico'],
  ['diagnosis', 'diagnostic', 'diagnostico'],
  // Places to play by the hour, and the games.
  ['lane', 'pista', 'carril'],
  ['court', 'cancha', 'pista'],
  ['bowling', 'bolo', 'boliche', 'bolera'],
  ['party', 'fiesta'],
  // Shops' orders and their collection.
  ['order', 'pedido', 'encargo'],
  ['pickup', 'recoleccion', 'recogida'],
];
const GENERIC: readonly string[][] = [
  ['service', 'servicio', 'revision', 'mantenimiento', 'puesta a punto', 'tune up'],
  ['session', 'sesion', 'clase', 'class'],
  ['lesson', 'leccion', 'clase', 'class'],
  ['hour', 'hora'],
  ['private', 'privado', 'privada', 'particular'],
  ['express', 'expres', 'quick', 'rapido', 'rapida'],
  ['basic', 'basica', 'basico', 'sencilla', 'sencillo'],
  ['full', 'complete', 'completa', 'completo', 'integral'],
  ['check', 'revision', 'chequeo', 'control'],
  ['repair', 'arreglo', 'reparacion'],
  ['cut', 'corte'],
  ['small', 'pequeno', 'pequena'],
  ['deep', 'profunda', 'profundo'],
  ['sport', 'sports', 'deportivo', 'deportiva'],
  // A car is what every garage, wash and inspection is for: it helps a longer name ("itv coche"), and is no FAQ's topic.
  ['car', 'coche', 'carro', 'auto', 'automovil', 'turismo'],
];

/**
 * What FAQ entries are about — policies, payment, deposits, what to bring, insurance, parking,
 * pets, access — for the questions asked in the other language than the business wrote its FAQ in
 * ("aceptan efectivo?" for "How do I pay?" with the keyword "cash"). Words with a second everyday
 * meaning stay out: "tarde" (afternoon), "seguro" (sure, safe), "llevar" (to take).
 */
const TOPICS: readonly string[][] = [
  ['cancel', 'cancellation', 'cancelar', 'cancelo', 'cancelamos', 'cancelacion', 'anular', 'anulo', 'anulamos', 'anulacion'],
  ['late', 'tardanza', 'retraso', 'atraso', 'llego tarde', 'llegar tarde', 'llegamos tarde'],
  ['no show', 'no shows', 'falto', 'faltar', 'no me presento', 'no presentarse'],
  ['pay', 'payment', 'pagar', 'pago', 'pagos', 'pagamos'],
  ['card', 'tarjeta', 'credit card', 'debit card', 'tarjeta de credito', 'tarjeta de debito'],
  ['cash', 'efectivo'],
  ['transfer', 'bank transfer', 'transferencia'],
  ['deposit', 'deposito', 'senal', 'adelanto', 'anticipo', 'fianza', 'abono'],
  ['refund', 'money back', 'reembolso', 'devolucion', 'devuelve', 'devuelven', 'devolveis', 'devolvemos'],
  ['fee', 'penalty', 'penalizacion', 'penalidad', 'recargo'],
  ['parking', 'park', 'aparcar', 'aparcamiento', 'estacionamiento', 'estacionar', 'parqueo', 'parqueadero', 'cochera'],
  ['insurance', 'insured', 'insurer', 'aseguradora', 'mutua', 'seguro medico', 'obra social', 'prepaga'],
  ['wear', 'clothes', 'clothing', 'outfit', 'ropa', 'vestir', 'me pongo'],
  ['bring', 'traer', 'traigo', 'traemos'],
  ['free', 'gratis', 'gratuito', 'gratuita', 'sin costo', 'sin coste'],
  ['gift', 'voucher', 'gift card', 'gift voucher', 'regalo', 'tarjeta regalo', 'vale regalo', 'bono regalo', 'cheque regalo'],
  ['pet', 'mascota', 'animal'],
  ['cat', 'gato', 'gata'],
  ['online', 'zoom', 'virtual', 'remote', 'videollamada', 'en linea', 'a distancia'],
  ['shower', 'ducha'],
  ['changing room', 'vestuario'],
  ['locker', 'taquilla'],
  ['rent', 'hire', 'rental', 'alquilar', 'alquiler', 'alquilais', 'alquilan'],
  ['racket', 'raqueta', 'pala'],
  ['delivery', 'deliver', 'a domicilio', 'domicilio', 'reparto', 'envio'],
  ['pick up', 'collect', 'collection', 'recoger', 'recogida', 'recogeis', 'recogen'],
  ['referral', 'derivacion', 'volante', 'orden medica'],
  ['invoice', 'receipt', 'factura', 'recibo'],
  ['walk in', 'walk ins', 'without an appointment', 'without appointment', 'sin cita', 'sin reserva'],
  ['wheelchair', 'silla de ruedas'],
  ['accessible', 'accesible', 'accessibility', 'accesibilidad'],
  ['stairs', 'escaleras'],
  ['lift', 'elevator', 'ascensor'],
  ['vegetarian', 'vegetariano', 'vegetariana'],
  ['vegan', 'vegano', 'vegana'],
  ['hurt', 'pain', 'painful', 'duele', 'dolor', 'doloroso'],
  ['minor', 'menor', 'menores', 'under 18', 'menor de edad'],
  ['age', 'edad'],
  ['homework', 'deberes', 'tarea', 'tareas'],
  ['report', 'informe'],
  ['school', 'colegio', 'cole', 'escuela'],
  ['rain', 'raining', 'lluvia', 'llueve', 'llover'],
  ['member', 'membership', 'socio', 'socia', 'socios'],
  ['discount', 'descuento'],
  ['pack', 'package', 'bundle', 'bono', 'bonos', 'paquete'],
  ['allergy', 'allergic', 'alergia', 'alergica', 'alergico'],
  ['wifi', 'wi fi', 'internet'],
  ['language', 'idioma'],
  ['english', 'ingles'],
  ['spanish', 'espanol', 'castellano'],
  ['warranty', 'guarantee', 'garantia'],
  ['wait', 'esperar', 'espero'],
];

/** Phrases of the groups, longest first, each to be read as one word ("recien nacido" → "recien_nacido"). */
const PHRASES = [...SPECIFIC, ...GENERIC, ...TOPICS].flat().filter((w) => w.includes(' ')).sort((a, b) => b.length - a.length);
const PHRASE_RE = new RegExp(`(?<= |^)(${PHRASES.join('|')})(?= |$)`, 'g');

/** Normalised text with the lexicon's phrases joined into single words. */
export function joinPhrases(normalized: string): string {
  return normalized.replace(PHRASE_RE, (p) => p.replace(/ /g, '_'));
}

export interface ServiceWords {
  /** Every word that means the same as `word`, itself included. */
  same(word: string): ReadonlySet<string>;
  /** Whether `word` is one of the lexicon's and means something alone ("shave"; not "service", nor a word it lacks). */
  specific(word: string): boolean;
  /** Whether `word` says only something generic ("service", "check", "control"): no FAQ's topic. */
  generic(word: string): boolean;
}

/** The lexicon with its words in the form `key` gives them (the service matcher's singular, stemmed form). */
export function serviceWords(key: (word: string) => string): ServiceWords {
  const same = new Map<string, Set<string>>();
  const specific = new Set<string>();
  const generic = new Set<string>();
  const add = (groups: readonly string[][], kind: 'specific' | 'generic' | 'topic') => {
    for (const group of groups) {
      const keyed = group.map((w) => key(w.replace(/ /g, '_')));
      for (const w of keyed) {
        const set = same.get(w) ?? new Set([w]);
        for (const other of keyed) set.add(other);
        same.set(w, set);
        if (kind === 'specific') specific.add(w);
        if (kind === 'generic') generic.add(w);
      }
    }
  };
  add(SPECIFIC, 'specific');
  add(GENERIC, 'generic');
  // A topic word names no service alone: "tarjeta" is no "Gift card" session.
  add(TOPICS, 'topic');
  return {
    same: (word) => same.get(word) ?? new Set([word]),
    specific: (word) => specific.has(word),
    generic: (word) => generic.has(word) && !specific.has(word),
  };
}
