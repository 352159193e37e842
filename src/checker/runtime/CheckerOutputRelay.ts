import type { CheckerOutput, CheckerOutputEvent, CheckerOutputListener, CheckerSnapshot } from '../CheckerOutput.js';

const EMPTY_SNAPSHOT: CheckerSnapshot = { takenAt: 0, virtualServers: [], probes: { distinct: 0, subscriptions: 0, started: 0, inFlight: 0, queued: 0 } };

/**
 * A `CheckerOutput` that outlives the engines behind it: snapshots come from the current
 * engine, and listeners subscribe once and keep receiving what the owner relays across
 * reloads (the owner decides which engine's events to pass on, and when).
 */
export class CheckerOutputRelay implements CheckerOutput {
  private source: CheckerOutput | null = null;
  private readonly listeners = new Set<CheckerOutputListener>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  setSource(source: CheckerOutput | null): void {
    this.source = source;
  }

  snapshot(): CheckerSnapshot {
    return this.source?.snapshot() ?? EMPTY_SNAPSHOT;
  }

  subscribe(listener: CheckerOutputListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  relay(event: CheckerOutputEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (e) {
        this.onListenerError(e);
      }
    }
  }
}
