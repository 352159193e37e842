import type { VrrpStateName } from './DirectorLogLine.js';

/** What the lab knows of one director's instance: its last logged state, or DOWN (process not running). */
export type BoardState = VrrpStateName | 'DOWN';

/** A stretch of time during which two running directors were both MASTER of one instance. */
export interface MasterOverlap {
  instance: string;
  directors: [string, string];
  startMs: number;
  durationMs: number;
}

interface MasterInterval {
  startMs: number;
  endMs: number | undefined;
}

/**
 * The VRRP state of every (director, instance), built from the transitions the directors log,
 * and the record of MASTER intervals needed to judge "one master at a time". Times are the
 * directors' own log timestamps (or the lab's, for a process it killed), so the board is a
 * pure function of what it is told and lines read slightly out of order do not matter.
 */
export class InstanceStateBoard {
  private readonly states = new Map<string, BoardState>();
  private readonly masterIntervals = new Map<string, MasterInterval[]>();

  constructor(
    readonly directors: readonly string[],
    readonly instances: readonly string[],
  ) {
    for (const d of directors) this.markDown(d, 0);
  }

  /** A logged `Entering X STATE`. */
  recordTransition(director: string, instance: string, to: VrrpStateName, timeMs: number): void {
    const k = key(director, instance);
    this.states.set(k, to);
    const list = this.masterIntervals.get(k) ?? [];
    this.masterIntervals.set(k, list);
    const open = list.find((i) => i.endMs === undefined);
    if (to === 'MASTER' && open === undefined) list.push({ startMs: timeMs, endMs: undefined });
    if (to !== 'MASTER' && open !== undefined) open.endMs = Math.max(open.startMs, timeMs);
  }

  /** The director's process started: its instances are in INIT until they log otherwise. */
  markStarted(director: string): void {
    for (const i of this.instances) this.states.set(key(director, i), 'INIT');
  }

  /** The director's process is gone (killed or exited): it is nobody's master any more. */
  markDown(director: string, timeMs: number): void {
    for (const i of this.instances) {
      const k = key(director, i);
      this.states.set(k, 'DOWN');
      const open = this.masterIntervals.get(k)?.find((x) => x.endMs === undefined);
      if (open !== undefined) open.endMs = Math.max(open.startMs, timeMs);
    }
  }

  state(director: string, instance: string): BoardState {
    return this.states.get(key(director, instance)) ?? 'DOWN';
  }

  /** Running directors currently MASTER of `instance`. */
  mastersOf(instance: string): string[] {
    return this.directors.filter((d) => this.state(d, instance) === 'MASTER');
  }

  /** True when `director` alone is MASTER of every instance and every other director is BACKUP of each. */
  isSoleMaster(director: string): boolean {
    return this.instances.every(
      (i) => this.state(director, i) === 'MASTER' && this.directors.every((d) => d === director || this.state(d, i) === 'BACKUP'),
    );
  }

  /** True when `director` is MASTER of every instance and no other running director is. */
  holdsAllAlone(director: string): boolean {
    return this.instances.every((i) => {
      const m = this.mastersOf(i);
      return m.length === 1 && m[0] === director;
    });
  }

  /** Every stretch (still open ones measured up to `nowMs`) where two directors were MASTER of one instance. */
  overlaps(nowMs: number): MasterOverlap[] {
    const found: MasterOverlap[] = [];
    for (const instance of this.instances) {
      for (let a = 0; a < this.directors.length; a++) {
        for (let b = a + 1; b < this.directors.length; b++) {
          const da = this.directors[a];
          const db = this.directors[b];
          if (da === undefined || db === undefined) continue;
          for (const x of this.masterIntervals.get(key(da, instance)) ?? []) {
            for (const y of this.masterIntervals.get(key(db, instance)) ?? []) {
              const start = Math.max(x.startMs, y.startMs);
              const end = Math.min(x.endMs ?? nowMs, y.endMs ?? nowMs);
              if (end > start || (end === start && x.endMs === undefined && y.endMs === undefined)) {
                found.push({ instance, directors: [da, db], startMs: start, durationMs: end - start });
              }
            }
          }
        }
      }
    }
    return found;
  }
}

function key(director: string, instance: string): string {
  return `${director}\u0000${instance}`;
}
