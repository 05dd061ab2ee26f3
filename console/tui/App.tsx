import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { BRAIN, gatewayName, MONITOR, tenantOfGateway } from '../../core/apps.js';
import { isTenantId } from '../../core/paths.js';
import type { Conversation } from '../brain-api.js';
import type { Backend } from './backend.js';
// Loaded with the UI, so the console, its tests and the frame bench all draw with it.
import './ink-output-cache.js';
import { ConversationsView, EscalationsView, FailuresView, Footer, Header, HelpView, LogPane, MessagesView, QrView, tableLayout, TenantTable } from './components/views.js';
import { actionFor, isDangerous, keyLabel, KEYMAP, PASTE_END, PASTE_START, pastedText, splitKeys, unboundKey, type Action, type KeyEvent, type View } from './keymap.js';
import { ALL_LOGS, completeCommand, failures, filterRows, parseCommandLine, processOf, serviceRows, sortRows, type TenantRow } from './model.js';

type Prompt =
  | { kind: 'filter'; text: string }
  | { kind: 'search'; text: string }
  | { kind: 'command'; text: string }
  | { kind: 'confirm'; question: string; run: () => Promise<string> }
  | { kind: 'add'; field: 'id' | 'name' | 'transport'; id: string; name: string; text: string }
  | { kind: 'phone'; tenant: string; text: string };

