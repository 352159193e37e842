import type { VigilError } from '../../core/VigilError.js';
import type { MirrorSession } from './MirrorSession.js';
import type { MirrorSyncStats } from './RtnlMirrorSync.js';

/**
 * What every rtnetlink mirror (links, addresses) offers on top of its `MirrorSession`:
 * change and error subscriptions, counters, a forced resync, and stop.
 */
export abstract class MirroredMonitor<Change> {
  protected constructor(protected readonly session: MirrorSession<Change>) {}

  /** Each change after the initial load, from notifications and from resynchronisations. */
  onChange(listener: (change: Change) => void): () => void {
    return this.session.changes.add(listener);
  }

  /** Failures the monitor is retrying (it keeps running). */
  onError(listener: (error: VigilError) => void): () => void {
    return this.session.errors.add(listener);
  }

  get stats(): MirrorSyncStats {
    return this.session.stats;
  }

  /** Forces a resynchronisation, as an overrun would; resolves when it is done. */
  resynchronise(): Promise<void> {
    return this.session.resynchronise();
  }

  stop(): void {
    this.session.stop();
  }
}
