import { Box, Text } from 'ink';
import { memo } from 'react';
import { renderQr, qrSize } from '../../qr.js';
import { neutralise } from '../../../core/text.js';
import type { Conversation } from '../../brain-api.js';
import { helpRows, hintsFor, type View } from '../keymap.js';
import { logScreen } from '../logformat.js';
import { fit, wrap } from '../width.js';
import { ALL_LOGS, COMMAND_HELP, formatAge, formatTokens, formatUsage, parkedWhy, processOf, severity, windowRows, type Failure, type LogLine, type PendingEscalation, type Snapshot, type TenantRow } from '../model.js';

/** Small presentational pieces of the console; all state lives in App. */

const statusColor = (s: string | null): string | undefined =>
  ({ online: 'green', connected: 'green', qr: 'yellow', connecting: 'yellow', launching: 'yellow', disconnected: 'yellow', stopped: 'gray', absent: 'gray', errored: 'red', 'waiting restart': 'red', logged_out: 'red', parked: 'red', unreachable: 'red' })[s ?? ''];

export function Header({ s, now, readonly }: { s: Snapshot; now: number; readonly: boolean }) {
  const failing = s.rows.filter((r) => severity(r) >= 50).length;
  const attention = s.rows.filter((r) => severity(r) > 0 && severity(r) < 50).length;
  const brain = s.brain.pm2 === 'online' ? (s.brain.healthy === false ? 'no /health' : 'online') : s.brain.pm2;
  const pm2 = s.pm2 === 'stale' ? 'NOT ANSWERING (shown may be old)' : s.pm2;
  // While PM2 is stale or down, nothing below it is known to be true: no green.
  const known = s.pm2 === 'connected';
  // One <Text> with nested colour runs: Ink trims the spaces at the edges of sibling <Text>s.
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        {readonly ? <Text color="yellow">READ-ONLY · </Text> : null}
        <Text bold>wr</Text> {s.host} · PM2 <Text color={s.pm2 === 'connected' ? 'green' : s.pm2 === 'stale' ? 'yellow' : 'red'}>{pm2}</Text>
        {s.bus === 'lost' ? <Text color="red"> (live logs lost, reconnecting)</Text> : s.bus === 'reconnected' ? <Text color="yellow"> (live logs reconnected)</Text> : null}
        {s.escalations.length ? <Text color="yellow"> · {s.escalations.length} waiting for a person</Text> : null} · tenants {s.rows.length} (
        <Text color={known ? 'green' : 'gray'}>{s.rows.length - failing - attention} ok</Text>, {attention} attention, <Text color={failing ? 'red' : undefined}>{failing} failing</Text>) · brain{' '}
        <Text color={known ? statusColor(s.brain.pm2 === 'online' && s.brain.healthy !== false ? 'online' : 'errored') : 'gray'}>{brain}</Text>
        {formatUsage(s.brain.cpu, s.brain.memory) ? ` ${formatUsage(s.brain.cpu, s.brain.memory)}` : ''} · monitor{' '}
        <Text color={known ? statusColor(s.monitor?.pm2 ?? 'absent') : 'gray'}>{s.monitor?.pm2 ?? 'not installed'}</Text>
        {s.monitorApi && s.monitor?.pm2 === 'online' ? <Text color="yellow"> (API not reachable)</Text> : null}
        {formatUsage(s.monitor?.cpu, s.monitor?.memory) ? ` ${formatUsage(s.monitor?.cpu, s.monitor?.memory)}` : ''} · {new Date(now).toTimeString().slice(0, 8)}
      </Text>
      {s.warnings.length ? (
        <Text color="yellow" wrap="truncate">
          ⚠ {s.warnings.join(' · ')}
        </Text>
      ) : null}
    </Box>
  );
}

/** A tenant's WhatsApp state, or a service row's own words (serving, watching, no /health, no API). */
const stateColor = (r: TenantRow): string | undefined => (r.note === undefined ? statusColor(r.wa) : r.note === 'serving' || r.note === 'watching' ? 'green' : r.note === '-' ? undefined : 'yellow');


type Column = [string, number, (r: TenantRow) => string, ((r: TenantRow) => string | undefined)?];

