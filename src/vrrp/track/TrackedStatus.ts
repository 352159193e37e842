/**
 * The state of a tracked object as an instance sees it. `init`: a vrrp_script that has not
 * reported yet (keepalived SCRIPT_INIT_STATE_INIT), which neither adds nor removes weight.
 */
export type TrackedStatus = 'init' | 'up' | 'down';

/**
 * What a tracked object adds to an instance's priority (keepalived vrrp_track.c
 * `initialise_track_script_state` / `process_script_update_priority`): a positive weight
 * is added while the object is up, a negative one while it is down; `reverse` flips the
 * direction of the adjustment. A weight of 0 means the object faults the instance instead.
 */
export function trackedPriorityDelta(status: TrackedStatus, weight: number, reverse: boolean): number {
  if (status === 'init' || weight === 0) return 0;
  const delta = status === 'up' ? (weight > 0 ? weight : 0) : weight < 0 ? weight : 0;
  return reverse ? -delta : delta;
}

/** Whether an unweighted tracked object puts the instance into FAULT. */
export function trackedFaults(status: TrackedStatus, weight: number): boolean {
  return weight === 0 && status === 'down';
}
