import { Box, Text } from 'ink';
import { memo } from 'react';
import { renderQr, qrSize } from '../../qr.js';
import { KEYMAP } from '../keymap.js';
import { logScreen } from '../logformat.js';
import { ALL_LOGS, COMMAND_HELP, failures, formatAge, severity, windowRows, type LogLine, type Snapshot, type TenantRow } from '../model.js';

/** Small presentational pieces of the console; all state lives in App. */

const statusColor = (s: string | null): string | undefined =>
  ({ online: 'green', connected: 'green', qr: 'yellow', connecting: 'yellow', launching: 'yellow', disconnected: 'yellow', stopped: 'gray', absent: 'gray', errored: 'red', 'waiting restart': 'red', logged_out: 'red', parked: 'red', unreachable: 'red' })[s ?? ''];

export function Header({ s, now, readonly }: { s: Snapshot; now: number; readonly: boolean }) {
  const failing = s.rows.filter((r) => severity(r) >= 50).length;
  const waiting = s.rows.filter((r) => severity(r) > 0 && severity(r) < 50).length;
  const brain = s.brain.pm2 === 'online' ? (s.brain.healthy === false ? 'no /health' : 'online') : s.brain.pm2;
  // One <Text> with nested colour runs: Ink trims the spaces at the edges of sibling <Text>s.
  return (
    <Text wrap="truncate">
      {readonly ? <Text color="yellow">READ-ONLY · </Text> : null}
      <Text bold>wr</Text> {s.host} · PM2 <Text color={s.pm2 === 'connected' ? 'green' : s.pm2 === 'stale' ? 'yellow' : 'red'}>{s.pm2 === 'stale' ? 'STALE (not answering)' : s.pm2}</Text> · tenants {s.rows.length} (
      <Text color="green">{s.rows.length - failing - waiting} ok</Text>, <Text color={failing ? 'red' : undefined}>{failing} failing</Text>) · brain{' '}
      <Text color={statusColor(s.brain.pm2 === 'online' && s.brain.healthy !== false ? 'online' : 'errored')}>{brain}</Text> · monitor{' '}
      <Text color={statusColor(s.monitor?.pm2 ?? 'absent')}>{s.monitor?.pm2 ?? 'not installed'}</Text> · {new Date(now).toTimeString().slice(0, 8)}
    </Text>
  );
}

const cell = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));

type Column = [string, number, (r: TenantRow) => string, ((r: TenantRow) => string | undefined)?];

function columns(wide: boolean, now: number): Column[] {
  return [
    ['ID', 14, (r) => r.id],
    ...(wide ? ([['NAME', 18, (r: TenantRow) => r.name], ['PORT', 5, (r: TenantRow) => String(r.port)]] as Column[]) : []),
    ['PM2', 9, (r) => r.pm2, (r) => statusColor(r.pm2)],
    ['WHATSAPP', 12, (r) => r.wa ?? '-', (r) => statusColor(r.wa)],
    ['HAND', 4, (r) => (r.handoff === null ? '-' : r.handoff ? 'ON' : 'off'), (r) => (r.handoff ? 'yellow' : undefined)],
    ['UP', 4, (r) => formatAge(r.uptimeSince, now)],
    ['↺', 3, (r) => String(r.restarts)],
    ['TODAY', 5, (r) => (r.messagesToday === null ? '-' : String(r.messagesToday))],
    ['QUEUE', 5, (r) => (r.backlog === null ? '-' : String(r.backlog))],
    ['SEEN', 4, (r) => formatAge(r.lastSeen, now)],
  ];
}

/** A row as runs of equal colour: fewer styled pieces for Ink to lay out and tokenise each frame. */
function segments(row: TenantRow, wide: boolean, now: number): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  for (const [, w, value, color] of columns(wide, now)) {
    const c = color?.(row);
    const text = `${cell(value(row), w)} `;
    const last = out.at(-1);
    if (last && last[1] === c) last[0] += text;
    else out.push([text, c]);
  }
  return out;
}

/** One row; memoised so a change to one tenant re-renders one row, not the table. */
const TableRow = memo(function TableRow({ row, selected, wide, now }: { row: TenantRow; selected: boolean; wide: boolean; now: number }) {
  return (
    <Text inverse={selected} wrap="truncate">
      {segments(row, wide, now).map(([text, color], i) => (
        <Text key={i} color={color}>
          {text}
        </Text>
      ))}
    </Text>
  );
});

