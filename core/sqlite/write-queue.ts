/**
 * Runs writes one at a time. Sequelize opens a separate sqlite3 connection per transaction, and
 * concurrent transactions on one SQLite file either fail with SQLITE_BUSY or stall the libuv pool;
 * queueing them in-process turns that contention into a short wait. A file's Sequelize handle and
 * its plain-SQL handle share one queue.
 */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run<T>(task: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(task, task);
    this.tail = result.then(
      () => this.pending--,
      () => this.pending--,
    );
    return result;
  }

  get size(): number {
    return this.pending;
  }

  /** Resolves once every write queued so far has finished. */
  async drain(): Promise<void> {
    while (this.pending > 0) await this.tail;
  }
}
