import { z } from 'zod';
import { MESSAGE_KINDS } from './inbound.js';
import { TENANT_ID_PATTERN } from './paths.js';
import { stripControl } from './text.js';

/**
 * What wr's programs send each other over HTTP, as zod schemas that both sides import: the sender
 * builds the type, the receiver parses with the schema, and a renamed field fails at compile time
 * in both instead of at run time in one.
 */

// ── WhatsApp session (gateway → monitor, console) ─────────────────────────────

export const WA_STATUSES = ['connecting', 'qr', 'connected', 'disconnected', 'logged_out', 'parked'] as const;
export type WaStatus = (typeof WA_STATUSES)[number];

export const DisconnectSchema = z.object({ code: z.number().nullable(), reason: z.string(), at: z.string() });
export type Disconnect = z.infer<typeof DisconnectSchema>;

/** GET /health of a gateway. */
export const GatewayHealthSchema = z.object({
  tenant: z.string(),
  status: z.enum(WA_STATUSES),
  handoffMode: z.boolean(),
  lastSeen: z.string().nullable(),
  connectedSince: z.string().nullable(),
  reconnects: z.number(),
  lastDisconnect: DisconnectSchema.nullable(),
  parkedReason: z.string().nullable(),
  queue: z.object({ pending: z.number(), failed: z.number() }),
  /** Customer messages received since midnight (server time). */
  messagesToday: z.number(),
  /** Messages WhatsApp delivered but could not decrypt in the last hour: many mean "connected but receiving nothing". */
  undecryptableLastHour: z.number(),
  /** Why the last inbound messages could not be stored (disk full…); null once storing works again. */
  storeError: z.string().nullable(),
  /** Why the brain refuses this gateway's key or tenant (messages wait meanwhile); null once it answers. */
  authError: z.string().nullable(),
  /** Received messages that could not be stored and found no room in the spill file either: a crash loses them. */
  heldInMemory: z.number(),
});
export type GatewayHealth = z.infer<typeof GatewayHealthSchema>;

/**
 * The PM2 bus message `wr:qr` (gateway → console): a pairing QR as the gateway shows it. The
 * console draws it for the operator to scan, so a malformed one must not reach the screen.
 */
export const QrEventSchema = z.object({
  tenant: z.string().regex(TENANT_ID_PATTERN),
  // A WhatsApp QR string is ~200-260 characters.
  qr: z.string().min(1).max(2048),
  expiresAt: z.iso.datetime(),
});
export type QrEvent = z.infer<typeof QrEventSchema>;

// ── Chat (gateway → brain) ─────────────────────────────────────────────────────

export const SenderSchema = z.string().regex(/^[\w+@.:-]{1,64}$/, 'sender must be a phone number or WhatsApp id (letters, digits, + @ . : - _; at most 64)');

/** POST /api/chat. */
export const ChatRequestSchema = z.object({
  message: z
    .string({ error: 'message is required' })
    .max(4096, 'message is over 4096 characters')
    .transform(stripControl)
    .refine((s) => s.trim().length > 0, 'message is empty'),
  sender: z.string({ error: 'sender is required' }).pipe(SenderSchema),
  timestamp: z.iso.datetime({ offset: true, error: 'timestamp must be ISO 8601 with a zone, like 2026-03-16T10:00:00Z' }).optional(),
  // eslint-disable-next-line no-control-regex
  messageId: z.string().min(1).max(128).regex(/^[^\u0000-\u001f\u007f-\u009f]+$/, 'messageId has control characters').optional(),
  senderName: z.string().max(100).transform(stripControl).optional(),
  /** Set by the gateway while a person handles this chat: store the message, say nothing. */
  handoff: z.boolean().optional(),
  /** What the customer sent. For anything but text, `message` is the record line ("[voice note 0:14]"). */
  kind: z.enum(MESSAGE_KINDS, { error: `kind must be one of: ${MESSAGE_KINDS.join(', ')}` }).optional(),
  /** Words that came with a photo, video or document: answered like a text. */
  caption: z.string().max(4096).transform(stripControl).optional(),
  /** What a voice note said (transcribed by the gateway): answered like a text, prefixed with "You said". */
  transcript: z.string().max(4096).transform(stripControl).optional(),
  /** What became of the file, for staff: "kept as <file name>", or why it was not kept or transcribed. */
  fileNote: z.string().max(300).transform(stripControl).optional(),
});
/** What the brain reads (control characters stripped). */
export type ChatRequest = z.output<typeof ChatRequestSchema>;
/** What a client sends. */
export type ChatRequestBody = z.input<typeof ChatRequestSchema>;

