import type { VigilConfig } from '../../config/model/VigilConfig.js';
import { canonicalAddress } from '../../ipvs/IpvsAddress.js';
import { AddressMonitor } from '../../netlink/rtnl/AddressMonitor.js';
import type { RtnlLog } from '../../netlink/rtnl/RtnlLog.js';

/** An address change as the presence feed needs it; `AddressChange` of the rtnl monitor fits. */
export interface HostAddressChange {
  readonly kind: 'added' | 'removed' | 'changed';
  readonly address: { readonly address: string };
}

/** The addresses of this host and their changes; `AddressMonitor` fits, tests fake it. */
export interface HostAddressSource {
  addresses(): readonly { readonly address: string }[];
  onChange(listener: (change: HostAddressChange) => void): () => void;
  stop(): void;
}

export type HostAddressSourceOpener = (log: RtnlLog) => Promise<HostAddressSource>;

/** The namespace's addresses through rtnetlink (RTNLGRP_IPV4_IFADDR / RTNLGRP_IPV6_IFADDR). */
export const openAddressMonitor: HostAddressSourceOpener = (log) => AddressMonitor.start({ log });

/** Whoever runs ha_suspend checkers: `CheckerEngine.setVirtualAddressPresent`. */
export interface VirtualAddressListener {
  setVirtualAddressPresent(address: string, present: boolean): void;
}

/**
 * The ha_suspend addresses of a configuration: the address of each virtual server that has
 * `ha_suspend`, by canonical text, mapped to the text the configuration uses (which is what
 * the engine compares). Only address virtual servers have one.
 */
export function haSuspendAddresses(config: VigilConfig): Map<string, string> {
  const addresses = new Map<string, string>();
  for (const vs of config.virtualServers) {
    if (vs.haSuspend && vs.key.kind === 'address') addresses.set(canonicalAddress(vs.key.address.address), vs.key.address.address);
  }
  return addresses;
}

/**
 * Feeds ha_suspend (check_api.c update_checker_activity) from the host's addresses: keepalived's
 * checker process learns of VIPs through its own netlink watch, not from the VRRP process, and
 * so does Vigil's checker child. Each appearance of a watched address counts once (an address
 * may sit on two interfaces), matching the engine's counting.
 */
export class VirtualAddressPresence {
  private listener: VirtualAddressListener | null = null;
  private watched = new Map<string, string>();
  private readonly unsubscribe: () => void;

  constructor(private readonly source: HostAddressSource) {
    this.unsubscribe = source.onChange((change) => this.changed(change));
  }

  /**
   * Points the feed at a (not yet started) engine for `config`: it first learns every watched
   * address present now, then each change.
   */
  follow(listener: VirtualAddressListener, config: VigilConfig): void {
    this.watched = haSuspendAddresses(config);
    this.listener = listener;
    for (const a of this.source.addresses()) {
      const text = this.watched.get(canonicalAddress(a.address));
      if (text !== undefined) listener.setVirtualAddressPresent(text, true);
    }
  }

  stop(): void {
    this.listener = null;
    this.unsubscribe();
    this.source.stop();
  }

  private changed(change: HostAddressChange): void {
    if (change.kind === 'changed' || this.listener === null) return;
    const text = this.watched.get(canonicalAddress(change.address.address));
    if (text !== undefined) this.listener.setVirtualAddressPresent(text, change.kind === 'added');
  }
}
