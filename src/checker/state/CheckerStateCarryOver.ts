import type { VigilConfig } from '../../config/model/VigilConfig.js';
import type { VirtualServer } from '../../config/model/VirtualServer.js';
import type { RealServerDesiredState, VirtualServerDesiredState } from '../CheckerOutput.js';
import { formatService, formatVirtualServer } from './ServiceText.js';

/** One checker's verdict handed to its successor. */
export interface CarriedVerdict {
  readonly up: boolean;
  readonly ran: boolean;
  readonly weightDelta: number;
}

/** A real server whose identity and checkers did not change: it continues where it was. */
export interface CarriedRealServer {
  /** One per checker, in the order the successor runs them. */
  readonly verdicts: readonly CarriedVerdict[];
  readonly reason: RealServerDesiredState['reason'];
  readonly since: number;
  readonly lastCheck: number | null;
}

export interface CarriedSorryServer {
  readonly active: boolean;
  readonly since: number;
}

export interface CarriedVirtualServer {
  readonly quorumUp: boolean;
  readonly quorumSince: number;
  /** `null`: the sorry server is new (or there is none) and starts as at a fresh start. */
  readonly sorryServer: CarriedSorryServer | null;
  /** Aligned with the new configuration's real servers; `null` starts that one fresh. */
  readonly realServers: readonly (CarriedRealServer | null)[];
}

export interface CheckerCarryOver {
  /** By index in the new configuration's `virtualServers`. */
  readonly virtualServers: ReadonlyMap<number, CarriedVirtualServer>;
  /** Real servers that keep their state. */
  readonly kept: number;
  /** Real servers of the new configuration that start fresh (new, moved, or with changed checkers). */
  readonly fresh: number;
  /** Real servers of the previous states that have no successor. */
  readonly dropped: number;
}

export const NO_CARRY_OVER: CheckerCarryOver = { virtualServers: new Map(), kept: 0, fresh: 0, dropped: 0 };

/** Takes the first unclaimed entry of `key` (configurations may repeat a service; pairs go in order). */
function claim<T>(queues: Map<string, T[]>, key: string): T | undefined {
  return queues.get(key)?.shift();
}

function queuesBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const queues = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const queue = queues.get(key);
    if (queue) queue.push(item);
    else queues.set(key, [item]);
  }
  return queues;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The verdicts of a previous real server, if its checkers are the ones the successor runs.
 * Snapshots without per-checker states (older ones) only carry over when every checker
 * agrees, since the count of failed checkers does not say which failed.
 */
function carriedVerdicts(previous: RealServerDesiredState, fingerprints: readonly string[]): CarriedVerdict[] | null {
  const states = previous.checkerStates;
  if (states !== undefined) {
    if (!sameList(states.map((s) => s.plan), fingerprints)) return null;
    return states.map((s) => ({ up: s.up, ran: s.ran, weightDelta: s.weightDelta }));
  }
  if (previous.checkers !== fingerprints.length) return null;
  if (previous.failedCheckers !== 0 && previous.failedCheckers !== previous.checkers) return null;
  const up = previous.failedCheckers === 0;
  return fingerprints.map(() => ({ up, ran: previous.lastCheck !== null, weightDelta: 0 }));
}

function vsPort(vs: VirtualServer): number | null {
  return vs.key.kind === 'address' ? vs.key.port : null;
}

/**
 * Maps the states of a predecessor (the engine before a reload, or the last snapshot of a
 * crashed checker process) onto a new configuration. A virtual server is the same one when
 * its key is (address, port and protocol; fwmark; or group name), whatever its position; a
 * real server of it keeps its state when its address and port and its checkers (by plan
 * fingerprint) are unchanged. Everything else starts as at a fresh start. Pure.
 */
export function carryOverCheckerStates(
  previous: readonly VirtualServerDesiredState[],
  config: VigilConfig,
  /** Per virtual server, per real server: the fingerprints of the checkers the successor runs. */
  fingerprints: readonly (readonly (readonly string[])[])[],
): CheckerCarryOver {
  const byVs = queuesBy(previous, (s) => s.vs);
  const carried = new Map<number, CarriedVirtualServer>();
  let kept = 0;
  let fresh = 0;
  config.virtualServers.forEach((vs, vsIndex) => {
    const before = claim(byVs, formatVirtualServer(vs));
    if (before === undefined) {
      fresh += vs.realServers.length;
      return;
    }
    const port = vsPort(vs);
    const byRs = queuesBy(before.realServers, (r) => r.rs);
    const realServers = vs.realServers.map((rs, rsIndex): CarriedRealServer | null => {
      const previousRs = claim(byRs, formatService(rs.address, vs.protocol, rs.port ?? port));
      const verdicts = previousRs && carriedVerdicts(previousRs, fingerprints[vsIndex]?.[rsIndex] ?? []);
      if (!previousRs || !verdicts) {
        fresh++;
        return null;
      }
      kept++;
      return { verdicts, reason: previousRs.reason, since: previousRs.since, lastCheck: previousRs.lastCheck };
    });
    const sorry = vs.sorryServer;
    const sorryText = sorry ? formatService(sorry.address, vs.protocol, sorry.port ?? port) : null;
    const sorryBefore = before.sorryServer;
    carried.set(vsIndex, {
      quorumUp: before.quorum.up,
      quorumSince: before.quorum.since,
      sorryServer: sorryBefore && sorryBefore.rs === sorryText ? { active: sorryBefore.active, since: sorryBefore.since } : null,
      realServers,
    });
  });
  const previousCount = previous.reduce((sum, s) => sum + s.realServers.length, 0);
  return { virtualServers: carried, kept, fresh, dropped: previousCount - kept };
}