/** `tier`: 0 below 100 columns, 1 from 100 (name, CPU and memory), 2 from 115 (the port too), 3 from 125 (LLM tokens today/budget). */
function columns(tier: number, now: number, idWidth: number): Column[] {
  return [
    ['ID', idWidth, (r) => r.id],
    ...(tier >= 1 ? ([['NAME', tier >= 2 ? 18 : 13, (r: TenantRow) => neutralise(r.name)]] as Column[]) : []),
    ...(tier >= 2 ? ([['PORT', 5, (r: TenantRow) => (r.port ? String(r.port) : '-')]] as Column[]) : []),
    ['PM2', 9, (r) => r.pm2, (r) => statusColor(r.pm2)],
    ['WHATSAPP', 12, (r) => r.note ?? r.wa ?? '-', stateColor],
    ['HAND', 4, (r) => (r.handoff === null ? '-' : r.handoff ? 'ON' : 'off'), (r) => (r.handoff ? 'yellow' : undefined)],
    ['UP', 4, (r) => formatAge(r.uptimeSince, now)],
    ['↺', 3, (r) => String(r.restarts)],
    ['TODAY', 5, (r) => (r.messagesToday === null ? '-' : String(r.messagesToday))],
    ['QUEUE', 5, (r) => (r.backlog === null ? '-' : String(r.backlog))],
    ['WAIT', 4, (r) => (r.escalations ? String(r.escalations) : '-'), (r) => (r.escalations ? 'yellow' : undefined)],
    ['SEEN', 4, (r) => formatAge(r.lastSeen, now)],
    ...(tier >= 1 ? ([['CPU MEM', 9, (r: TenantRow) => formatUsage(r.cpu, r.memory) || '-']] as Column[]) : []),
    ...(tier >= 3 ? ([['LLM', 11, (r: TenantRow) => formatTokens(r.llm), (r: TenantRow) => (r.llm?.budget && r.llm.tokens >= r.llm.budget ? 'yellow' : undefined)]] as Column[]) : []),
  ];
}

/** A row as runs of equal colour: fewer styled pieces for Ink to lay out and tokenise each frame. */
function segments(row: TenantRow, tier: number, now: number, idWidth: number): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  for (const [, w, value, color] of columns(tier, now, idWidth)) {
    const c = color?.(row);
    const text = `${fit(value(row), w)} `;
    const last = out.at(-1);
    if (last && last[1] === c) last[0] += text;
    else out.push([text, c]);
  }
  return out;
}

/** One row; memoised so a change to one tenant re-renders one row, not the table. */
const TableRow = memo(function TableRow({ row, selected, tier, now, idWidth }: { row: TenantRow; selected: boolean; tier: number; now: number; idWidth: number }) {
  return (
    <Text inverse={selected} wrap="truncate">
      {/* A marker as well as inverse: with NO_COLOR the terminal gets no inverse. */}
      {selected ? '▶' : ' '}
      {segments(row, tier, now, idWidth).map(([text, color], i) => (
        <Text key={i} color={color}>
          {text}
        </Text>
      ))}
    </Text>
  );
});

/** `filter`: the table's filter, when one hides rows ("no tenants" would be untrue then). */
export function TenantTable({ rows, selected, height, width, now, filter = '' }: { rows: TenantRow[]; selected: number; height: number; width: number; now: number; filter?: string }) {
  const tier = width >= 125 ? 3 : width >= 115 ? 2 : width >= 100 ? 1 : 0;
  // Ages move on with the clock; rounding it to the second keeps rows memoised between ticks.
  const tick = Math.floor(now / 1000) * 1000;
  const { start, visible } = windowRows(rows, selected, height - 1);
  // The id is what tells tenants apart (two may share a business name): never cut short, even when
  // that pushes the last columns off a narrow terminal. Ids are at most 32 characters.
  const idWidth = Math.max(14, ...rows.map((r) => r.id.length + 1));
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate"> {columns(tier, tick, idWidth).map(([h, w]) => fit(h, w)).join(' ')}</Text>
      {visible.map((r, i) => (
        <TableRow key={processOf(r)} row={r} selected={start + i === selected} tier={tier} now={tick} idWidth={idWidth} />
      ))}
      {rows.some((r) => !r.service) ? null : filter ? (
        <Text color="yellow" wrap="truncate">
          no tenant matches the filter "{filter}": esc clears it
        </Text>
      ) : (
        <Text color="gray">no tenants: press a to add one</Text>
      )}
    </Box>
  );
}

