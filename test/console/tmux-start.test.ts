import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';
import { until } from '../helpers/gateway.js';
import { makeHome, type TestHome } from '../helpers/home.js';

/** The real wr-console in a real terminal (tmux) when PM2 is not running: what it offers, and what a "no" leaves. */
let home: TestHome | undefined;
const session = `wr-start-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', session);
const shows = (text: string, ms = 20_000) =>
  until(() => screen().includes(text), ms, `"${text}" in the terminal`).catch((err: Error) => {
    throw new Error(`${err.message}\n--- screen ---\n${screen()}`);
  });

function open(...args: string[]): void {
  home = makeHome();
  const env = Object.entries(home.env).map(([k, v]) => `'${k}=${v}'`);
  const command = `env -u CI ${env.join(' ')} ${process.execPath} ${path.join(projectRoot, 'dist/console/main.js')} ${args.join(' ')}; echo WR_EXITED=$?; sleep 60`;
  spawnSync('tmux', ['new-session', '-d', '-s', session, '-x', '100', '-y', '20', command]);
}

afterEach(() => {
  spawnSync('tmux', ['kill-session', '-t', session]);
  home?.cleanup();
});

describe('wr-console with PM2 not running', () => {
  it('--readonly starts nothing and does not ask to: it says how to start the system', async () => {
    open('--readonly');
    await shows('WR_EXITED=1');
    expect(screen()).toContain('This console is read-only, so it starts nothing. Start the system with: wr-console start');
    expect(screen()).not.toContain('Start it now?');
    // No PM2 daemon was started behind the operator's back.
    expect(fs.existsSync(path.join(home!.env.PM2_HOME!, 'pm2.pid'))).toBe(false);
  });

  it('answering no says how to start it later, instead of exiting without a word', async () => {
    open();
    await shows('Start it now? [Y/n]');
    tmux('send-keys', '-t', session, 'n', 'Enter');
    await shows('WR_EXITED=1');
    expect(screen()).toContain('Not started. Start the system later with: wr-console start');
    expect(fs.existsSync(path.join(home!.env.PM2_HOME!, 'pm2.pid'))).toBe(false);
  });
});
