import readline from 'node:readline/promises';
import { render } from 'ink';
import type { Config } from '../../core/config.js';
import { appsFor, startApps, withPm2 } from '../ops/processes.js';
import { Pm2Client } from '../../core/pm2/client.js';
import { daemonRunning } from '../../core/pm2/daemon.js';
import { App } from './App.js';
import { LiveBackend } from './backend.js';

// With bracketed paste on, the terminal marks a paste's start and end: pasted text is never read as keys.
const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H\x1b[?2004h';
const LEAVE_ALT_SCREEN = '\x1b[?2004l\x1b[?1049l';

async function offerToStart(config: Config, env: NodeJS.ProcessEnv, readonly: boolean): Promise<boolean> {
  process.stdout.write('PM2 is not running, so nothing is: no brain, no gateways.\n');
  // Starting the system changes it: a read-only console only says how.
  if (readonly || !process.stdin.isTTY) {
    process.stdout.write(`${readonly ? 'This console is read-only, so it starts nothing. ' : ''}Start the system with: wr-console start\n`);
    return false;
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answer = (await rl.question('Start it now? [Y/n] ')).trim().toLowerCase();
  rl.close();
  if (answer !== '' && answer !== 'y' && answer !== 'yes') {
    process.stdout.write('Not started. Start the system later with: wr-console start\n');
    return false;
  }
  for (const line of await withPm2(env, true, (pm2) => startApps(pm2, appsFor(config, 'all', env.WR_DEMO === '1')))) process.stdout.write(`${line}\n`);
  return true;
}

/** The interactive console: alternate screen, restored on every way out. */
export async function runTui(config: Config, env: NodeJS.ProcessEnv, opts: { readonly: boolean }): Promise<number> {
  if (!(await daemonRunning(env)) && !(await offerToStart(config, env, opts.readonly))) return 1;
  const pm2 = new Pm2Client();
  await pm2.connect();
  const backend = new LiveBackend(config, env, pm2);
  await backend.open();

  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    process.stdout.write(LEAVE_ALT_SCREEN);
  };
  process.stdout.write(ENTER_ALT_SCREEN);
  process.on('exit', restore);
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      restore();
      process.exit(0);
    });
  }
  try {
    const app = render(<App backend={backend} readonly={opts.readonly} />, { exitOnCtrlC: true, patchConsole: true });
    await app.waitUntilExit();
  } finally {
    restore();
    await backend.close();
  }
  return 0;
}