export function LogPane({ process, lines, height, width, errorsOnly, follow, scroll, search, loading = false }: { process: string; lines: readonly LogLine[]; height: number; width: number; errorsOnly: boolean; follow: boolean; scroll: number; search: string; loading?: boolean }) {
  const combined = process === ALL_LOGS;
  const screen = logScreen(lines, { width, height: height - 1, scroll, errorsOnly, search, combined });
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate">
        log {combined ? 'all processes' : process}
        <Text color="gray">
          {' '}
          ({errorsOnly ? 'errors only' : 'all'}, {follow ? 'following' : 'held'}
          {search ? `, "${search}": ${screen.matches} match${screen.matches === 1 ? '' : 'es'}` : ''}
          {screen.scroll > 0 ? `, ${screen.scroll} rows up` : ''})
        </Text>
      </Text>
      {screen.rows.length === 0 ? <Text color="gray">{loading ? "reading the log's history from PM2's files…" : search ? `no ${errorsOnly ? 'error ' : ''}line matches "${search}"${errorsOnly ? ' (e: every line)' : ''}` : errorsOnly ? 'no errors logged' : 'no log lines yet'}</Text> : null}
      {screen.rows.map((r, i) => (
        <Text key={i} wrap="truncate" color={r.color}>
          {r.text}
        </Text>
      ))}
    </Box>
  );
}

export const QR_MIN = { width: 62, height: 36 };

/** `rows` is the height the QR view has; `chrome` the terminal rows around it (header, footer), so a size asked for is the terminal's. */
export function QrView({ row, qr, columns, rows, chrome, now, pairing }: { row: TenantRow; qr: { qr: string; expiresAt: string } | undefined; columns: number; rows: number; chrome: number; now: number; pairing: string | null }) {
  if (row.wa === 'connected') return <Text color="green">{row.id} is connected to WhatsApp: nothing to scan. (esc: back)</Text>;
  // A gateway that is not running shows no QR, however long the operator waits for one.
  if (!qr && row.pm2 !== 'online') {
    return (
      <Box flexDirection="column">
        <Text color="red">
          No QR: {row.id}'s gateway is not running (PM2: {row.pm2}).
        </Text>
        <Text color="gray">Back on the table (esc): l shows its log (why it stopped), S starts it, R restarts it.</Text>
      </Box>
    );
  }
  if (!qr) {
    return (
      <Box flexDirection="column">
        <Text>No QR pending for {row.id} (WhatsApp status: {row.wa ?? 'unknown'}).</Text>
        {row.wa === 'parked' ? <Text color="red">No QR comes while parked: {parkedWhy(row)}.</Text> : null}
        <Text color="gray">{row.wa === 'logged_out' || row.wa === 'parked' ? 'Fix the cause, then R on the table restarts the session and brings a new QR.' : 'It appears here as soon as the gateway shows one.'} (esc: back)</Text>
      </Box>
    );
  }
  const lines = renderQr(qr.qr);
  const size = qrSize(lines);
  const left = Math.max(0, Math.round((Date.parse(qr.expiresAt) - now) / 1000));
  if (size.width > columns || size.height + 3 > rows) {
    return (
      <Box flexDirection="column">
        <Text color="yellow">
          The terminal is too small for a scannable QR: it needs {Math.max(size.width, QR_MIN.width)}×{Math.max(size.height + 3 + chrome, QR_MIN.height)}, this one is {columns}×{rows + chrome}.
        </Text>
        <Text>Enlarge the window, or run: wr-console qr {row.id}, or press c for a pairing code. (esc: back)</Text>
        {pairing ? <Text color="green">Pairing code: {pairing}</Text> : null}
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Text bold>
        {row.id}: scan with WhatsApp → Linked devices · expires in {left}s · c: pairing code instead · esc: back
      </Text>
      {row.transport === 'simulator' ? <Text color="yellow">Simulator tenant: this QR is fake and links no phone (it pairs with POST /simulate/pair).</Text> : null}
      {pairing ? <Text color="green">Pairing code: {pairing}</Text> : null}
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate">
          {l}
        </Text>
      ))}
    </Box>
  );
}

