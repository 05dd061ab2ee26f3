import type { Language } from '../../core/profile.js';

/**
 * Which of the two languages a customer wrote in, only when the message says so clearly: a
 * conversation keeps its language through "ok", "10am" or a name, and switches when the customer
 * does. Function words and booking vocabulary, counted on normalised text (no accents).
 */
const MARKERS: Record<Language, RegExp> = {
  en: /\b(hi|hello|hey|i|im|i'm|want|would|like|book|booking|appointment|please|thanks|thank|tomorrow|when|where|open|opening|closed|price|how|much|need|my|your|you|the|is|are|can|could|what|time|today|morning|afternoon|do|does|have|and|for|with|this|next|week)\b/g,
  es: /\b(hola|quiero|quisiera|cita|reservar|reserva|gracias|favor|manana|tengo|puedo|puede|cuando|donde|horario|abren|abierto|cerrado|precio|cuanto|cuesta|necesito|buenos|buenas|dias|tardes|para|una|con|los|las|del|esta|estoy|muy|que|por|mi|tienen|hay|hoy|semana|proxima|y|el|la|de|es)\b/g,
};

export function detectLanguage(normalized: string): Language | undefined {
  const en = normalized.match(MARKERS.en)?.length ?? 0;
  const es = normalized.match(MARKERS.es)?.length ?? 0;
  if (en >= 2 && en >= 2 * es) return 'en';
  if (es >= 2 && es >= 2 * en) return 'es';
  return undefined;
}
