import { describe, expect, it } from 'vitest';
import { emptySnapshot, failures, filterRows, formatAge, parseCommandLine, severity, sortRows, windowRows } from '../../console/tui/model.js';
import { row } from '../helpers/rows.js';

describe('console model', () => {
  it('sorts the worst first: crash loops, logged out, parked, stopped … healthy last', () => {
    const rows = [row('ok'), row('loop', { pm2: 'waiting restart' }), row('parked', { wa: 'parked' }), row('out', { wa: 'logged_out' }), row('stopped', { pm2: 'stopped', wa: null }), row('qr', { wa: 'qr' }), row('hand', { handoff: true })];
    expect(sortRows(rows).map((r) => r.id)).toEqual(['loop', 'out', 'parked', 'stopped', 'qr', 'hand', 'ok']);
    expect(severity(row('x', { pm2: 'errored' }))).toBe(100);
  });

  it('filters on id, name and status', () => {
    const rows = [row('clinic-a', { name: 'Sonrisa' }), row('salon-b', { wa: 'qr' })];
    expect(filterRows(rows, 'sonr').map((r) => r.id)).toEqual(['clinic-a']);
    expect(filterRows(rows, 'QR').map((r) => r.id)).toEqual(['salon-b']);
    expect(filterRows(rows, ' ')).toHaveLength(2);
  });

  it('renders only the window of rows that fits, keeping the selection visible', () => {
    const rows = Array.from({ length: 150 }, (_, i) => i);
    expect(windowRows(rows, 0, 20)).toEqual({ start: 0, visible: rows.slice(0, 20) });
    expect(windowRows(rows, 100, 20).visible).toContain(100);
    expect(windowRows(rows, 100, 20).visible).toHaveLength(20);
    expect(windowRows(rows, 149, 20).start).toBe(130);
    expect(windowRows(rows.slice(0, 5), 3, 20)).toEqual({ start: 0, visible: [0, 1, 2, 3, 4] });
  });

  it('lists every failure with what to do next, worst first', () => {
    const s = { ...emptySnapshot('h'), at: 1_000_000, pm2: 'connected' as const, brain: { pm2: 'online' as const, healthy: true }, crashes: { 'wr-gw-b': { at: 999_000, code: null, signal: 'SIGKILL' } } };
    s.rows = [row('a', { wa: 'logged_out' }), row('b', { pm2: 'errored', restarts: 16 }), row('c', { wa: 'parked', parkedReason: 'QR expired: nobody scanned it' }), row('d', { escalations: 2 }), row('ok')];
    const list = failures(s);
    expect(list.map((f) => f.what)).toEqual([
      'b (Shop b): gateway crash-looping (16 restarts)',
      'a (Shop a): WhatsApp logged out',
      'c (Shop c): parked — QR expired: nobody scanned it',
      'wr-gw-b killed by SIGKILL at ' + new Date(999_000).toTimeString().slice(0, 8) + '; PM2 restarted it',
      'd (Shop d): 2 customer(s) waiting for a person',
    ]);
    expect(list[1]!.next).toContain('R for a new QR');
    const withIncident = failures({ ...s, rows: [], crashes: {}, incidents: [{ target: 'clinic', title: 'WhatsApp logged out: a new QR is needed', openedAt: '2026-03-16T10:05:00.000Z' }] });
    expect(withIncident[0]).toMatchObject({ what: 'incident since 10:05 UTC: [clinic] WhatsApp logged out: a new QR is needed', process: 'wr-gw-clinic' });
    // Only say someone was told when a channel exists to tell them.
    expect(withIncident[0]!.next).toContain('alerts: not configured');
    expect(failures({ ...s, rows: [], crashes: {}, alertsConfigured: true, incidents: withIncident.length ? [{ target: 'clinic', title: 't', openedAt: '2026-03-16T10:05:00.000Z' }] : [] })[0]!.next).toContain('the monitor alerted the operator');
    expect(failures({ ...emptySnapshot(), pm2: 'down' })[0]).toEqual({ severity: 200, what: 'PM2 is not running: nothing is', next: 'wr-console start' });
    expect(failures({ ...s, rows: [], crashes: {}, brain: { pm2: 'stopped' } })[0]!.what).toBe('brain is stopped: no tenant gets answers');
  });

  it("says when the monitor's API cannot be read: incidents unknown, not none (issue 12 item 5)", () => {
    const s = { ...emptySnapshot('h'), at: 1_000_000, pm2: 'connected' as const, brain: { pm2: 'online' as const, healthy: true }, monitorApi: 'monitor not reachable on 127.0.0.1:3001 (nothing listens there): wr-console start monitor' };
    expect(failures({ ...s, monitor: { pm2: 'online' } })).toEqual([
      { severity: 110, what: 'monitor not reachable on 127.0.0.1:3001 (nothing listens there): wr-console start monitor; incidents unknown', next: 'enter for its log; R to restart it', process: 'wr-monitor' },
    ]);
    expect(failures({ ...s, monitor: { pm2: 'stopped' } }).map((f) => f.what)).toEqual(['monitor is stopped: no alerts will be sent; incidents unknown']);
    expect(failures({ ...s, monitorApi: null, monitor: { pm2: 'online' } })).toEqual([]);
  });

  it('parses the : command language', () => {
    expect(parseCommandLine('tenant demo')).toEqual({ kind: 'tenant', id: 'demo' });
    expect(parseCommandLine('handoff demo on')).toEqual({ kind: 'handoff', id: 'demo', on: true });
    expect(parseCommandLine('restart brain')).toEqual({ kind: 'restart', target: 'brain' });
    expect(parseCommandLine('q')).toEqual({ kind: 'quit' });
    expect(parseCommandLine('handoff demo maybe')).toEqual({ kind: 'error', message: 'usage: :handoff <id> on|off' });
    expect(parseCommandLine('fly')).toMatchObject({ kind: 'error', message: expect.stringContaining('unknown command ":fly"') });
  });

  it('formats ages compactly', () => {
    expect(formatAge(null, 0)).toBe('-');
    expect(formatAge(0, 59_000)).toBe('59s');
    expect(formatAge(0, 3_600_000 * 5)).toBe('5h');
    expect(formatAge(new Date(0).toISOString(), 86_400_000 * 3)).toBe('3d');
  });
});

