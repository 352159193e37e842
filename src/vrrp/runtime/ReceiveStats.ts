import type { AdvertDecodeReason } from '../codec/VrrpAdvert.js';
import type { ReceiveDropReason } from '../receive/ReceiveCheckResult.js';

/** Counters of one instance's receive path. */
export interface InstanceReceiveCounters {
  /** Adverts that passed every check and went to the state machine. */
  accepted: number;
  /** Accepted adverts whose VIP list differs from ours (RFC 5798 §7.1 "SHOULD log"). */
  vipMismatches: number;
  /** Drops by stable reason (`RECEIVE_DROP_REASONS`). */
  readonly dropped: Partial<Record<ReceiveDropReason, number>>;
}

/** A read-only copy of every counter, for status output and tests. */
export interface ReceiveStatsSnapshot {
  readonly instances: Readonly<Record<string, Readonly<InstanceReceiveCounters>>>;
  /** Drops that matched no instance (unknown VRID), by interface. */
  readonly unmatched: Readonly<Record<string, Partial<Record<ReceiveDropReason, number>>>>;
  /** Packets the codec could not read, by interface and reason. */
  readonly undecodable: Readonly<Record<string, Partial<Record<AdvertDecodeReason, number>>>>;
  /** Socket receive errors by interface. */
  readonly receiveErrors: Readonly<Record<string, number>>;
}

/** The receive path's counters: every dropped packet is counted once, under one reason. */
export class ReceiveStats {
  private readonly instances = new Map<string, InstanceReceiveCounters>();
  private readonly unmatched = new Map<string, Partial<Record<ReceiveDropReason, number>>>();
  private readonly undecodable = new Map<string, Partial<Record<AdvertDecodeReason, number>>>();
  private readonly errors = new Map<string, number>();

  accepted(instance: string, vipMismatch: boolean): void {
    const c = this.counters(instance);
    c.accepted++;
    if (vipMismatch) c.vipMismatches++;
  }

  dropped(instance: string | undefined, ifname: string, reason: ReceiveDropReason): void {
    const bucket = instance === undefined ? this.bucket(this.unmatched, ifname) : this.counters(instance).dropped;
    bucket[reason] = (bucket[reason] ?? 0) + 1;
  }

  undecoded(ifname: string, reason: AdvertDecodeReason): void {
    const bucket = this.bucket(this.undecodable, ifname);
    bucket[reason] = (bucket[reason] ?? 0) + 1;
  }

  receiveError(ifname: string): void {
    this.errors.set(ifname, (this.errors.get(ifname) ?? 0) + 1);
  }

  /** Adverts of one instance that passed every check (0 when none). */
  acceptedCount(instance: string): number {
    return this.instances.get(instance)?.accepted ?? 0;
  }

  /** Total drops of one instance for one reason (0 when none). */
  drops(instance: string, reason: ReceiveDropReason): number {
    return this.instances.get(instance)?.dropped[reason] ?? 0;
  }

  snapshot(): ReceiveStatsSnapshot {
    const copy = <T extends object>(m: Map<string, T>): Record<string, T> =>
      Object.fromEntries([...m].map(([k, v]) => [k, structuredClone(v)]));
    return {
      instances: copy(this.instances),
      unmatched: copy(this.unmatched),
      undecodable: copy(this.undecodable),
      receiveErrors: Object.fromEntries(this.errors),
    };
  }

  private counters(instance: string): InstanceReceiveCounters {
    let c = this.instances.get(instance);
    if (c === undefined) {
      c = { accepted: 0, vipMismatches: 0, dropped: {} };
      this.instances.set(instance, c);
    }
    return c;
  }

  private bucket<K extends string>(map: Map<string, Partial<Record<K, number>>>, key: string): Partial<Record<K, number>> {
    let b = map.get(key);
    if (b === undefined) {
      b = {};
      map.set(key, b);
    }
    return b;
  }
}
