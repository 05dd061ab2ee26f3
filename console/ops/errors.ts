/**
 * A failure the operator can fix, said in one line: what the CLI prints after "wr-console:" and
 * what the console's footer shows. The operations throw it; neither caller adds a stack trace.
 */
export class OpsError extends Error {}
