import { z } from 'zod';

// Its own module (not core/profile.ts) so a gateway reads the policy without loading the profile's
// YAML and time-zone libraries: about 19 MB of an idle gateway's memory.

/** What the receptionist does with what is not text (voice notes, photos, calls…). */
export const MediaPolicySchema = z
  .object({
    /** transcribe: when a transcription server is configured (TRANSCRIBE_BASE_URL), answer what was said; otherwise ask to type. */
    voiceNotes: z.enum(['transcribe', 'ask_to_type'], { error: 'expected transcribe or ask_to_type' }).default('transcribe'),
    /** Tell staff (through the escalation channel) about voice notes not understood, files, contact cards and calls. */
    notifyStaff: z.boolean().default(true),
    /** Decline WhatsApp calls at once, and answer the caller with a message. */
    rejectCalls: z.boolean().default(true),
    /** At most one call message per caller in this many minutes: a redialling customer is not flooded. */
    callReplyWindowMinutes: z.number().int().min(1).max(7 * 24 * 60).default(60),
    /** Photos, videos and documents kept under the tenant's data folder, up to this many MB in all (0 keeps none). */
    quotaMB: z.number().int().min(0).max(10_240).default(200),
  })
  .strict();
export type MediaPolicy = z.output<typeof MediaPolicySchema>;
export const MEDIA_DEFAULTS: MediaPolicy = { voiceNotes: 'transcribe', notifyStaff: true, rejectCalls: true, callReplyWindowMinutes: 60, quotaMB: 200 };
