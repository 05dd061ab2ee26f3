import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { BRAIN, gatewayName } from '../../core/apps.js';
import type { Backend } from './backend.js';
import { FailuresView, Header, HelpView, LogPane, QrView, TenantTable } from './components/views.js';
import { actionFor, KEYMAP, type Action } from './keymap.js';
import { filterRows, parseCommandLine, sortRows, type TenantRow } from './model.js';

type Overlay = 'none' | 'qr' | 'failures' | 'help';
type Prompt =
  | { kind: 'filter'; text: string }
  | { kind: 'command'; text: string }
  | { kind: 'confirm'; question: string; run: () => Promise<string> }
  | { kind: 'add'; field: 'id' | 'name' | 'transport'; id: string; name: string; text: string }
  | { kind: 'phone'; tenant: string; text: string };

export interface AppProps {
  backend: Backend;
  readonly?: boolean;
  /** Milliseconds between clock ticks (countdowns, ages); tests slow it down. */
  tickMs?: number;
}

function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const [size, setSize] = useState({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  useEffect(() => {
    const onResize = () => setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout]);
  return size;
}

/**
 * The operator console: one keypress router over a tenant table, a log pane, and overlays
 * (QR, failures, help) and prompts (filter, command, confirmation, add-tenant, phone). Every state
 * shown comes from the backend's snapshot, so a change appears only once the system confirms it.
 */
export function App({ backend, readonly = false, tickMs = 1_000 }: AppProps) {
  const { exit } = useApp();
  const { columns, rows: termRows } = useTerminalSize();
  const snapshot = useSyncExternalStore(backend.subscribe.bind(backend), () => backend.snapshot());
  const [now, setNow] = useState(Date.now());
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [overlay, setOverlay] = useState<Overlay>('none');
  // The prompt is also kept in a ref: keys can arrive faster than frames, and Enter must see every
  // character typed before it, not the text of the last render.
  const [prompt, setPromptState] = useState<Prompt | null>(null);
  const promptRef = useRef<Prompt | null>(null);
  const setPrompt = (next: Prompt | null | ((prev: Prompt | null) => Prompt | null)) => {
    promptRef.current = typeof next === 'function' ? next(promptRef.current) : next;
    setPromptState(promptRef.current);
  };
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);
  const [logTarget, setLogTarget] = useState<'gateway' | 'brain'>('gateway');
  const [logsOnly, setLogsOnly] = useState(false);
  const [errorsOnly, setErrorsOnly] = useState(false);
  const [follow, setFollow] = useState(true);
  const [held, setHeld] = useState<number | null>(null);
  const [pairing, setPairing] = useState<string | null>(null);
  const [scroll, setScroll] = useState(0);
  const [search, setSearch] = useState('');

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), tickMs);
    return () => clearInterval(timer);
  }, [tickMs]);

  const rows = useMemo(() => filterRows(sortRows(snapshot.rows), filter), [snapshot.rows, filter]);
  const selectedIndex = Math.max(0, rows.findIndex((r) => r.id === selectedId));
  const selected: TenantRow | undefined = rows[selectedIndex];
  const height = Math.max(5, termRows - 1);
  const twoPanes = columns >= 120;

  // What the key handler must see even when keys arrive before the next frame.
  const live = useRef({ overlay, selected });
  live.current = { overlay, selected };
  const logProcess = logTarget === 'brain' || !selected ? BRAIN : gatewayName(selected.id);
  const say = (text: string, error = false) => setMessage({ text, error });
  const run = (work: Promise<string>) =>
    work.then(
      (text) => say(text),
      (err: Error) => say(err.message, true),
    );

  const confirm = (question: string, work: () => Promise<string>) => setPrompt({ kind: 'confirm', question, run: work });

  const perform = (action: Action) => {
    const { selected } = live.current;
    const binding = KEYMAP[action] as { mutates?: boolean; label: string };
    if (readonly && binding.mutates) return say(`read-only console: ${binding.label} is disabled`, true);
    switch (action) {
      case 'quit':
        return exit();
      case 'up':
      case 'down':
        // From the latest selection, not this render's: keys can arrive faster than frames.
        return setSelectedId((prev) => {
          const at = Math.max(0, rows.findIndex((r) => r.id === prev));
          return rows[Math.min(rows.length - 1, Math.max(0, at + (action === 'up' ? -1 : 1)))]?.id ?? prev;
        });
      case 'logs':
        if (logTarget === 'brain') setLogTarget('gateway');
        else setLogsOnly((v) => !twoPanes && !v);
        return;
      case 'brainLogs':
        setLogTarget('brain');
        if (!twoPanes) setLogsOnly(true);
        return;
      case 'errorsOnly':
        return setErrorsOnly((v) => !v);
      case 'follow':
        setHeld(follow ? backend.logs(logProcess).length : null);
        return setFollow((v) => !v);
      case 'qr':
        setPairing(null);
        return setOverlay('qr');
      case 'failures':
        return setOverlay('failures');
      case 'help':
        return setOverlay('help');
      case 'back':
        setOverlay('none');
        setLogsOnly(false);
        return setMessage(null);
      case 'filter':
        return setPrompt({ kind: 'filter', text: filter });
      case 'command':
        return setPrompt({ kind: 'command', text: '' });
      case 'add':
        return setPrompt({ kind: 'add', field: 'id', id: '', name: '', text: '' });
      case 'handoff': {
        if (!selected) return;
        const on = !selected.handoff;
        return confirm(`Turn handoff ${on ? 'ON' : 'OFF'} for ${selected.id} (${selected.name})? ${on ? 'The bot stops answering.' : 'The bot answers again.'} y/n`, async () => {
          say(`waiting for ${selected.id}'s gateway…`);
          const confirmed = await backend.handoff(selected.id, on);
          return `${selected.id}: handoff ${confirmed ? 'ON' : 'off'} (confirmed by the gateway)`;
        });
      }
      case 'restart':
        if (!selected) return;
        return confirm(`Restart ${gatewayName(selected.id)}? Queued messages are kept. y/n`, async () => {
          await backend.restart(gatewayName(selected.id));
          return `${gatewayName(selected.id)} restarted`;
        });
      case 'startStop': {
        if (!selected) return;
        const running = selected.pm2 === 'online' || selected.pm2 === 'launching';
        return confirm(`${running ? 'Stop' : 'Start'} ${gatewayName(selected.id)}? y/n`, async () => {
          await (running ? backend.stop(gatewayName(selected.id)) : backend.start(gatewayName(selected.id)));
          return `${gatewayName(selected.id)} ${running ? 'stopped' : 'started'}`;
        });
      }
    }
  };

  const runCommand = (line: string) => {
    const cmd = parseCommandLine(line);
    if (cmd.kind === 'error') return say(cmd.message, true);
    if (cmd.kind === 'quit') return exit();
    if (cmd.kind === 'tenant') {
      if (!snapshot.rows.some((r) => r.id === cmd.id)) return say(`no tenant "${cmd.id}"`, true);
      setFilter('');
      return setSelectedId(cmd.id);
    }
    if (readonly) return say('read-only console: commands that change things are disabled', true);
    if (cmd.kind === 'handoff') {
      if (!snapshot.rows.some((r) => r.id === cmd.id)) return say(`no tenant "${cmd.id}"`, true);
      return confirm(`Turn handoff ${cmd.on ? 'ON' : 'OFF'} for ${cmd.id}? y/n`, async () => `${cmd.id}: handoff ${(await backend.handoff(cmd.id, cmd.on)) ? 'ON' : 'off'} (confirmed by the gateway)`);
    }
    const name = cmd.target === 'brain' ? BRAIN : cmd.target === 'monitor' ? 'wr-monitor' : gatewayName(cmd.target);
    if (name.startsWith('wr-gw-') && !snapshot.rows.some((r) => r.id === cmd.target)) return say(`no tenant "${cmd.target}"`, true);
    return confirm(`Restart ${name}? y/n`, async () => {
      await backend.restart(name);
      return `${name} restarted`;
    });
  };

  const onPromptKey = (current: Prompt, input: string, key: { return?: boolean; escape?: boolean; backspace?: boolean; delete?: boolean; tab?: boolean }) => {
    let p = current;
    if (key.escape) return setPrompt(null);
    if (p.kind === 'confirm') {
      if (input === 'y' || input === 'Y') {
        setPrompt(null);
        void run(p.run());
      } else if (input === 'n' || input === 'N' || key.return) {
        setPrompt(null);
        say('cancelled');
      }
      return;
    }
    // Functional updates: typed characters can arrive faster than frames.
    const edit = (change: (text: string) => string) =>
      setPrompt((prev) => {
        if (!prev || prev.kind === 'confirm') return prev;
        const text = change(prev.text);
        if (prev.kind === 'filter') setFilter(text);
        return { ...prev, text } as Prompt;
      });
    if (key.backspace || key.delete) return edit((t) => t.slice(0, -1));
    if (!key.return) {
      if (input && !key.tab) edit((t) => t + input);
      return;
    }
    p = promptRef.current ?? p;
    setPrompt(null);
    if (p.kind === 'filter') return setFilter(p.text);
    if (p.kind === 'command') return runCommand(p.text);
    if (p.kind === 'phone') return void run(backend.pairingCode(p.tenant, p.text).then((code) => (setPairing(code), `pairing code for ${p.tenant}: ${code} (WhatsApp → Linked devices → Link with phone number)`)));
    if (p.kind === 'add') {
      if (p.field === 'id') return setPrompt({ ...p, field: 'name', id: p.text.trim(), text: '' });
      if (p.field === 'name') return setPrompt({ ...p, field: 'transport', name: p.text.trim(), text: 'baileys' });
      const transport = p.text.trim() === 'simulator' ? 'simulator' : p.text.trim() === 'baileys' ? 'baileys' : null;
      if (!transport) return say('transport must be baileys or simulator', true);
      say(`adding ${p.id}…`);
      void run(backend.addTenant({ id: p.id, name: p.name, transport }).then((text) => (setSelectedId(p.id), text)));
    }
  };

  useInput((input, key) => {
    if (promptRef.current) return onPromptKey(promptRef.current, input, key);
    const { overlay: shown, selected: current } = live.current;
    if (shown === 'qr' && input === 'c' && current) {
      if (readonly) return say('read-only console: pairing is disabled', true);
      return setPrompt({ kind: 'phone', tenant: current.id, text: '' });
    }
    const action = actionFor(input, key);
    if (action) perform(action);
  });

  const allLines = backend.logs(logProcess);
  const lines = follow || held === null ? allLines : allLines.slice(0, held);

  const bodyHeight = height - 2;
  let body;
  if (overlay === 'qr' && selected) body = <QrView row={selected} qr={snapshot.qr[selected.id]} columns={columns} rows={bodyHeight} now={now} pairing={pairing} />;
  else if (overlay === 'qr') body = <Text>No tenant selected. (esc: back)</Text>;
  else if (overlay === 'failures') body = <FailuresView s={snapshot} height={bodyHeight} />;
  else if (overlay === 'help') body = <HelpView readonly={readonly} />;
  else if (logsOnly) body = <LogPane process={logProcess} lines={lines} height={bodyHeight} width={columns} errorsOnly={errorsOnly} follow={follow} scroll={scroll} search={search} />;
  else if (twoPanes)
    body = (
      <Box>
        <Box width={Math.floor(columns * 0.55)}>
          <TenantTable rows={rows} selected={selectedIndex} height={bodyHeight} width={Math.floor(columns * 0.55)} now={now} />
        </Box>
        <LogPane process={logProcess} lines={lines} height={bodyHeight} width={columns - Math.floor(columns * 0.55) - 1} errorsOnly={errorsOnly} follow={follow} scroll={scroll} search={search} />
      </Box>
    );
  else body = <TenantTable rows={rows} selected={selectedIndex} height={bodyHeight} width={columns} now={now} />;

  let footer;
  if (prompt?.kind === 'confirm') footer = <Text color="yellow">{prompt.question}</Text>;
  else if (prompt?.kind === 'filter') footer = <Text>/{prompt.text}▏</Text>;
  else if (prompt?.kind === 'command') footer = <Text>:{prompt.text}▏</Text>;
  else if (prompt?.kind === 'phone') footer = <Text>phone number with country code for {prompt.tenant}'s pairing code: {prompt.text}▏</Text>;
  else if (prompt?.kind === 'add') footer = <Text>new tenant {prompt.field === 'id' ? 'id (a-z, 0-9, -)' : prompt.field === 'name' ? 'business name' : 'transport (baileys|simulator)'}: {prompt.text}▏ (esc cancels)</Text>;
  else if (message) footer = <Text color={message.error ? 'red' : 'green'} wrap="truncate">{message.text}</Text>;
  else footer = <Text color="gray" wrap="truncate">↑↓ select · enter log · p QR · h handoff · R restart · S stop/start · F failures · a add · / filter · : cmd · ? help · q quit{filter ? ` · filter "${filter}"` : ''}</Text>;

  return (
    <Box flexDirection="column" height={height} width={columns}>
      <Header s={snapshot} now={now} readonly={readonly} />
      <Box flexGrow={1} flexDirection="column" overflow="hidden">
        {body}
      </Box>
      {footer}
    </Box>
  );
}