export function TenantTable({ rows, selected, height, width, now }: { rows: TenantRow[]; selected: number; height: number; width: number; now: number }) {
  const wide = width >= 100;
  // Ages move on with the clock; rounding it to the second keeps rows memoised between ticks.
  const tick = Math.floor(now / 1000) * 1000;
  const { start, visible } = windowRows(rows, selected, height - 1);
  return (
    <Box flexDirection="column">
      <Text bold>{columns(wide, tick).map(([h, w]) => cell(h, w)).join(' ')}</Text>
      {rows.length === 0 ? <Text color="gray">no tenants: press a to add one</Text> : null}
      {visible.map((r, i) => (
        <TableRow key={r.id} row={r} selected={start + i === selected} wide={wide} now={tick} />
      ))}
    </Box>
  );
}

export function LogPane({ process, lines, height, width, errorsOnly, follow, scroll, search }: { process: string; lines: readonly LogLine[]; height: number; width: number; errorsOnly: boolean; follow: boolean; scroll: number; search: string }) {
  const combined = process === ALL_LOGS;
  const screen = logScreen(lines, { width, height: height - 1, scroll, errorsOnly, search, combined });
  const at = Math.min(scroll, screen.maxScroll);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate">
        log {combined ? 'all processes' : process}
        <Text color="gray">
          {' '}
          ({errorsOnly ? 'errors only' : 'all'}, {follow ? 'following' : 'held'}
          {search ? `, "${search}": ${screen.matches} match${screen.matches === 1 ? '' : 'es'}` : ''}
          {at > 0 ? `, ${at} rows up` : ''}) PgUp/PgDn scroll
        </Text>
      </Text>
      {screen.rows.length === 0 ? <Text color="gray">{search ? `no line matches "${search}"` : 'no log lines yet'}</Text> : null}
      {screen.rows.map((r, i) => (
        <Text key={i} wrap="truncate" color={r.color}>
          {r.text}
        </Text>
      ))}
    </Box>
  );
}

export const QR_MIN = { width: 62, height: 36 };

export function QrView({ row, qr, columns, rows, now, pairing }: { row: TenantRow; qr: { qr: string; expiresAt: string } | undefined; columns: number; rows: number; now: number; pairing: string | null }) {
  if (row.wa === 'connected') return <Text color="green">{row.id} is connected to WhatsApp: nothing to scan. (esc: back)</Text>;
  if (!qr) {
    return (
      <Box flexDirection="column">
        <Text>No QR pending for {row.id} (WhatsApp status: {row.wa ?? 'unknown'}).</Text>
        <Text color="gray">{row.wa === 'logged_out' || row.wa === 'parked' ? 'R restarts the session and brings a new QR.' : 'It appears here as soon as the gateway shows one.'} (esc: back)</Text>
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
          The terminal is too small for a scannable QR: it needs {Math.max(size.width, QR_MIN.width)}×{Math.max(size.height + 3, QR_MIN.height)}, this one is {columns}×{rows}.
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
      {pairing ? <Text color="green">Pairing code: {pairing}</Text> : null}
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate">
          {l}
        </Text>
      ))}
    </Box>
  );
}

export function FailuresView({ s, height }: { s: Snapshot; height: number }) {
  const list = failures(s);
  const { visible } = windowRows(list, 0, Math.max(1, Math.floor((height - 1) / 2)));
  return (
    <Box flexDirection="column">
      <Text bold>Failing now ({list.length}) · esc: back</Text>
      {list.length === 0 ? <Text color="green">Nothing is failing.</Text> : null}
      {visible.map((f, i) => (
        <Box key={i} flexDirection="column">
          <Text color={f.severity >= 80 ? 'red' : 'yellow'} wrap="truncate">
            ● {f.what}
          </Text>
          <Text color="gray" wrap="truncate">
            {'  '}→ {f.next}
          </Text>
        </Box>
      ))}
    </Box>
  );
}

export function HelpView({ readonly }: { readonly: boolean }) {
  return (
    <Box flexDirection="column">
      <Text bold>Keys · esc: back</Text>
      {Object.values(KEYMAP).map((b) => (
        <Text key={b.label} color={readonly && 'mutates' in b && b.mutates ? 'gray' : undefined}>
          {b.label.padEnd(8)} {b.help}
          {readonly && 'mutates' in b && b.mutates ? ' (disabled: read-only)' : ''}
        </Text>
      ))}
      <Text bold>Commands</Text>
      {COMMAND_HELP.map((c) => (
        <Text key={c}>{c}</Text>
      ))}
    </Box>
  );
}
