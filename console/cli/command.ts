import readline from 'node:readline/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A failure the user can fix; printed as one line (plus any detail lines) without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export const stdio: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec<O extends Options> {
  usage: string;
  summary: string;
  options: O;
  /** Help lines for the options, in display order. */
  optionHelp?: string[];
  positionals: { min: number; max: number };
}

/**
 * Parses argv for one command; `--help` prints its usage and returns undefined. Unknown options and
 * wrong argument counts are usage errors (exit 2) that show the usage line.
 */
export function parseCommand<O extends Options>(spec: CommandSpec<O>, argv: string[], io: Output) {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: { ...spec.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (err) {
    throw new CliError((err as Error).message.split('\n')[0]!, [`usage: ${spec.usage}`], 2);
  }
  if (parsed.values.help) {
    io.out(`usage: ${spec.usage}\n\n${spec.summary}`);
    if (spec.optionHelp?.length) io.out(`\noptions:\n${spec.optionHelp.map((l) => `  ${l}`).join('\n')}`);
    return undefined;
  }
  const n = parsed.positionals.length;
  if (n < spec.positionals.min || n > spec.positionals.max) {
    throw new CliError(n < spec.positionals.min ? 'missing argument' : `unexpected argument "${parsed.positionals[spec.positionals.max]}"`, [`usage: ${spec.usage}`], 2);
  }
  return parsed;
}

/**
 * Asks before something that cannot be undone: `yes` (--yes) skips the question, a terminal is
 * asked, and with no terminal to ask (a script) it refuses and names --yes.
 */
export async function confirmDestructive(question: string, yes: boolean, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stdout): Promise<void> {
  if (yes) return;
  if (!input.isTTY) throw new CliError(`${question} Refused without a terminal to ask: add --yes to confirm`);
  const rl = readline.createInterface({ input, output });
  try {
    const answer = (await rl.question(`${question} [y/N] `)).trim().toLowerCase();
    if (answer !== 'y' && answer !== 'yes') throw new CliError('cancelled: nothing was changed');
  } finally {
    rl.close();
  }
}
