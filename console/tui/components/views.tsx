import { Box, Text } from 'ink';
import { memo, useMemo } from 'react';
import { renderQr, qrSize } from '../../qr.js';
import { neutralise } from '../../../core/text.js';
import type { Conversation } from '../../brain-api.js';
import { helpRows, hintsFor, type View } from '../keymap.js';
import { logScreen } from '../logformat.js';
import { fit, textWidth, wrap } from '../width.js';
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


/** A table column: header, value, colour, and how it takes width. */
interface ColumnSpec {
  head: string;
  value: (r: TenantRow, now: number) => string;
  color?: (r: TenantRow) => string | undefined;
  /** Narrowest width it is shown at. */
  min: number;
  /** Which columns stay on a narrow terminal: the highest; the lowest goes first. */
  keep: number;
  /** Shown only with room left once the others are as wide as they can use (the names up to NAME_AMPLE). */
  extra?: true;
}
/** Where NAME is among the columns, and how wide it grows before CPU, memory, tokens and port get room. */
const NAME = 1;
const NAME_AMPLE = 48;
/** A column as laid out for one width. */
type Column = ColumnSpec & { width: number };

const text = (v: string | number | null) => (v === null ? '-' : String(v));
/** The columns in screen order. The PM2 and WhatsApp states widen to their longest value when there is room ("waiting restart"). */
function columnSpecs(idWidth: number, llm: boolean): ColumnSpec[] {
  return [
    { head: 'ID', min: idWidth, keep: 100, value: (r) => r.id },
    { head: 'NAME', min: 10, keep: 40, value: (r) => neutralise(r.name) },
    { head: 'PORT', min: 5, keep: 10, extra: true, value: (r) => (r.port ? String(r.port) : '-') },
    { head: 'PM2', min: 9, keep: 95, value: (r) => r.pm2, color: (r) => statusColor(r.pm2) },
    { head: 'WHATSAPP', min: 12, keep: 90, value: (r) => r.note ?? r.wa ?? '-', color: stateColor },
    { head: 'HAND', min: 4, keep: 80, value: (r) => (r.handoff === null ? '-' : r.handoff ? 'ON' : 'off'), color: (r) => (r.handoff ? 'yellow' : undefined) },
    { head: 'UP', min: 4, keep: 50, value: (r, now) => formatAge(r.uptimeSince, now) },
    { head: '↺', min: 3, keep: 60, value: (r) => String(r.restarts) },
    { head: 'TODAY', min: 5, keep: 45, value: (r) => text(r.messagesToday) },
    { head: 'QUEUE', min: 5, keep: 70, value: (r) => text(r.backlog) },
    { head: 'WAIT', min: 4, keep: 75, value: (r) => (r.escalations ? String(r.escalations) : '-'), color: (r) => (r.escalations ? 'yellow' : undefined) },
    { head: 'SEEN', min: 4, keep: 55, value: (r, now) => formatAge(r.lastSeen, now) },
    { head: 'CPU MEM', min: 9, keep: 35, value: (r) => formatUsage(r.cpu, r.memory) || '-' },
    // Only with an LLM engine (the rows carry `llm` then): without one the column would be all dashes.
    ...(llm ? [{ head: 'LLM', min: 11, keep: 20, extra: true as const, value: (r: TenantRow) => formatTokens(r.llm), color: (r: TenantRow) => (r.llm?.budget && r.llm.tokens >= r.llm.budget ? 'yellow' : undefined) }] : []),
  ];
}

/**
 * The columns that fit `width`, each as wide as it can use: whole columns are left out, least
 * needed first, rather than the row cut in the middle of one (or the business names cut while the
 * row has room). `natural` is the width every column takes at its longest: what a side-by-side
 * layout may give the table.
 */
