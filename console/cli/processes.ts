import type { Config } from '../../core/config.js';
import { appsFor, controlApps, withPm2, type Verb } from '../ops/processes.js';
import { CliError, parseCommand, type Output } from './command.js';

const USAGE_TARGET = '[all|brain|monitor|<tenant>]';

function lifecycle(verb: Verb) {
  return async (config: Config, argv: string[], io: Output, env: NodeJS.ProcessEnv): Promise<void> => {
    const args = parseCommand(
      {
        usage: `wr-console ${verb} ${USAGE_TARGET}`,
        summary: {
          start: 'Starts the brain, the monitor and every gateway (or one of them) under PM2, starting PM2 itself if needed.',
          stop: 'Stops processes under PM2; their data and queues stay where they are.',
          restart: 'Restarts processes under PM2; nothing queued is lost.',
        }[verb],
        options: {},
        positionals: { min: 0, max: 1 },
      },
      argv,
      io,
    );
    if (!args) return;
    const apps = appsFor(config, args.positionals[0] ?? 'all', env.WR_DEMO === '1');
    const { lines, failed } = await withPm2(env, verb === 'start', (pm2) => controlApps(pm2, verb, apps));
    for (const l of lines) io.out(l);
    if (failed.length) throw new CliError(`${verb} failed for ${failed.join(', ')} (see above); the others were done`);
  };
}

export const startCommand = lifecycle('start');
export const stopCommand = lifecycle('stop');
export const restartCommand = lifecycle('restart');
