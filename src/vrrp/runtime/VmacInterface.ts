import { readFileSync, writeFileSync } from 'node:fs';
import { VigilError } from '../../core/VigilError.js';
import { errnoName } from '../../netlink/LinuxErrno.js';
import type { InterfaceAddress } from '../../netlink/rtnl/InterfaceAddress.js';
import type { LinkState } from '../../netlink/rtnl/LinkState.js';
import {
  encodeAddVmacLinkLocalRequest,
  encodeCreateMacvlanRequest,
  encodeDeleteLinkRequest,
  encodeSetAddrGenModeRequest,
  encodeSetLinkUpRequest,
  IN6_ADDR_GEN_MODE_NONE,
  MACVLAN_MODE_PRIVATE,
} from '../../netlink/rtnl/MacvlanLinkCodec.js';
import type { PipelinedOutcome, PipelinedRequest } from '../../netlink/rtnl/RequestPipeline.js';
import { canonicalIp } from '../codec/IpAddressBytes.js';
import { primaryInterfaceAddress } from './InstanceAddressing.js';
import { vmacOwnAddress, type VmacPlan } from './VmacPlan.js';
import type { VrrpLog } from './VrrpLog.js';

/** Reads and writes `/proc/sys` files; injected so tests need no /proc. */
export interface SysctlAccess {
  read(path: string): string | undefined;
  write(path: string, value: string): void;
}

export const PROC_SYSCTL: SysctlAccess = {
  read: (path) => {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch {
      return undefined;
    }
  },
  write: (path, value) => writeFileSync(path, value),
};

export interface VmacPorts {
  readonly execute: <T>(requests: readonly PipelinedRequest<T>[]) => Promise<PipelinedOutcome<T>[]>;
  readonly linkNamed: (name: string) => LinkState | undefined;
  readonly onLinkChange: (listener: () => void) => () => void;
  /** Addresses of one interface (the parent's link-local; the IPv6 vmac's own address showing up). */
  readonly addressesOf: (ifindex: number) => readonly InterfaceAddress[];
  readonly onAddressChange: (listener: () => void) => () => void;
  readonly sysctl: SysctlAccess;
  readonly log: VrrpLog;
  /** How long to wait for the monitors to see a new vmac and its address (default 5 s). */
  readonly appearTimeoutMs?: number;
}

export type VmacCreation = { readonly ok: true; readonly vmacs: VmacInterfaces } | { readonly ok: false; readonly errors: readonly VigilError[] };

/**
 * Per-interface IPv4 settings keepalived puts on a vmac (vrrp_if_config.c):
 * arp_ignore=1 so it answers ARP only for its own (VIP) addresses, accept_local=1 to hear
 * adverts carrying a local source, rp_filter=0 to receive on an interface without an
 * address of its own, promote_secondaries=1.
 */
const VMAC_SYSCTLS: readonly (readonly [string, string])[] = [
  ['arp_ignore', '1'],
  ['accept_local', '1'],
  ['rp_filter', '0'],
  ['promote_secondaries', '1'],
];
/** And on the parent, so it stops answering ARP for the VIPs on its vmac (restored on stop). */
const PARENT_SYSCTLS: readonly string[] = ['arp_ignore', 'arp_filter'];

const DEFAULT_APPEAR_TIMEOUT_MS = 5_000;

function ipv4Conf(ifname: string, key: string): string {
  // Link names come from the config (checked against IFNAMSIZ) or the kernel; no '/' is allowed in either.
  return `/proc/sys/net/ipv4/conf/${ifname}/${key}`;
}

/** keepalived turns IPv6 on for an IPv6 vmac (vrrp_if_config.c link_set_ipv6) in case net.ipv6.conf.default.disable_ipv6 is set. */
function ipv6DisableConf(ifname: string): string {
  return `/proc/sys/net/ipv6/conf/${ifname}/disable_ipv6`;
}

/**
 * The macvlan interfaces of the `use_vmac` instances, as keepalived makes them
 * (vrrp_vmac.c netlink_link_add_vmac): mode private, the virtual router MAC, up, on the
 * instance's interface; an IPv6 one with addr_gen_mode none and its own address (see
 * `vmacOwnAddress`). Created before the engine opens its sockets, deleted after it
 * stopped. A leftover with our name and the virtual MAC (a killed earlier run) is
 * replaced; an interface with our name and any other MAC is someone else's and an error.
 */
export class VmacInterfaces {
  private readonly created: { name: string; ifindex: number }[] = [];
  private readonly parentSettings = new Map<string, Map<string, string>>();

  private constructor(private readonly ports: VmacPorts) {}

