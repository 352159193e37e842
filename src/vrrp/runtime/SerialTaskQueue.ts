/**
 * Runs async tasks strictly one after another, in the order queued: an instance's adverts,
 * address changes and announcements must reach the wire and the kernel in the order the
 * state machine asked for them. A failing task is reported and the next one still runs.
 */
export class SerialTaskQueue {
  private tail: Promise<void> = Promise.resolve();
  private count = 0;

  constructor(private readonly onError: (error: unknown, label: string) => void) {}

  /** Queues `task`; the promise settles (never rejects) once it has run or failed. */
  push(label: string, task: () => Promise<unknown> | void): Promise<void> {
    this.count++;
    this.tail = this.tail
      .then(task)
      .then(
        () => undefined,
        (e: unknown) => this.onError(e, label),
      )
      .finally(() => {
        this.count--;
      });
    return this.tail;
  }

  /** Tasks queued or running. */
  get pending(): number {
    return this.count;
  }

  /** Resolves once every task queued so far — and any queued meanwhile — has finished. */
  async idle(): Promise<void> {
    while (this.count > 0) await this.tail;
  }
}
