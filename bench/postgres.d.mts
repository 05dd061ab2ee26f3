export interface TestPostgres {
  /** postgres://… of a new, empty database. */
  database(): Promise<string>;
  /** The cluster's own database (for server-wide statements). */
  adminUrl: string;
  port: number;
  /** pg_ctl with this cluster's folder: `start` (with its options) or `stop`, `restart`, … and their flags. */
  ctl(verb: string, ...args: string[]): void;
  /** Stops the cluster at once and deletes its folder. */
  stop(): void;
}

export function startPostgres(): Promise<TestPostgres>;