  static async create(plans: readonly VmacPlan[], ports: VmacPorts): Promise<VmacCreation> {
    const vmacs = new VmacInterfaces(ports);
    const errors: VigilError[] = [];
    const byName = new Map<string, VmacPlan>();
    for (const plan of plans) {
      const other = byName.get(plan.name);
      if (other === undefined) byName.set(plan.name, plan);
      else if (other.parent !== plan.parent || other.hardwareAddress !== plan.hardwareAddress) {
        errors.push(
          new VigilError('VRRP_VMAC_CONFLICT', `(${plan.instance}) vmac ${plan.name} is already used by ${other.instance} with another interface or VRID`, {
            instance: plan.instance,
            vmac: plan.name,
          }),
        );
      }
    }
    if (errors.length > 0) return { ok: false, errors };
    for (const plan of byName.values()) {
      const error = await vmacs.add(plan);
      if (error !== null) errors.push(error);
    }
    if (errors.length > 0) {
      await vmacs.remove();
      return { ok: false, errors };
    }
    return { ok: true, vmacs };
  }

  /** Names of the interfaces this run created. */
  get names(): string[] {
    return this.created.map((c) => c.name);
  }

  /** Deletes every vmac this run created and gives the parents their ARP settings back. */
  async remove(): Promise<void> {
    const doomed = this.created.splice(0);
    if (doomed.length > 0) {
      const outcomes = await this.ports.execute(doomed.map((d) => ({ tag: d.name, encode: (seq: number) => encodeDeleteLinkRequest(d.ifindex, { seq }) })));
      for (const o of outcomes) {
        if (o.errno === 0) this.ports.log.info({ vmac: o.tag }, `removed VMAC interface ${o.tag}`);
        else this.ports.log.warn({ vmac: o.tag, errno: o.errno }, `cannot remove VMAC interface ${o.tag}: ${errnoName(o.errno)}`);
      }
    }
    for (const [parent, saved] of this.parentSettings) {
      for (const [key, value] of saved) this.writeSysctl(ipv4Conf(parent, key), value);
    }
    this.parentSettings.clear();
  }

  private async add(plan: VmacPlan): Promise<VigilError | null> {
    const parent = this.ports.linkNamed(plan.parent);
    if (parent === undefined) {
      return new VigilError('VRRP_RUNTIME_INTERFACE_MISSING', `(${plan.instance}) interface ${plan.parent} does not exist`, { instance: plan.instance, interface: plan.parent });
    }
    const existing = this.ports.linkNamed(plan.name);
    if (existing !== undefined) {
      if (existing.hardwareAddress !== plan.hardwareAddress) {
        return new VigilError('VRRP_VMAC_NAME_TAKEN', `(${plan.instance}) interface ${plan.name} exists and is not a VMAC (MAC ${existing.hardwareAddress ?? 'none'})`, {
          instance: plan.instance,
          vmac: plan.name,
        });
      }
      this.ports.log.info({ instance: plan.instance, vmac: plan.name }, `(${plan.instance}) removing leftover VMAC interface ${plan.name}`);
      const [gone] = await this.ports.execute([{ tag: plan.name, encode: (seq) => encodeDeleteLinkRequest(existing.ifindex, { seq }) }]);
      if (gone !== undefined && gone.errno !== 0) return this.failure(plan, 'remove the leftover', gone);
      await this.waitFor(plan.name, (link) => link === undefined || link.ifindex !== existing.ifindex);
    }
    // IPv4: created up in one request. IPv6 as keepalived 2.2.7 (vrrp_vmac.c): created down,
    // addr_gen_mode none, then up, then its own link-local address, so the kernel never
    // makes the EUI-64 address of the virtual MAC that every router of the VRID shares.
    const v6 = plan.family === 'ipv6';
    const ownAddress = v6 ? vmacOwnAddress(plan, { linkLocal: primaryInterfaceAddress('ipv6', this.ports.addressesOf(parent.ifindex)), hardwareAddress: parent.hardwareAddress ?? undefined }) : null;
    if (ownAddress === undefined) {
      return new VigilError('VRRP_VMAC_NO_LINK_LOCAL', `(${plan.instance}) ${plan.parent} has neither a link-local address nor a MAC to give VMAC interface ${plan.name} one`, {
        instance: plan.instance,
        vmac: plan.name,
      });
    }
    const [outcome] = await this.ports.execute([
      {
        tag: plan.name,
        encode: (seq) =>
          encodeCreateMacvlanRequest(
            { name: plan.name, parentIfindex: parent.ifindex, hardwareAddress: plan.hardwareAddress, mode: MACVLAN_MODE_PRIVATE, up: !v6 },
            { seq },
          ),
      },
    ]);
    if (outcome === undefined || outcome.errno !== 0) return this.failure(plan, 'create', outcome);
    const link = await this.waitFor(plan.name, (l) => l !== undefined);
    if (link === undefined) {
      return new VigilError('VRRP_VMAC_CREATE_FAILED', `(${plan.instance}) VMAC interface ${plan.name} did not show up`, { instance: plan.instance, vmac: plan.name });
    }
    this.created.push({ name: plan.name, ifindex: link.ifindex });
    if (v6) {
      const error = await this.configureIpv6(plan, link.ifindex, ownAddress);
      if (error !== null) return error;
    } else {
      for (const [key, value] of VMAC_SYSCTLS) this.writeSysctl(ipv4Conf(plan.name, key), value);
      this.adjustParent(plan.parent);
    }
    this.ports.log.info(
      { instance: plan.instance, vmac: plan.name, interface: plan.parent, mac: plan.hardwareAddress, ...(ownAddress !== null ? { address: ownAddress } : {}) },
      `(${plan.instance}) VMAC interface ${plan.name} created on ${plan.parent} with MAC ${plan.hardwareAddress}${ownAddress !== null ? ` and address ${ownAddress}` : ''}`,
    );
    return null;
  }

