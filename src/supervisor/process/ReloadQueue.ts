/**
 * Serialises reloads. A request while one runs does not start a second one in parallel:
 * all requests made meanwhile share the one run that follows, which reads the file as it
 * is then. A storm of SIGHUPs therefore costs at most two parses at a time.
 */
export class ReloadQueue<T> {
  private running: Promise<T> | null = null;
  private next: Promise<T> | null = null;

  constructor(private readonly run: () => Promise<T>) {}

  request(): Promise<T> {
    if (this.running === null) return this.startRun();
    this.next ??= this.running.then(
      () => this.promoteNext(),
      () => this.promoteNext(),
    );
    return this.next;
  }

  /** Resolves when no reload runs or waits. */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running.catch(() => undefined);
  }

  private promoteNext(): Promise<T> {
    this.next = null;
    return this.startRun();
  }

  private startRun(): Promise<T> {
    const run = this.run().finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }
}