/** POST /api/chat's answer, as far as a client relies on it; `reply` null means stay silent. */
export const ChatReplySchema = z.object({
  reply: z.string().nullable(),
  intent: z.string(),
  actions: z.array(z.object({ tool: z.string(), status: z.string() }).loose()),
  conversationId: z.number(),
  escalated: z.boolean(),
  handoff: z.boolean(),
  /** The business's pin, sent as a WhatsApp location message after the reply (asked where it is, and the profile has coordinates). */
  location: z
    .object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), name: z.string().max(200), address: z.string().max(300).optional() })
    .optional(),
});
export type ChatReply = z.infer<typeof ChatReplySchema>;

// ── Escalations (brain → console, monitor) ─────────────────────────────────────

/** One escalation as GET /api/escalations lists it; times are ISO 8601. */
export const EscalationSchema = z.object({
  id: z.number().int(),
  conversationId: z.number().int().nullable(),
  sender: z.string(),
  summary: z.string(),
  status: z.enum(['pending', 'resolved']),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
});
export type EscalationView = z.infer<typeof EscalationSchema>;

export const EscalationListSchema = z.object({ escalations: z.array(EscalationSchema) });

/**
 * A notice for the business's escalation contacts that a customer needs a person:
 * pending → queued (the monitor stored it in its own outbox) → delivered, or dead.
 */
export const NOTICE_STATUSES = ['pending', 'queued', 'delivered', 'dead'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

export const EscalationContactSchema = z.object({ name: z.string(), phone: z.string().nullable(), telegramChatId: z.string().nullable() });
export type EscalationContact = z.infer<typeof EscalationContactSchema>;

export const EscalationNoticeSchema = z.object({ id: z.number().int().positive(), escalationId: z.number().int(), text: z.string(), createdAt: z.string() });
export type EscalationNotice = z.infer<typeof EscalationNoticeSchema>;

/** GET /api/escalations/notices?status=pending (admin key): the notices and who to tell. */
export const EscalationNoticesSchema = z.object({ notices: z.array(EscalationNoticeSchema), contacts: z.array(EscalationContactSchema) });
export type EscalationNotices = z.infer<typeof EscalationNoticesSchema>;

/** POST /api/escalations/notices/:id (admin key): what became of a notice. */
export const SettleNoticeSchema = z.object({
  status: z.enum(['queued', 'delivered', 'dead']),
  error: z.string().max(500).optional(),
});
export type SettleNotice = z.infer<typeof SettleNoticeSchema>;

// ── Incidents (monitor → console, `status`) ────────────────────────────────────

/** One incident as the monitor's GET /api/status lists it; times are ISO 8601. */
export const IncidentSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  /** A tenant id, "brain" or "monitor". */
  target: z.string(),
  title: z.string(),
  severity: z.number().int(),
  status: z.enum(['open', 'resolved']),
  openedAt: z.string(),
  resolvedAt: z.string().nullable(),
});
export type Incident = z.infer<typeof IncidentSchema>;

/** What the monitor knows of one watched target: failed checks in a row, and when it last answered. */
export const WatchEntrySchema = z.object({ target: z.string(), failures: z.number().int(), lastSeen: z.string().nullable() });
export type WatchEntry = z.infer<typeof WatchEntrySchema>;

/** GET /api/status of the monitor (admin key): its last finished check, the open incidents, the watch state. */
export const MonitorStatusSchema = z.object({
  lastCheck: z.string().nullable(),
  incidents: z.array(IncidentSchema),
  watch: z.array(WatchEntrySchema),
});
export type MonitorStatus = z.infer<typeof MonitorStatusSchema>;
