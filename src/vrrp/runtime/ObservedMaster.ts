import type { TransitionReason, VrrpState } from '../fsm/VrrpState.js';

/** The last advert that passed the receive checks (RFC 5798 §7.1) for one instance. */
export interface LastAdvert {
  readonly source: string;
  readonly priority: number;
}

/**
 * Who the master of one virtual router is, as seen from this instance (keepalived's
 * `master_saddr` / `master_priority`, shown by `vigil status`): ourselves while MASTER;
 * while BACKUP, the sender of the last advert with a non-zero priority, including a
 * lower-priority one we are about to preempt (keepalived 2.2.7 vrrp.c `vrrp_state_backup`
 * records `master_saddr` from a discarded advert too); nobody (null) in
 * INIT and FAULT, after the master resigned (priority 0, RFC 5798 §6.4.2) and until the
 * first advert after entering BACKUP other than by losing to that advert.
 *
 * Fed by the runtime: every accepted advert before the machine sees it, then the machine's
 * transitions. Knows nothing of the machine's rules beyond the transition reasons.
 */
export class ObservedMaster {
  private state: VrrpState = 'INIT';
  private master: string | null = null;
  private last: LastAdvert | null = null;

  constructor(private readonly ownAddress: string) {}

  /** The current master's address, `null` when unknown. */
  get address(): string | null {
    return this.master;
  }

  get lastAdvert(): LastAdvert | null {
    return this.last;
  }

  /** An advert for this instance passed the receive checks (called before the machine handles it). */
  advertAccepted(advert: LastAdvert): void {
    this.last = advert;
    if (this.state !== 'BACKUP') return;
    this.master = advert.priority === 0 ? null : advert.source;
  }

  transition(to: VrrpState, reason: TransitionReason): void {
    this.state = to;
    if (to === 'MASTER') this.master = this.ownAddress;
    // A master that lost to an advert knows the winner: the sender of that advert.
    else if (to === 'BACKUP' && (reason === 'higher-priority-advert' || reason === 'higher-address-advert')) this.master = this.last?.source ?? null;
    else this.master = null;
  }
}
