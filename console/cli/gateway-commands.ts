import type { Config } from '../../core/config.js';
import { MESSAGE_KINDS } from '../../core/inbound.js';
import { GatewayApi } from '../gateway-api.js';
import { renderQr } from '../qr.js';
import { CliError, parseCommand, type Output } from './command.js';
import { findTenant } from './tenant.js';

export async function qrCommand(config: Config, argv: string[], io: Output): Promise<void> {
  const args = parseCommand(
    { usage: 'wr-console qr <tenant>', summary: "Prints the tenant's pending WhatsApp pairing QR. Scan it in WhatsApp → Linked devices.", options: {}, positionals: { min: 1, max: 1 } },
    argv,
    io,
  );
  if (!args) return;
  const api = new GatewayApi(config, findTenant(config, args.positionals[0]!));
  const { qr, expiresAt, status } = await api.qr();
  if (!qr) {
    const why: Record<string, string> = {
      connected: 'already connected to WhatsApp: no QR needed',
      logged_out: 'logged out: ask for a new QR with wr-console restart ' + api.tenant.id,
      parked: 'parked: see wr-console status, then wr-console restart ' + api.tenant.id,
    };
    throw new CliError(`no QR pending for ${api.tenant.id} (${why[status] ?? `status ${status}; try again in a few seconds`})`);
  }
  for (const line of renderQr(qr)) io.out(line);
  io.out(`${api.tenant.id}: scan within ${Math.max(0, Math.round((Date.parse(expiresAt!) - Date.now()) / 1000))} s (WhatsApp → Linked devices → Link a device)`);
}

export const CHAT_TEST_SENDER = '+15550100001';

export async function chatCommand(config: Config, argv: string[], io: Output): Promise<void> {
  const args = parseCommand(
    {
      usage: 'wr-console chat <tenant> <text…> | wr-console chat <tenant> --kind KIND [caption…]',
      summary: "Sends a message to a simulator tenant as a customer would, and prints the receptionist's reply.",
      options: { from: { type: 'string' }, kind: { type: 'string' }, seconds: { type: 'string' } },
      optionHelp: [
        `--from PHONE        the customer's number (default ${CHAT_TEST_SENDER})`,
        `--kind KIND         send something else than text: ${MESSAGE_KINDS.filter((k) => k !== 'text').join(', ')}`,
        '--seconds N         a voice note\'s length',
      ],
      positionals: { min: 1, max: 100 },
    },
    argv,
    io,
  );
  if (!args) return;
  const tenant = findTenant(config, args.positionals[0]!);
  if (tenant.transport !== 'simulator') throw new CliError(`${tenant.id} is a real WhatsApp tenant; chat works with simulator tenants (for the brain alone: POST /api/chat)`);
  const from = typeof args.values.from === 'string' ? args.values.from : CHAT_TEST_SENDER;
  const text = args.positionals.slice(1).join(' ');
  const kind = typeof args.values.kind === 'string' ? args.values.kind : 'text';
  if (!(MESSAGE_KINDS as readonly string[]).includes(kind)) throw new CliError(`--kind must be one of: ${MESSAGE_KINDS.join(', ')}`);
  if (kind === 'text' && !text) throw new CliError('nothing to send: give the text, or --kind for a voice note, photo, call…');
  const seconds = typeof args.values.seconds === 'string' ? Number(args.values.seconds) : undefined;
  if (seconds !== undefined && !(Number.isInteger(seconds) && seconds >= 0)) throw new CliError('--seconds must be a whole number of seconds');
  const api = new GatewayApi(config, tenant);
  let status: string = (await api.health()).status;
  // A simulator's QR links no phone: pairing it is all that scanning would do, so chat does it.
  if (status === 'qr') {
    try {
      ({ status } = await api.simulatePair());
      io.err(`${tenant.id}: paired its simulated WhatsApp`);
    } catch (err) {
      // Another chat or the console paired it since /health answered: the gateway refuses a second pairing.
      status = (await api.health()).status;
      if (status === 'qr') throw err;
    }
  }
  if (status !== 'connected') throw new CliError(`${tenant.id} is not connected (status ${status}): see wr-console status, or restart its gateway: wr-console restart ${tenant.id}`);
  const before = new Set((await api.simulatorOutbox()).messages.map((m) => m.id));
  const { id, chat } = await api.simulateInbound(from, kind === 'text' ? { text } : { kind, ...(text ? { caption: text } : {}), ...(seconds !== undefined ? { seconds } : {}) });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    // The answer to this message, not to one still queued before it (the brain was down); a gateway
    // that does not say what a reply answers: the first new one.
    const reply = (await api.simulatorOutbox()).messages.find((m) => !before.has(m.id) && m.to === chat && (m.answers === undefined || m.answers === id));
    if (reply) return io.out(reply.text);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new CliError(`no reply from ${tenant.id} within 15 s: the conversation may be in handoff, or the brain down (wr-console status)`);
}
