import type { NotifyRequest, ServiceEffects } from '../../../../src/checker/state/ServiceEffects.js';

/** Collects what the service logic logs and which scripts it asks for, in order. */
export class RecordingEffects implements ServiceEffects {
  readonly lines: string[] = [];
  readonly notifies: NotifyRequest[] = [];
  /** Log lines and script requests interleaved, scripts as `notify <kind> <rs|vs>`. */
  readonly timeline: string[] = [];

  log(_level: 'info' | 'warn', msg: string): void {
    this.lines.push(msg);
    this.timeline.push(msg);
  }

  notify(r: NotifyRequest): void {
    this.notifies.push(r);
    this.timeline.push(`notify ${r.kind} ${r.rs ?? r.vs}`);
  }

  clear(): void {
    this.lines.length = 0;
    this.notifies.length = 0;
    this.timeline.length = 0;
  }
}