  /** addr_gen_mode none, IPv6 on, up, then the vmac's own address (none with vmac_xmit_base), waited for in the address table. */
  private async configureIpv6(plan: VmacPlan, ifindex: number, ownAddress: string | null): Promise<VigilError | null> {
    const [mode] = await this.ports.execute([{ tag: plan.name, encode: (seq) => encodeSetAddrGenModeRequest(ifindex, IN6_ADDR_GEN_MODE_NONE, { seq }) }]);
    if (mode === undefined || mode.errno !== 0) return this.failure(plan, 'set addr_gen_mode none on', mode);
    this.writeSysctl(ipv6DisableConf(plan.name), '0');
    const [up] = await this.ports.execute([{ tag: plan.name, encode: (seq) => encodeSetLinkUpRequest(ifindex, { seq }) }]);
    if (up === undefined || up.errno !== 0) return this.failure(plan, 'bring up', up);
    if (ownAddress === null) return null;
    const [added] = await this.ports.execute([{ tag: plan.name, encode: (seq) => encodeAddVmacLinkLocalRequest(ifindex, ownAddress, { seq }) }]);
    if (added === undefined || added.errno !== 0) return this.failure(plan, `add ${ownAddress} to`, added);
    // The engine resolves the advert source from the vmac's addresses: wait until the monitor has it.
    const present = (): boolean => this.ports.addressesOf(ifindex).some((a) => (canonicalIp(a.address) ?? a.address) === ownAddress);
    if (!(await this.waitUntil(present, this.ports.onAddressChange))) {
      return new VigilError('VRRP_VMAC_CREATE_FAILED', `(${plan.instance}) address ${ownAddress} did not show up on VMAC interface ${plan.name}`, {
        instance: plan.instance,
        vmac: plan.name,
      });
    }
    return null;
  }

  private adjustParent(parent: string): void {
    if (this.parentSettings.has(parent)) return;
    const saved = new Map<string, string>();
    for (const key of PARENT_SYSCTLS) {
      const path = ipv4Conf(parent, key);
      const before = this.ports.sysctl.read(path);
      if (before === undefined || before === '1') continue;
      if (this.writeSysctl(path, '1')) saved.set(key, before);
    }
    this.parentSettings.set(parent, saved);
  }

  private writeSysctl(path: string, value: string): boolean {
    try {
      this.ports.sysctl.write(path, value);
      return true;
    } catch (e) {
      this.ports.log.warn({ path, reason: 'sysctl' }, `cannot set ${path} to ${value}: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  }

  private failure(plan: VmacPlan, what: string, outcome: PipelinedOutcome<string> | undefined): VigilError {
    const reason = outcome === undefined ? 'no answer' : (outcome.transportError?.message ?? outcome.kernelMessage ?? errnoName(outcome.errno));
    return new VigilError('VRRP_VMAC_CREATE_FAILED', `(${plan.instance}) cannot ${what} VMAC interface ${plan.name} on ${plan.parent}: ${reason}`, {
      instance: plan.instance,
      vmac: plan.name,
      errno: outcome?.errno ?? null,
    });
  }

  /** Resolves with the link once `done` holds for it (the monitor may lag the ACK), or undefined on timeout. */
  private async waitFor(name: string, done: (link: LinkState | undefined) => boolean): Promise<LinkState | undefined> {
    let link: LinkState | undefined;
    const ok = await this.waitUntil(() => {
      link = this.ports.linkNamed(name);
      return done(link);
    }, this.ports.onLinkChange);
    return ok ? link : undefined;
  }

  /** Resolves true once `check` holds (looked at again on every change `subscribe` reports), false on timeout. */
  private waitUntil(check: () => boolean, subscribe: (listener: () => void) => () => void): Promise<boolean> {
    return new Promise((resolve) => {
      let off: (() => void) | undefined;
      const timer = setTimeout(() => finish(false), this.ports.appearTimeoutMs ?? DEFAULT_APPEAR_TIMEOUT_MS);
      const finish = (ok: boolean): void => {
        clearTimeout(timer);
        off?.();
        resolve(ok);
      };
      if (check()) {
        finish(true);
        return;
      }
      off = subscribe(() => {
        if (check()) finish(true);
      });
    });
  }
}