export interface AppProps {
  backend: Backend;
  readonly?: boolean;
  /** Milliseconds between clock ticks (countdowns, ages); tests slow it down. */
  tickMs?: number;
  /** Milliseconds between refreshes of an open conversation list. */
  refreshMs?: number;
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

const clamp = (i: number, length: number) => Math.min(Math.max(0, i), Math.max(0, length - 1));

/**
 * The operator console: one keypress router over a stack of views (table, log, failures,
 * escalations, conversations, messages, QR, help) and prompts (filter, search, command,
 * confirmation, add-tenant, phone). Every state shown comes from the backend, so a change appears
 * only once the system confirms it. Keys come from the key map, per view.
 */
export function App({ backend, readonly = false, tickMs = 1_000, refreshMs = 5_000 }: AppProps) {
  const { exit } = useApp();
  const { columns, rows: termRows } = useTerminalSize();
  const snapshot = useSyncExternalStore(backend.subscribe.bind(backend), () => backend.snapshot());
  const [now, setNow] = useState(Date.now());
  /** The selected row's PM2 process name (a tenant's gateway, the brain or the monitor). */
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [stack, setStack] = useState<View[]>(['table']);
  const view = stack.at(-1)!;
  // Prompt and view are also kept in refs: keys can arrive faster than frames, and each key must
  // see every key before it, not the state of the last render.
  const [prompt, setPromptState] = useState<Prompt | null>(null);
  const promptRef = useRef<Prompt | null>(null);
  const setPrompt = (next: Prompt | null | ((prev: Prompt | null) => Prompt | null)) => {
    promptRef.current = typeof next === 'function' ? next(promptRef.current) : next;
    setPromptState(promptRef.current);
  };
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);
  const [logSource, setLogSource] = useState<string | null>(null);
  const [errorsOnly, setErrorsOnly] = useState(false);
  const [held, setHeld] = useState<number | null>(null);
  const [scroll, setScroll] = useState(0);
  const [search, setSearch] = useState('');
  // The QR view shows the tenant it was opened for: the selection may move under it (a tenant that
  // pairs re-sorts the table, and an unchosen selection follows the worst tenant), and a QR or a
  // pairing code shown under another tenant's name links the wrong business.
  const [qrTenant, setQrTenant] = useState<string | null>(null);
  const [pairing, setPairing] = useState<{ tenant: string; code: string } | null>(null);
  // Cursors of the list views, in a ref for keys that arrive before the next frame; the state re-renders.
  const cursorRef = useRef<Partial<Record<View, number>>>({});
  const [, setCursorState] = useState(cursorRef.current);
  const [convTenant, setConvTenant] = useState<string | null>(null);
  type Conversations = { tenant: string; list: Conversation[] } | { tenant: string; error: string } | null;
  const [conversations, setConversationsState] = useState<Conversations>(null);
  // Also in a ref: whether the list has come decides whether a key waits for it, before the next frame.
  const conversationsRef = useRef<Conversations>(null);
  const setConversations = (next: Conversations) => setConversationsState((conversationsRef.current = next));
  const [convSender, setConvSender] = useState<string | null>(null);
  const [chatHandoff, setChatHandoff] = useState<Record<string, boolean>>({});
  const history = useRef<string[]>([]);
  const historyAt = useRef(0);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), tickMs);
    return () => clearInterval(timer);
  }, [tickMs]);

  const loadConversations = (tenant: string) =>
    backend.conversations(tenant).then(
      (list) => setConversations({ tenant, list }),
      (err: Error) => setConversations({ tenant, error: err.message }),
    );
  useEffect(() => {
    if (!convTenant || (view !== 'conversations' && view !== 'messages')) return;
    void loadConversations(convTenant);
    const timer = setInterval(() => void loadConversations(convTenant), refreshMs);
    return () => clearInterval(timer);
  }, [convTenant, view, refreshMs]);

  const services = useMemo(() => serviceRows(snapshot), [snapshot.brain, snapshot.monitor, snapshot.monitorApi, snapshot.escalations]);
  const rows = useMemo(() => filterRows([...services, ...sortRows(snapshot.rows)], filter), [services, snapshot.rows, filter]);
  // Until a row is chosen, the worst tenant is (the brain and monitor sit above the tenants).
  const rowIndex = (id: string | null) => {
    const i = rows.findIndex((r) => processOf(r) === id);
    return i >= 0 ? i : Math.max(0, rows.findIndex((r) => !r.service));
  };
  const tableNatural = useMemo(() => tableLayout(rows, Infinity).natural, [rows]);
  const selectedIndex = rowIndex(selectedId);
  const selected: TenantRow | undefined = rows[selectedIndex];
  const failureList = useMemo(() => failures(snapshot), [snapshot]);
  const convList = conversations && 'list' in conversations && conversations.tenant === convTenant ? conversations.list : [];
  const height = Math.max(5, termRows - 1);
  const bodyHeight = height - 3 - (snapshot.warnings.length ? 1 : 0);
  const twoPanes = columns >= 120;
  const logProcess = logSource ?? (selected ? processOf(selected) : BRAIN);
  const at = (v: View, length: number) => clamp(cursorRef.current[v] ?? 0, length);

  // What the key handler must see even when keys arrive before the next frame.
  /**
   * What a view still waits for (a list from the brain, a log's history from PM2's files), or null.
   * A key pressed meanwhile waits too: handled now, it would act on an empty list (a cursor that
   * cannot move, an enter on nothing, or an `h` that fell through to the tenant).
   */
  const loadingOf = (o: { view: View; convTenant: string | null; logSource: string | null; selected: TenantRow | undefined; conversations: Conversations; escalationsLoading?: boolean }): string | null => {
    if (o.view === 'conversations' || o.view === 'messages') return o.conversations?.tenant === o.convTenant ? null : `${o.convTenant}'s conversations`;
    if (o.view === 'escalations') return o.escalationsLoading ? 'the list of waiting customers' : null;
    if (o.view === 'log') {
      const p = o.logSource ?? (o.selected ? processOf(o.selected) : BRAIN);
      return backend.logLoading?.(p) ? `the log of ${p === ALL_LOGS ? 'every process' : p}` : null;
    }
    return null;
  };
  // As this frame shows it: the key handlers of this frame see exactly this.
  const loadingHere = loadingOf({ view, convTenant, logSource, selected, conversations, escalationsLoading: snapshot.escalationsLoading });
  const live = useRef({ view, selected, stack, qrTenant, convTenant, logSource, loading: loadingHere });
  live.current = { view, selected, stack, qrTenant, convTenant, logSource, loading: loadingHere };
  /**
   * Loading, as the keys before this one left it (a view they opened) or as this frame still shows
   * it (what came since is not drawn yet, so this frame's handlers would not see it).
   */
  const loadingNow = (): string | null =>
    loadingOf({ ...live.current, conversations: conversationsRef.current, escalationsLoading: backend.snapshot().escalationsLoading }) ?? live.current.loading;
  const queue = useRef<{ input: string; key: KeyEvent }[]>([]);
  const [waiting, setWaiting] = useState<{ what: string; keys: string[] } | null>(null);
  const showQueue = () => setWaiting(queue.current.length ? { what: loadingNow() ?? 'the view', keys: queue.current.map((k) => keyLabel(k.input, k.key)) } : null);
  const openConversations = (tenant: string) => {
    setConvTenant((live.current.convTenant = tenant));
    setConversations(null);
  };

  const say = (text: string, error = false) => setMessage({ text, error });
  const run = (work: Promise<string>) =>
    work.then(
      (text) => say(text),
      (err: Error) => say(err.message, true),
    );
  const confirm = (question: string, work: () => Promise<string>) => setPrompt({ kind: 'confirm', question, run: work });
  const push = (v: View) => {
    const next = [...live.current.stack.filter((s) => s !== v), v];
    live.current.stack = next;
    live.current.view = v;
    setStack(next);
  };
  const pop = () => {
    const next = live.current.stack.length > 1 ? live.current.stack.slice(0, -1) : live.current.stack;
    live.current.stack = next;
    live.current.view = next.at(-1)!;
    setStack(next);
  };
  const openLog = (source: string | null) => {
    setLogSource((live.current.logSource = source));
    setScroll(0);
    setHeld(null);
    if (live.current.view === 'table' && twoPanes && source !== null) return;
    push('log');
  };
  const moveCursor = (v: View, by: number, length: number) => {
    cursorRef.current = { ...cursorRef.current, [v]: clamp((cursorRef.current[v] ?? 0) + by, length) };
    setCursorState(cursorRef.current);
  };
  const scrollBy = (by: number) => {
    const total = backend.logs(logProcess).length;
    setScroll((s) => {
      const next = Math.max(0, s + by);
      // Scrolled up: hold the log where it is; back at the end: follow again.
      setHeld((h) => (next === 0 ? null : (h ?? total)));
      return next;
    });
  };

  const restartOrStop = (name: string | undefined, verb: 'restart' | 'startStop', status?: string) => {
    if (!name) return say('this item has no process to act on', true);
    if (verb === 'restart') {
      return confirm(`Restart ${name}? ${name.startsWith('wr-gw-') ? 'Queued messages are kept. ' : ''}y/n`, async () => {
        await backend.restart(name);
        return `${name} restarted`;
      });
    }
    // A crash loop ('waiting restart') runs again by itself: S must stop it, not offer to start it.
    const running = status === 'online' || status === 'launching' || status === 'waiting restart' || status === 'stopping';
    return confirm(`${running ? 'Stop' : 'Start'} ${name}? y/n`, async () => {
      await (running ? backend.stop(name) : backend.start(name));
      return `${name} ${running ? 'stopped' : 'started'}`;
    });
  };
  const statusOf = (name: string): string | undefined => {
    if (name === BRAIN) return snapshot.brain.pm2;
    if (name === MONITOR) return snapshot.monitor?.pm2;
    return snapshot.rows.find((r) => r.id === tenantOfGateway(name))?.pm2;
  };

  const toggleChatHandoff = (tenant: string, sender: string) => {
    const on = !chatHandoff[`${tenant} ${sender}`];
    confirm(`Turn handoff ${on ? 'ON' : 'OFF'} for the chat with ${sender} (${tenant})? ${on ? 'The bot stops answering this customer.' : 'The bot answers this customer again.'} y/n`, async () => {
      const confirmed = await backend.chatHandoff(tenant, sender, on);
      setChatHandoff((h) => ({ ...h, [`${tenant} ${sender}`]: confirmed }));
      return `${tenant} · ${sender}: chat handoff ${confirmed ? 'ON' : 'off'} (confirmed by the gateway)`;
    });
  };

  const perform = (action: Action) => {
    const { selected, view } = live.current;
    if (readonly && isDangerous(action)) return say(`read-only console: ${KEYMAP[action].label} is disabled`, true);
    const failure = failureList[at('failures', failureList.length)];
    const escalation = snapshot.escalations[at('escalations', snapshot.escalations.length)];
    const conversation = convList[at('conversations', convList.length)];
    switch (action) {
      case 'quit':
        return exit();
      case 'up':
      case 'down': {
        const by = action === 'up' ? -1 : 1;
        if (view === 'log' || view === 'messages') return scrollBy(-by);
        if (view === 'table')
          // From the latest selection, not this render's: keys can arrive faster than frames.
          return setSelectedId((prev) => {
            const next = rows[clamp(rowIndex(prev) + by, rows.length)];
            return next ? processOf(next) : prev;
          });
        const length = view === 'failures' ? failureList.length : view === 'escalations' ? snapshot.escalations.length : convList.length;
        return moveCursor(view, by, length);
      }
      case 'pageUp':
      case 'pageDown':
        return scrollBy((action === 'pageUp' ? 1 : -1) * Math.max(1, bodyHeight - 2));
      case 'open':
        if (view === 'table') {
          if (!selected) return;
          // The brain's and the monitor's rows open their log, full screen.
          if (selected.service) {
            openLog(selected.service);
            return push('log');
          }
          openConversations(selected.id);
          return push('conversations');
        }
        if (view === 'failures') {
          if (failure?.escalations) return push('escalations');
          if (!failure?.process) return say('this item has no log: see what to do next under it', true);
          return openLog(failure.process);
        }
        if (view === 'escalations') {
          if (!escalation) return say('nobody is waiting: there is no conversation to open', true);
          openConversations(escalation.tenant);
          setConvSender(escalation.sender);
          setScroll(0);
          return push('messages');
        }
        if (view === 'conversations') {
          if (!conversation) return say(`${convTenant} has no conversation to open${conversations && 'error' in conversations ? ' (the brain did not answer)' : ''}`, true);
          setConvSender(conversation.sender);
          setScroll(0);
          return push('messages');
        }
        return;
      case 'logs':
        if (view === 'log') return pop();
        if (view === 'failures') return openLog(failure?.process ?? null);
        setLogSource((live.current.logSource = null));
        setScroll(0);
        setHeld(null);
        return push('log');
      case 'brainLogs':
        return openLog(BRAIN);
      case 'monitorLogs':
        return openLog(MONITOR);
      case 'allLogs':
        return openLog(ALL_LOGS);
      case 'errorsOnly':
        setScroll(0);
        return setErrorsOnly((v) => !v);
      case 'follow':
        setScroll(0);
        return setHeld((h) => (h === null ? backend.logs(logProcess).length : null));
      case 'qr':
        if (selected?.service) return say(`the ${selected.id} has no WhatsApp session: select a tenant for its QR`, true);
        if (!selected) return say('no tenant selected: press a to add one', true);
        setPairing(null);
        setQrTenant((live.current.qrTenant = selected.id));
        setSelectedId(processOf(selected));
        return push('qr');
      case 'failures':
        return push('failures');
      case 'escalations':
        return push('escalations');
      case 'help':
        return push('help');
      case 'back':
        setMessage(null);
        if (view === 'table') return setFilter('');
        if (view === 'log' && search) return setSearch('');
        return pop();
      case 'filter':
        // A message from before the prompt would read as the prompt's own refusal.
        setMessage(null);
        if (view === 'log') return setPrompt({ kind: 'search', text: search });
        return setPrompt({ kind: 'filter', text: filter });
      case 'command':
        setMessage(null);
        historyAt.current = history.current.length;
        return setPrompt({ kind: 'command', text: '' });
      case 'add':
        setMessage(null);
        return setPrompt({ kind: 'add', field: 'id', id: '', name: '', text: '' });
      case 'resolve':
        if (!escalation) return say('nobody is waiting: nothing to resolve', true);
        return confirm(`Mark ${escalation.tenant}'s escalation from ${escalation.sender} resolved? y/n`, async () => {
          await backend.resolveEscalation(escalation.tenant, escalation.id);
          return `${escalation.tenant}: escalation from ${escalation.sender} resolved`;
        });
      case 'handoff': {
        if (view === 'conversations' && convTenant && conversation) return toggleChatHandoff(convTenant, conversation.sender);
        if (view === 'messages' && convTenant && convSender) return toggleChatHandoff(convTenant, convSender);
        // Never the whole tenant from a chat's view: an empty list is no reason to switch every chat.
        if (view === 'conversations' || view === 'messages') return say(`no conversation selected: h here is one chat's handoff (esc, then h on the table, for all of ${convTenant}'s chats)`, true);
        if (!selected) return say('no tenant selected', true);
        if (selected.service) return say(`handoff is per tenant: select a tenant, not the ${selected.id}`, true);
        if (selected.pm2 !== 'online' || selected.handoff === null)
          return say(`${selected.id}'s gateway is ${selected.pm2 === 'online' ? 'not answering' : selected.pm2}: handoff needs it running (S starts it)`, true);
        const on = !selected.handoff;
        return confirm(`Turn handoff ${on ? 'ON' : 'OFF'} for ${selected.id} (${selected.name})? ${on ? 'The bot stops answering.' : 'The bot answers again.'} y/n`, async () => {
          say(`waiting for ${selected.id}'s gateway…`);
          const confirmed = await backend.handoff(selected.id, on);
          return `${selected.id}: handoff ${confirmed ? 'ON' : 'off'} (confirmed by the gateway)`;
        });
      }
      case 'restart':
      case 'startStop': {
        const name = view === 'failures' ? failure?.process : selected ? processOf(selected) : undefined;
        return restartOrStop(name, action, name ? statusOf(name) : undefined);
      }
    }
  };

  const runCommand = (line: string) => {
    const cmd = parseCommandLine(line);
    if (cmd.kind === 'error') return say(cmd.message, true);
    if (line.trim()) history.current = [...history.current.filter((h) => h !== line.trim()), line.trim()].slice(-50);
    if (cmd.kind === 'quit') return exit();
    if (cmd.kind === 'tenant') {
      if (!snapshot.rows.some((r) => r.id === cmd.id)) return say(`no tenant "${cmd.id}"`, true);
      setFilter('');
      return setSelectedId(gatewayName(cmd.id));
    }
    if (readonly) return say('read-only console: commands that change things are disabled', true);
    if (cmd.kind === 'handoff') {
      if (!snapshot.rows.some((r) => r.id === cmd.id)) return say(`no tenant "${cmd.id}"`, true);
      return confirm(`Turn handoff ${cmd.on ? 'ON' : 'OFF'} for ${cmd.id}? y/n`, async () => `${cmd.id}: handoff ${(await backend.handoff(cmd.id, cmd.on)) ? 'ON' : 'off'} (confirmed by the gateway)`);
    }
    const name = cmd.target === 'brain' ? BRAIN : cmd.target === 'monitor' ? MONITOR : gatewayName(cmd.target);
    if (tenantOfGateway(name) !== undefined && !snapshot.rows.some((r) => r.id === cmd.target)) return say(`no tenant "${cmd.target}"`, true);
    return restartOrStop(name, 'restart');
  };

  // Functional updates: typed characters can arrive faster than frames.
  const edit = (change: (text: string) => string) =>
    setPrompt((prev) => {
      if (!prev || prev.kind === 'confirm') return prev;
      const text = change(prev.text);
      if (prev.kind === 'filter') setFilter(text);
      if (prev.kind === 'search') {
        setSearch(text);
        setScroll(0);
      }
      return { ...prev, text } as Prompt;
    });

  /** Pasted text goes into the open prompt as it is; it is never read as keys (a pasted "q" does not quit). */
  const onPaste = (text: string) => {
    const p = promptRef.current;
    if (!p || p.kind === 'confirm') return say('paste ignored: open a prompt first (/ filter, : command, a add)', true);
    edit((t) => t + text);
  };

  const onPromptKey = (current: Prompt, input: string, key: KeyEvent) => {
    if (key.escape) {
      if (current.kind === 'search') setSearch('');
      return setPrompt(null);
    }
    if (current.kind === 'confirm') {
      if (input === 'y' || input === 'Y') {
        setPrompt(null);
        void run(current.run());
      } else if (input === 'n' || input === 'N' || key.return) {
        setPrompt(null);
        say('cancelled');
      }
      return;
    }
    if (current.kind === 'command' && (key.upArrow || key.downArrow)) {
      historyAt.current = clamp(historyAt.current + (key.upArrow ? -1 : 1), history.current.length + 1);
      return edit(() => history.current[historyAt.current] ?? '');
    }
    if (key.tab) {
      if (current.kind === 'command') edit((t) => completeCommand(t, snapshot.rows.map((r) => r.id)));
      return;
    }
    if (key.backspace || key.delete) return edit((t) => t.slice(0, -1));
    if (!key.return) {
      if (input) edit((t) => t + input);
      return;
    }
    const p = promptRef.current ?? current;
    setPrompt(null);
    if (p.kind === 'filter') return setFilter(p.text);
    if (p.kind === 'search') return setSearch(p.text);
    if (p.kind === 'command') return runCommand(p.text);
    if (p.kind === 'phone') return void run(backend.pairingCode(p.tenant, p.text).then((code) => (setPairing({ tenant: p.tenant, code }), `pairing code for ${p.tenant}: ${code} (WhatsApp → Linked devices → Link with phone number)`)));
    if (p.kind === 'add') {
      if (p.field === 'id') {
        // Checked now, not after all three fields are typed.
        const id = p.text.trim();
        if (!isTenantId(id)) return setPrompt({ ...p, text: id }), say('the id must be 1-32 lowercase letters, digits or dashes, starting with a letter or digit', true);
        if (snapshot.rows.some((r) => r.id === id)) return setPrompt({ ...p, text: id }), say(`tenant "${id}" already exists`, true);
        setMessage(null);
        return setPrompt({ ...p, field: 'name', id, text: '' });
      }
      if (p.field === 'name') {
        if (!p.text.trim()) return setPrompt(p), say('the business name is required', true);
        return setPrompt({ ...p, field: 'transport', name: p.text.trim(), text: 'baileys' });
      }
      const transport = p.text.trim() === 'simulator' ? 'simulator' : p.text.trim() === 'baileys' ? 'baileys' : null;
      if (!transport) return setPrompt(p), say('transport must be baileys or simulator', true);
      say(`adding ${p.id}…`);
      void run(backend.addTenant({ id: p.id, name: p.name, transport }).then((text) => (setSelectedId(gatewayName(p.id)), text)));
    }
  };

  const handleKey = (input: string, key: KeyEvent) => {
    if (promptRef.current) return onPromptKey(promptRef.current, input, key);
    const { view: shown, qrTenant: pairs } = live.current;
    if (shown === 'qr' && input === 'c' && pairs) {
      if (readonly) return say('read-only console: pairing is disabled', true);
      setMessage(null);
      return setPrompt({ kind: 'phone', tenant: pairs, text: '' });
    }
    const action = actionFor(input, key, shown);
    if (action) return perform(action);
    const why = unboundKey(input, key, shown);
    if (why) say(why, true);
  };

  /** Keys wait, in order, while the view loads; esc leaves it and says which keys were not applied. */
  const onKey = (input: string, key: KeyEvent) => {
    const loading = loadingNow();
    if (!queue.current.length && (!loading || promptRef.current)) return handleKey(input, key);
    if (key.escape && loading) {
      const dropped = queue.current.map((k) => keyLabel(k.input, k.key));
      queue.current = [];
      showQueue();
      setPrompt(null);
      pop();
      return dropped.length ? say(`left before ${loading} came: ${dropped.join(' ')} not applied`) : setMessage(null);
    }
    queue.current.push({ input, key });
    showQueue();
  };
  // One waiting key per frame, once the view has what it waited for: each key sees the state every
  // key before it left (a replayed enter opens a chat, the next h is that chat's).
  useEffect(() => {
    if (!queue.current.length || loadingHere) return;
    const next = queue.current.shift()!;
    showQueue();
    handleKey(next.input, next.key);
  });

  // Inside a bracketed paste (the terminal marks its start and end): text, whatever it holds.
  const pasting = useRef(false);
  useInput((input, key) => {
    if (input === PASTE_START || input === PASTE_END) {
      pasting.current = input === PASTE_START;
      return;
    }
    if (pasting.current) return onPaste(pastedText(input, key));
    for (const k of splitKeys(input, key)) onKey(k.input, k.key);
  });

  const showsLog = view === 'log' || (view === 'table' && twoPanes);
  const allLines = showsLog ? backend.logs(logProcess) : [];
  const lines = held === null ? allLines : allLines.slice(0, held);
  const logPane = (width: number) => <LogPane process={logProcess} lines={lines} height={bodyHeight} width={width} errorsOnly={errorsOnly} follow={held === null} scroll={scroll} search={search} loading={showsLog && (backend.logLoading?.(logProcess) ?? false)} />;

  let body;
  const qrRow = view === 'qr' ? snapshot.rows.find((r) => r.id === qrTenant) : undefined;
  if (qrRow) body = <QrView row={qrRow} qr={snapshot.qr[qrRow.id]} columns={columns} rows={bodyHeight} chrome={termRows - bodyHeight} now={now} pairing={pairing?.tenant === qrRow.id ? pairing.code : null} />;
  else if (view === 'qr') body = <Text>{qrTenant ? `Tenant ${qrTenant} is no longer registered.` : 'No tenant selected.'} (esc: back)</Text>;
  else if (view === 'failures') body = <FailuresView list={failureList} cursor={at('failures', failureList.length)} height={bodyHeight} />;
  else if (view === 'escalations') body = <EscalationsView list={snapshot.escalations} cursor={at('escalations', snapshot.escalations.length)} height={bodyHeight} now={now} brainUp={snapshot.brain.healthy !== false && snapshot.brain.pm2 === 'online'} loading={snapshot.escalationsLoading === true} />;
  else if (view === 'conversations') body = <ConversationsView tenant={convTenant ?? ''} state={conversations?.tenant === convTenant ? conversations : null} cursor={at('conversations', convList.length)} height={bodyHeight} now={now} handoff={chatHandoff} />;
  else if (view === 'messages') body = <MessagesView tenant={convTenant ?? ''} sender={convSender ?? ''} state={conversations?.tenant === convTenant ? conversations : null} height={bodyHeight} width={columns} scroll={scroll} handoff={chatHandoff[`${convTenant} ${convSender}`]} />;
  else if (view === 'help') body = <HelpView view={stack.at(-2) ?? 'table'} readonly={readonly} height={bodyHeight} width={columns} />;
  else if (view === 'log') body = logPane(columns);
  else if (twoPanes) {
    // The table takes what its columns can use (long business names whole); the log keeps a quarter, 50 columns at least.
    const left = Math.min(tableNatural, columns - Math.max(50, Math.floor(columns * 0.25)));
    body = (
      <Box>
        <Box width={left}>
          <TenantTable rows={rows} selected={selectedIndex} height={bodyHeight} width={left} now={now} filter={filter} />
        </Box>
        <Box width={1} />
        {logPane(columns - left - 1)}
      </Box>
    );
  } else body = <TenantTable rows={rows} selected={selectedIndex} height={bodyHeight} width={columns} now={now} filter={filter} />;

  let promptLine: string | null = null;
  if (prompt?.kind === 'filter') promptLine = `/${prompt.text}▏`;
  else if (prompt?.kind === 'search') promptLine = `search the log: ${prompt.text}▏ (enter keeps it, esc clears)`;
  else if (prompt?.kind === 'command') promptLine = `:${prompt.text}▏ (tab completes, ↑ recalls)`;
  else if (prompt?.kind === 'phone') promptLine = `phone number with country code for ${prompt.tenant}'s pairing code: ${prompt.text}▏`;
  else if (prompt?.kind === 'add') promptLine = `new tenant ${prompt.field === 'id' ? 'id (a-z, 0-9, -)' : prompt.field === 'name' ? 'business name' : 'transport (baileys|simulator)'}: ${prompt.text}▏ (esc cancels)`;

  return (
    <Box flexDirection="column" height={height} width={columns}>
      <Header s={snapshot} now={now} readonly={readonly} />
      {/* Clipped at the bottom only: rows are cut to the width where they are built, and a horizontal clip would re-slice every line of every frame. */}
      <Box flexGrow={1} flexDirection="column" overflowY="hidden">
        {body}
      </Box>
      <Footer view={view} readonly={readonly} filter={filter} question={prompt?.kind === 'confirm' ? prompt.question : null} prompt={promptLine} message={waiting ? { text: `waiting for ${waiting.what}: ${waiting.keys.join(' ')} (applied as soon as it comes; esc: back, not applied)` } : message} />
    </Box>
  );
}
