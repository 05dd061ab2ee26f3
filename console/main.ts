#!/usr/bin/env node
import { runCli } from './cli/run.js';

// Keys, profiles and data written by the CLI are private to the operator.
process.umask(0o077);
process.exitCode = await runCli(process.argv.slice(2));
