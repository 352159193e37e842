import { trackedFaults, trackedPriorityDelta, type TrackedStatus } from './TrackedStatus.js';

/** One object an instance tracks, with the weight that applies to this instance. */
export interface TrackedObject {
  readonly kind: 'script' | 'interface';
  readonly name: string;
  /** 0: the object faults the instance; otherwise its priority adjustment (-253..253). */
  readonly weight: number;
  readonly reverse: boolean;
}

/** What the tracked objects currently mean for the instance. */
export interface TrackingVerdict {
  /** Sum of the weights that apply: the machine's `tracker weight` event. */
  readonly weight: number;
  /** Fault sources (`script:NAME`, `interface:NAME`) of unweighted objects that are down. */
  readonly faults: ReadonlySet<string>;
}

export function trackedSourceName(object: Pick<TrackedObject, 'kind' | 'name'>): string {
  return `${object.kind}:${object.name}`;
}

/**
 * The `track_script` / `track_interface` list of one instance (its own and its sync
 * group's). Pure: given each object's status it answers the effective weight and the
 * fault set; the runtime turns differences into machine events.
 */
export class InstanceTracking {
  constructor(readonly objects: readonly TrackedObject[]) {}

  /** Whether the instance tracks this script / interface at all. */
  tracks(kind: TrackedObject['kind'], name: string): boolean {
    return this.objects.some((o) => o.kind === kind && o.name === name);
  }

  verdict(statusOf: (object: TrackedObject) => TrackedStatus): TrackingVerdict {
    let weight = 0;
    const faults = new Set<string>();
    for (const object of this.objects) {
      const status = statusOf(object);
      weight += trackedPriorityDelta(status, object.weight, object.reverse);
      if (trackedFaults(status, object.weight)) faults.add(trackedSourceName(object));
    }
    return { weight, faults };
  }
}
