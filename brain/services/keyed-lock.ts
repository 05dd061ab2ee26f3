import { WriteQueue } from '../../core/sqlite/write-queue.js';

/** Runs tasks with the same key one after another (different keys run freely). */
export class KeyedLock {
  private readonly queues = new Map<string, WriteQueue>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new WriteQueue();
      this.queues.set(key, queue);
    }
    const q = queue;
    return q.run(task).finally(() => {
      if (q.size === 0 && this.queues.get(key) === q) this.queues.delete(key);
    });
  }
}