/** A list with a cursor, showing only the rows that fit (each item `per` lines high). */
function windowed<T>(list: readonly T[], cursor: number, height: number, per: number) {
  return windowRows(list, cursor, Math.max(1, Math.floor(height / per)));
}

export function FailuresView({ list, cursor, height }: { list: readonly Failure[]; cursor: number; height: number }) {
  const { start, visible } = windowed(list, cursor, height - 1, 2);
  return (
    <Box flexDirection="column">
      <Text bold>Failing now ({list.length})</Text>
      {list.length === 0 ? <Text color="green">Nothing is failing.</Text> : null}
      {visible.map((f, i) => (
        <Box key={start + i} flexDirection="column">
          <Text color={f.severity >= 80 ? 'red' : 'yellow'} inverse={start + i === cursor} wrap="truncate">
            {start + i === cursor ? '▶' : '●'} {f.what}
          </Text>
          <Text color="gray" wrap="truncate">
            {'  '}→ {f.next}
          </Text>
        </Box>
      ))}
    </Box>
  );
}

export function EscalationsView({ list, cursor, height, now, brainUp, loading = false }: { list: readonly PendingEscalation[]; cursor: number; height: number; now: number; brainUp: boolean; loading?: boolean }) {
  const { start, visible } = windowed(list, cursor, height - 1, 2);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">Customers waiting for a person ({list.length}) · reply from the business phone, then r to resolve</Text>
      {list.length === 0 && loading ? <Text color="gray">Asking the brain who is waiting…</Text> : null}
      {list.length === 0 && !loading ? <Text color={brainUp ? 'green' : 'red'}>{brainUp ? 'Nobody is waiting.' : 'The brain is not answering: waiting customers cannot be listed.'}</Text> : null}
      {visible.map((e, i) => (
        <Box key={`${e.tenant}:${e.id}`} flexDirection="column">
          <Text inverse={start + i === cursor} wrap="truncate">
            {start + i === cursor ? '▶' : ' '} {e.tenant} · {e.sender} · waiting {formatAge(e.createdAt, now)}
          </Text>
          <Text color="gray" wrap="truncate">
            {'  '}“{neutralise(e.summary)}”
          </Text>
        </Box>
      ))}
    </Box>
  );
}

type ConversationsState = { tenant: string; list: Conversation[] } | { tenant: string; error: string } | null;

export function ConversationsView({ tenant, state, cursor, height, now, handoff }: { tenant: string; state: ConversationsState; cursor: number; height: number; now: number; handoff: Record<string, boolean> }) {
  if (!state) return <Text color="gray">{tenant}: loading conversations from the brain…</Text>;
  if ('error' in state) return <Text color="red">{tenant}: {state.error}</Text>;
  const { start, visible } = windowed(state.list, cursor, height - 1, 2);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">{tenant}: recent conversations ({state.list.length}) · enter: messages · h: handoff for that chat</Text>
      {state.list.length === 0 ? <Text color="gray">No conversations yet.</Text> : null}
      {visible.map((c, i) => {
        const last = c.messages.at(-1);
        const chat = handoff[`${tenant} ${c.sender}`];
        return (
          <Box key={c.id} flexDirection="column">
            <Text inverse={start + i === cursor} wrap="truncate">
              {start + i === cursor ? '▶' : ' '} {c.sender}
              {c.senderName ? ` (${neutralise(c.senderName)})` : ''} · {formatAge(c.timestamp, now)} ago · {c.messages.length} messages
              {chat ? ' · HANDOFF ON' : ''}
            </Text>
            <Text color="gray" wrap="truncate">
              {'  '}
              {last ? `${last.direction === 'in' ? 'customer' : 'bot'}: ${neutralise(last.text)}` : ''}
            </Text>
          </Box>
        );
      })}
    </Box>
  );
}

