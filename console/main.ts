#!/usr/bin/env node
import { runCli } from './cli/run.js';

// Keys, profiles and data written by the CLI are private to the operator.
process.umask(0o077);

// A reader that stops early (`| head`) closes the pipe: the rest of the output has nowhere to go,
// which is what the operator asked for, not a crash with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

const argv = process.argv.slice(2);
if (argv.length === 0 || (argv.length === 1 && argv[0] === '--readonly')) {
  // chalk ignores NO_COLOR; it honours FORCE_COLOR=0, read when ink is first imported.
  if (process.env.NO_COLOR) process.env.FORCE_COLOR = '0';
  // React's development build renders several times slower; read when react is first imported.
  process.env.NODE_ENV ??= 'production';
  const { ConfigError } = await import('../core/config.js');
  const { operatorConfig } = await import('./cli/run.js');
  try {
    const { runTui } = await import('./tui/run.js');
    // PM2's bus sockets would keep the process alive after the console closes.
    process.exit(await runTui(operatorConfig(process.env), process.env, { readonly: argv[0] === '--readonly' }));
  } catch (err) {
    console.error(`wr-console: ${err instanceof ConfigError ? err.problems.join('\nwr-console: ') : (err as Error).message}`);
    process.exitCode = 1;
  }
} else {
  process.exitCode = await runCli(argv);
}
