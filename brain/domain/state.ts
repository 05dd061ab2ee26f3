/** What the receptionist remembers about one customer between messages (conversations.state). */

export type PendingAction =
  | { action: 'create_booking'; serviceId: string; start: string; name: string }
  | { action: 'cancel_booking'; bookingId: number }
  | { action: 'reschedule_booking'; bookingId: number; start: string };

export interface BookingFlow {
  kind: 'book';
  serviceId?: string;
  date?: string;
  time?: number;
  ambiguousMeridiem?: boolean;
  /** The time proposed before an hour without am/pm replaced it: of two open readings, the nearer one. */
  nearTime?: number;
  name?: string;
  awaiting?: 'name';
  /** The services asked between when the message named only a word they share ("a haircut"): a reply naming one picks it. */
  serviceChoices?: string[];
  /** Slot starts offered to the customer (local ISO), picked by number. */
  offered?: string[];
  /** A date whose weekday the customer got wrong ("Friday the 19th"): a reply naming its real weekday means it. */
  dayInDoubt?: string;
  /** The day talked about while none is chosen (a closed day asked for, the booking being moved): "the next day", "el sábado siguiente" count from it. */
  dayAsked?: string;
  /** The customer said no to the proposal: a new day or time goes on with it, anything else ends it. */
  declined?: boolean;
  /** A reply about this service offered to book it: a day, a time or a yes goes on with it, anything else ends it. */
  invited?: boolean;
  /** More bookings the same message asked for, proposed one at a time once this one is settled. */
  queue?: QueuedBooking[];
  /** This proposal follows a booking just made from the same message: "the headlights too" says yes to it. */
  afterBooking?: boolean;
}

/** A booking waiting its turn (see BookingFlow.queue). */
export interface QueuedBooking {
  serviceId: string;
  date?: string;
  time?: number;
  ambiguousMeridiem?: boolean;
  /** No time of its own: straight after the booking before it. */
  afterPrevious?: boolean;
  /** The name said with this booking ("and one for my son Sam at 11"); else the name of the booking before it. */
  name?: string;
}

export interface CancelFlow {
  kind: 'cancel';
  choices?: number[];
}

export interface RescheduleFlow {
  kind: 'reschedule';
  bookingId?: number;
  choices?: number[];
  date?: string;
  time?: number;
  ambiguousMeridiem?: boolean;
  nearTime?: number;
  offered?: string[];
  dayInDoubt?: string;
  dayAsked?: string;
  declined?: boolean;
}

export type Flow = BookingFlow | CancelFlow | RescheduleFlow;

export interface ConversationState {
  /** Consecutive messages the engine could not handle; three in a row escalate. */
  unhandled: number;
  customerName?: string;
  flow?: Flow;
  /** A change waiting for the customer's YES; only the next message can confirm it. */
  pending?: PendingAction;
  /** When a caller last got the "we can't take calls" message (ISO): one per window. */
  callNoticeAt?: string;
}

export function initialState(): ConversationState {
  return { unhandled: 0 };
}

export function samePending(a: PendingAction | undefined, b: PendingAction): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/**
 * What a domain operation changes in the conversation's state. `pending: null` withdraws the
 * proposal; an absent field is left as it was.
 */
export interface StateChange {
  pending?: PendingAction | null;
  customerName?: string;
}

/** The state after `change`, as a new object: the state a turn started from is never altered. */
export function applyChange(state: ConversationState, change: StateChange): ConversationState {
  const next = { ...state };
  if (change.pending !== undefined) next.pending = change.pending ?? undefined;
  if (change.customerName !== undefined) next.customerName = change.customerName;
  return next;
}
