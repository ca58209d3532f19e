/**
 * Runs tasks one at a time, in call order. Local adapters use it where DynamoDB would give them a
 * conditional write: a read-check-write done inside one task cannot interleave with another.
 * A failed task rejects its own caller only; the queue carries on.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