describe('console text rules (issue 16 items 1, 5, 6)', () => {
  it('turns log lines of every shape into readable events, control characters shown, not obeyed', async () => {
    const { formatLogLine } = await import('../../console/tui/logformat.js');
    const { wrap } = await import('../../console/tui/width.js');
    expect(formatLogLine('plain text from a library', 'err')).toEqual({ time: '', level: 'ERROR', text: 'plain text from a library' });
    expect(formatLogLine('{not json', 'out')).toEqual({ time: '', level: null, text: '{not json' });
    expect(formatLogLine('2026-11-28T16:46:00: {"level":30,"msg":"hi \\u001b[2Jthere"}').text).toBe('hi ^[[2Jthere');
    expect(formatLogLine('raw \u001b[31mred\u0007').text).toBe('raw ^[[31mred\\x07');
    expect(formatLogLine('{"level":50,"msg":"boom","err":{"message":"listen failed","code":"EADDRINUSE"}}').text).toBe('boom: listen failed (EADDRINUSE)');
    expect(wrap('abcdefg', 3)).toEqual(['abc', 'def', 'g']);
  });

  it('splits keys that arrive together, and completes commands', async () => {
    const { splitKeys } = await import('../../console/tui/keymap.js');
    const { completeCommand } = await import('../../console/tui/model.js');
    expect(splitKeys('jj', {})).toEqual([{ input: 'j', key: {} }, { input: 'j', key: {} }]);
    expect(splitKeys('x\r', {}).map((k) => k.key.return ?? false)).toEqual([false, true]);
    expect(splitKeys('j', { upArrow: true })).toHaveLength(1);
    expect(completeCommand('re', ['alpha'])).toBe('restart ');
    expect(completeCommand('restart al', ['alpha', 'bravo'])).toBe('restart alpha ');
    expect(completeCommand('tenant a', ['alpha', 'alpine'])).toBe('tenant alp');
    expect(completeCommand('handoff alpha o', ['alpha'])).toBe('handoff alpha o');
    expect(completeCommand('handoff alpha of', ['alpha'])).toBe('handoff alpha off ');
  });

  it('warns when the processes run from another WR_HOME than this console reads', async () => {
    const { configWarnings } = await import('../../console/tui/model.js');
    expect(configWarnings({ consoleHome: '/a', processHomes: ['/a', undefined] })).toEqual([]);
    expect(configWarnings({ consoleHome: '/a', processHomes: ['/b', '/b', '/a'] })).toEqual(['the processes use WR_HOME=/b but this console reads /a: run it with the same WR_HOME']);
  });
});