export function MessagesView({ tenant, sender, state, height, width, scroll, handoff }: { tenant: string; sender: string; state: ConversationsState; height: number; width: number; scroll: number; handoff: boolean | undefined }) {
  if (!state) return <Text color="gray">{tenant}: loading the conversation from the brain…</Text>;
  if ('error' in state) return <Text color="red">{tenant}: {state.error}</Text>;
  const c = state.list.find((x) => x.sender === sender);
  if (!c) return <Text color="gray">{tenant}: no conversation with {sender} among the recent ones.</Text>;
  const rows: { text: string; color?: string }[] = [];
  for (const m of c.messages) {
    const who = m.direction === 'in' ? 'customer' : 'bot';
    const head = `${new Date(m.timestamp).toTimeString().slice(0, 5)} ${who.padEnd(8)} `;
    // A reply's own lines (opening hours, a list) stay lines, and every line, as it wraps, stays
    // under the text column: the time and speaker column is left clear.
    neutralise(m.text)
      .split('\n')
      .forEach((line, i) => {
        for (const part of wrap(`${i === 0 ? head : ' '.repeat(head.length)}${line}`, width, { words: true, indent: head.length })) rows.push({ text: part, color: m.direction === 'in' ? 'cyan' : undefined });
      });
  }
  const h = Math.max(1, height - 1);
  const up = Math.min(scroll, Math.max(0, rows.length - h));
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {tenant} · {sender}
        {c.senderName ? ` (${neutralise(c.senderName)})` : ''} · chat handoff {handoff === undefined ? 'unchanged from here' : handoff ? 'ON' : 'off'} (h toggles)
        {c.handoffUntil ? ` · bot silent until ${c.handoffUntil.slice(11, 16)} UTC` : ''}
      </Text>
      {rows.slice(Math.max(0, rows.length - h - up), rows.length - up).map((r, i) => (
        <Text key={i} color={r.color} wrap="truncate">
          {r.text}
        </Text>
      ))}
    </Box>
  );
}

export function HelpView({ view, readonly, height }: { view: View; readonly: boolean; height: number }) {
  const rows = helpRows(view, readonly);
  // Every row but the commands' must fit: Ink garbles text that overflows a clipped box.
  const commands = height - rows.length - 2 >= COMMAND_HELP.length + 1;
  return (
    <Box flexDirection="column">
      <Text bold>Keys here ({view}) · esc: back</Text>
      {rows.slice(0, Math.max(1, height - 1)).map((b) => (
        <Text key={b.label} color={b.disabled ? 'gray' : undefined} wrap="truncate">
          {b.label.padEnd(8)} {b.help}
          {b.disabled ? ' (disabled: read-only)' : ''}
        </Text>
      ))}
      {commands ? <Text bold>Commands</Text> : null}
      {commands
        ? COMMAND_HELP.map((c) => (
            <Text key={c} wrap="truncate">
              {c}
            </Text>
          ))
        : null}
    </Box>
  );
}

/** The last message (or the prompt) above the key hints of the view: a message never hides them. */
export function Footer({ view, readonly, filter, question, prompt, message }: { view: View; readonly: boolean; filter: string; question: string | null; prompt: string | null; message: { text: string; error?: boolean } | null }) {
  return (
    <Box flexDirection="column">
      {question ? (
        <Text color="yellow" wrap="truncate">
          {question}
        </Text>
      ) : prompt ? (
        <Text wrap="truncate">
          {/* A refused answer says why on the prompt's own line: the prompt stays for a fix. */}
          {message?.error ? <Text color="red">{message.text} · </Text> : null}
          {prompt}
        </Text>
      ) : (
        <Text color={message?.error ? 'red' : 'green'} wrap="truncate">
          {message?.text ?? ' '}
        </Text>
      )}
      <Text color="gray" wrap="truncate">
        {/* First: a narrow terminal cuts the end of this line, and a hidden filter hides rows unexplained. */}
        {filter && view === 'table' ? <Text color="yellow">filter "{filter}" (esc clears) · </Text> : null}
        {hintsFor(view, readonly)}
      </Text>
    </Box>
  );
}