export function tableLayout(rows: readonly TenantRow[], width: number): { columns: Column[]; natural: number } {
  // The id is what tells tenants apart (two may share a business name): never cut short, even when
  // that pushes every other column off a narrow terminal. Ids are at most 32 characters.
  const idWidth = Math.max(14, ...rows.map((r) => r.id.length + 1));
  const specs = columnSpecs(idWidth, rows.some((r) => r.llm !== undefined));
  // Ages are at most 4 wide ("59m", "12d"): measured without the clock, so the layout holds between ticks.
  const want = specs.map((c) => (c.head === 'UP' || c.head === 'SEEN' ? c.min : Math.max(c.min, textWidth(c.head), ...rows.map((r) => textWidth(c.value(r, 0))))));
  // Each column takes its width and one space; the row starts with the selection marker.
  const natural = 1 + want.reduce((n, w) => n + w + 1, 0);
  // Most needed first, each at its narrowest then widened to its longest value (a crash loop's
  // "waiting restart"); then the name, CPU and memory, the name widened up to NAME_AMPLE (whole,
  // mostly); then tokens and port; and a name longer still with what remains.
  const widths: (number | undefined)[] = [];
  let used = 1;
  const grow = (i: number, upTo: number) => {
    if (widths[i] === undefined) return;
    const more = Math.max(0, Math.min(upTo - widths[i]!, width - used));
    widths[i] = widths[i]! + more;
    used += more;
  };
  const place = (which: number[]) => {
    for (const i of which) {
      if (used + specs[i]!.min + 1 > width && i !== 0) continue;
      widths[i] = specs[i]!.min;
      used += specs[i]!.min + 1;
    }
    for (const i of which) if (i !== NAME) grow(i, want[i]!);
  };
  const byKeep = (test: (c: ColumnSpec, i: number) => boolean) => specs.flatMap((c, i) => (test(c, i) ? [i] : [])).sort((a, b) => specs[b]!.keep - specs[a]!.keep);
  const cpu = specs.findIndex((c) => c.head === 'CPU MEM');
  place(byKeep((c, i) => !c.extra && i !== NAME && i !== cpu));
  place([NAME, cpu]);
  grow(NAME, Math.min(want[NAME]!, NAME_AMPLE));
  place(byKeep((c) => !!c.extra));
  grow(NAME, want[NAME]!);
  return { columns: specs.flatMap((c, i) => (widths[i] === undefined ? [] : [{ ...c, width: widths[i]! }])), natural };
}

/** A row as runs of equal colour: fewer styled pieces for Ink to lay out and tokenise each frame. */
function segments(row: TenantRow, columns: readonly Column[], now: number): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  for (const c of columns) {
    const color = c.color?.(row);
    const cell = `${fit(c.value(row, now), c.width)} `;
    const last = out.at(-1);
    if (last && last[1] === color) last[0] += cell;
    else out.push([cell, color]);
  }
  return out;
}

/** One row; memoised so a change to one tenant re-renders one row, not the table. */
const TableRow = memo(function TableRow({ row, selected, columns, now }: { row: TenantRow; selected: boolean; columns: readonly Column[]; now: number }) {
  return (
    <Text inverse={selected} wrap="truncate">
      {/* A marker as well as inverse: with NO_COLOR the terminal gets no inverse. */}
      {selected ? '▶' : ' '}
      {segments(row, columns, now).map(([text, color], i) => (
        <Text key={i} color={color}>
          {text}
        </Text>
      ))}
    </Text>
  );
});

/** `filter`: the table's filter, when one hides rows ("no tenants" would be untrue then). */
export function TenantTable({ rows, selected, height, width, now, filter = '' }: { rows: TenantRow[]; selected: number; height: number; width: number; now: number; filter?: string }) {
  // One layout while the rows and width stay: the memoised rows compare it by identity.
  const { columns } = useMemo(() => tableLayout(rows, width), [rows, width]);
  // Ages move on with the clock; rounding it to the second keeps rows memoised between ticks.
  const tick = Math.floor(now / 1000) * 1000;
  const { start, visible } = windowRows(rows, selected, height - 1);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate"> {columns.map((c) => fit(c.head, c.width)).join(' ')}</Text>
      {visible.map((r, i) => (
        <TableRow key={processOf(r)} row={r} selected={start + i === selected} columns={columns} now={tick} />
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

export function HelpView({ view, readonly, height, width }: { view: View; readonly: boolean; height: number; width: number }) {
  // Each key's text wrapped under itself, not cut at the edge: on a narrow terminal the help is what explains the rest.
  const lines = helpRows(view, readonly).flatMap((b) =>
    wrap(`${b.label.padEnd(8)} ${b.help}${b.disabled ? ' (disabled: read-only)' : ''}`, width, { words: true, indent: 9 }).map((text, i) => ({ key: `${b.label}:${i}`, text, disabled: b.disabled })),
  );
  const room = Math.max(1, height - 1);
  // Every row but the commands' must fit: Ink garbles text that overflows a clipped box.
  const commands = room - lines.length >= COMMAND_HELP.length + 1;
  const shown = lines.length > room ? [...lines.slice(0, room - 1), { key: 'more', text: `… ${lines.length - room + 1} more lines: a taller terminal shows them`, disabled: true }] : lines;
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">Keys here ({view}) · esc: back</Text>
      {shown.map((l) => (
        <Text key={l.key} color={l.disabled ? 'gray' : undefined} wrap="truncate">
          {l.text}
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
