import { describe, expect, it } from 'vitest';
import { LINUX_ERRNO } from '../../../../src/netlink/LinuxErrno.js';
import type { LinkState } from '../../../../src/netlink/rtnl/LinkState.js';
import { decodeNetlinkMessages } from '../../../../src/netlink/NetlinkMessage.js';
import { decodeNested, NetlinkAttributeTable, readU32 } from '../../../../src/netlink/NetlinkAttribute.js';
import { formatInetBytes } from '../../../../src/netlink/rtnl/InetAddress.js';
import type { InterfaceAddress } from '../../../../src/netlink/rtnl/InterfaceAddress.js';
import { decodeIfInfoMsg } from '../../../../src/netlink/rtnl/LinkCodec.js';
import { IFLA_AF_SPEC, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE } from '../../../../src/netlink/rtnl/MacvlanLinkCodec.js';
import type { PipelinedOutcome, PipelinedRequest } from '../../../../src/netlink/rtnl/RequestPipeline.js';
import {
  AF_INET6,
  IFA_CACHEINFO,
  IFA_F_NODAD,
  IFA_FLAGS,
  IFA_LOCAL,
  IFADDRMSG_SIZE,
  IFF_RUNNING,
  IFF_UP,
  IFINFOMSG_SIZE,
  IFLA_ADDRESS,
  RT_SCOPE_LINK,
  RTM_DELLINK,
  RTM_NEWADDR,
  RTM_NEWLINK,
} from '../../../../src/netlink/rtnl/RtnetlinkConstants.js';
import { VmacInterfaces, type SysctlAccess } from '../../../../src/vrrp/runtime/VmacInterface.js';
import { eui64LinkLocal, vmacDecision, vmacOwnAddress, type VmacPlan } from '../../../../src/vrrp/runtime/VmacPlan.js';
import { SILENT_VRRP_LOG } from '../../../../src/vrrp/runtime/VrrpLog.js';

const pos = { file: 'keepalived.conf', line: 1, col: 1 };

describe('vmacDecision: what use_vmac means for an instance', () => {
  const base = { name: 'VI_1', virtualRouterId: 51, family: 'inet' as const, vmacXmitBase: false, unicastSrcIp: null, mcastSrcIp: null };

  it('no use_vmac: nothing to do', () => {
    expect(vmacDecision({ ...base, useVmac: null }, 'eth0')).toEqual({ kind: 'none' });
  });

  it('defaults to vrrp.<VRID> with 00:00:5e:00:01:<VRID> on the instance interface', () => {
    expect(vmacDecision({ ...base, useVmac: { name: null, pos } }, 'eth0')).toEqual({
      kind: 'vmac',
      plan: { instance: 'VI_1', name: 'vrrp.51', parent: 'eth0', family: 'ipv4', hardwareAddress: '00:00:5e:00:01:33', transmitOnParent: false, configuredSource: null },
    });
  });

  it('takes the configured name and vmac_xmit_base; VRID 255 is ff', () => {
    const d = vmacDecision({ ...base, virtualRouterId: 255, vmacXmitBase: true, useVmac: { name: 'vmac-web', pos } }, 'bond0');
    expect(d).toEqual({
      kind: 'vmac',
      plan: { instance: 'VI_1', name: 'vmac-web', parent: 'bond0', family: 'ipv4', hardwareAddress: '00:00:5e:00:01:ff', transmitOnParent: true, configuredSource: null },
    });
  });

  it('IPv6: RFC 5798 §7.3 MAC 00:00:5e:00:02:<VRID>, the configured source kept for the vmac', () => {
    const d = vmacDecision({ ...base, family: 'inet6', useVmac: { name: null, pos }, mcastSrcIp: { address: 'fe80::1', family: 'inet6' } }, 'eth0');
    expect(d).toEqual({
      kind: 'vmac',
      plan: { instance: 'VI_1', name: 'vrrp.51', parent: 'eth0', family: 'ipv6', hardwareAddress: '00:00:5e:00:02:33', transmitOnParent: false, configuredSource: 'fe80::1' },
    });
    const unicast = vmacDecision({ ...base, family: 'inet6', useVmac: { name: null, pos }, unicastSrcIp: { address: '2001:db8::1', family: 'inet6' } }, 'eth0');
    expect(unicast.kind === 'vmac' && unicast.plan.configuredSource).toBe('2001:db8::1');
    // An IPv4 instance's source address never lands on its vmac.
    const v4 = vmacDecision({ ...base, useVmac: { name: null, pos }, mcastSrcIp: { address: '192.0.2.1', family: 'inet' } }, 'eth0');
    expect(v4.kind === 'vmac' && v4.plan.configuredSource).toBeNull();
  });
});

describe("the IPv6 vmac's own address (keepalived's set_link_local_address)", () => {
  const v6 = { family: 'ipv6' as const, transmitOnParent: false, configuredSource: null };
  const parent = { linkLocal: 'fe80::ff:fe00:1', hardwareAddress: '02:00:00:00:00:01' };

  it('the configured source first, then the parent link-local, then EUI-64 of the parent MAC', () => {
    expect(vmacOwnAddress({ ...v6, configuredSource: 'fe80::a' }, parent)).toBe('fe80::a');
    expect(vmacOwnAddress(v6, { ...parent, linkLocal: 'FE80:0::FF:FE00:1' })).toBe('fe80::ff:fe00:1');
    expect(vmacOwnAddress(v6, { linkLocal: undefined, hardwareAddress: '52:54:00:12:34:56' })).toBe('fe80::5054:ff:fe12:3456');
    expect(vmacOwnAddress(v6, { linkLocal: undefined, hardwareAddress: undefined })).toBeUndefined();
  });

  it('none for IPv4 and for vmac_xmit_base (adverts leave from the parent)', () => {
    expect(vmacOwnAddress({ ...v6, family: 'ipv4' }, parent)).toBeNull();
    expect(vmacOwnAddress({ ...v6, transmitOnParent: true, configuredSource: 'fe80::a' }, parent)).toBeNull();
  });

  it('EUI-64 flips the universal/local bit (RFC 4291 Appendix A) and refuses what is not a MAC', () => {
    expect(eui64LinkLocal('02:00:00:00:00:01')).toBe('fe80::ff:fe00:1');
    expect(eui64LinkLocal('00:00:5E:00:02:33')).toBe('fe80::200:5eff:fe00:233');
    expect(eui64LinkLocal('02:00:00:00:00')).toBeUndefined();
  });
});

/** A namespace's links, addresses and /proc/sys as seen through the ports, answering requests as the kernel would. */
class FakeKernel {
  readonly links = new Map<string, LinkState>();
  readonly addresses: InterfaceAddress[] = [];
  readonly sysctl = new Map<string, string>();
  readonly requests: { type: number; ifindex: number }[] = [];
  /** Per ifindex: IPv6 address generation mode set through IFLA_AF_SPEC. */
  readonly addrGenMode = new Map<number, number>();
  /** RTM_NEWADDR requests as the kernel would read them. */
  readonly addedAddresses: { ifindex: number; address: string; prefixLength: number; flags: number; preferred: number | undefined }[] = [];
  private listeners = new Set<() => void>();
  private nextIndex = 10;
  failCreateWith = 0;
  failAddressWith = 0;
  /** The address monitor never reports added addresses (a lost notification). */
  hideNewAddresses = false;
  /** Notifications are delivered after the ACK, as the monitor socket lags the request socket. */
  private pending: (() => void)[] = [];

  constructor() {
    this.links.set('eth0', link(2, 'eth0', '02:00:00:00:00:01'));
    this.addresses.push(address(2, 'fe80::ff:fe00:1'));
    this.sysctl.set('/proc/sys/net/ipv4/conf/eth0/arp_ignore', '0');
    this.sysctl.set('/proc/sys/net/ipv4/conf/eth0/arp_filter', '0');
  }

  readonly sysctlAccess: SysctlAccess = {
    read: (path) => this.sysctl.get(path),
    write: (path, value) => {
      if (!path.startsWith('/proc/sys/net/ipv4/conf/') && !path.startsWith('/proc/sys/net/ipv6/conf/')) throw new Error('outside net.ipv{4,6}.conf');
      this.sysctl.set(path, value);
    },
  };

  execute = async <T>(requests: readonly PipelinedRequest<T>[]): Promise<PipelinedOutcome<T>[]> => {
    const outcomes = requests.map((r, i) => {
      const [message] = decodeNetlinkMessages(r.encode(i + 1));
      const type = message!.header.type;
      const errno = type === RTM_NEWADDR ? this.newAddress(message!.payload) : this.linkRequest(type, String(r.tag), message!);
      return { tag: r.tag, errno, retransmitted: false };
    });
    setImmediate(() => this.flush());
    return outcomes;
  };

  onLinkChange = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private linkRequest(type: number, name: string, message: NonNullable<ReturnType<typeof decodeNetlinkMessages>[number]>): number {
    const ifi = decodeIfInfoMsg(message);
    this.requests.push({ type, ifindex: ifi.ifindex });
    const attributes = NetlinkAttributeTable.decode(message.payload.subarray(IFINFOMSG_SIZE));
    if (type === RTM_NEWLINK && ifi.ifindex === 0) {
      if (this.failCreateWith !== 0) return this.failCreateWith;
      if (this.links.has(name)) return LINUX_ERRNO.EEXIST;
      const mac = [...attributes.get(IFLA_ADDRESS)!.payload].map((b) => b.toString(16).padStart(2, '0')).join(':');
      const created = { ...link(this.nextIndex++, name, mac), flags: ifi.flags & IFF_UP ? IFF_UP | IFF_RUNNING : 0 };
      this.pending.push(() => this.links.set(name, created));
      return 0;
    }
    const target = [...this.links.values()].find((l) => l.ifindex === ifi.ifindex);
    if (target === undefined) return LINUX_ERRNO.ENODEV;
    if (type === RTM_DELLINK) {
      this.pending.push(() => {
        this.links.delete(target.name);
        for (let k = this.addresses.length - 1; k >= 0; k--) if (this.addresses[k]!.ifindex === target.ifindex) this.addresses.splice(k, 1);
      });
      return 0;
    }
    const spec = attributes.get(IFLA_AF_SPEC);
    if (spec !== undefined) {
      const inet6 = decodeNested(spec).find((a) => a.type === AF_INET6)!;
      const mode = decodeNested(inet6).find((a) => a.type === IFLA_INET6_ADDR_GEN_MODE)!;
      this.addrGenMode.set(target.ifindex, mode.payload[0]!);
    }
    if (ifi.change & IFF_UP && ifi.flags & IFF_UP) {
      // The kernel makes the EUI-64 link-local of the interface MAC unless told not to.
      if (this.addrGenMode.get(target.ifindex) !== IN6_ADDR_GEN_MODE_NONE) this.addresses.push(address(target.ifindex, eui64LinkLocal(target.hardwareAddress!)!));
      this.pending.push(() => this.links.set(target.name, { ...target, flags: IFF_UP | IFF_RUNNING }));
    }
    return 0;
  }

  private newAddress(payload: Uint8Array): number {
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    const ifindex = view.getUint32(4, true);
    this.requests.push({ type: RTM_NEWADDR, ifindex });
    if (this.failAddressWith !== 0) return this.failAddressWith;
    const attributes = NetlinkAttributeTable.decode(payload.subarray(IFADDRMSG_SIZE));
    const text = formatInetBytes(AF_INET6, attributes.get(IFA_LOCAL)!.payload);
    const cacheinfo = attributes.get(IFA_CACHEINFO)?.payload;
    const flags = attributes.get(IFA_FLAGS);
    this.addedAddresses.push({
      ifindex,
      address: text,
      prefixLength: view.getUint8(1),
      flags: flags === undefined ? view.getUint8(2) : readU32(flags),
      preferred: cacheinfo === undefined ? undefined : new DataView(cacheinfo.buffer, cacheinfo.byteOffset).getUint32(0, true),
    });
    if (!this.hideNewAddresses) this.pending.push(() => this.addresses.push(address(ifindex, text)));
    return 0;
  }

  private flush(): void {
    for (const apply of this.pending.splice(0)) apply();
    for (const l of [...this.listeners]) l();
  }
}

function link(ifindex: number, name: string, mac: string): LinkState {
  return { ifindex, name, flags: IFF_UP | IFF_RUNNING, operState: 6, mtu: 1500, hardwareAddress: mac };
}

function address(ifindex: number, text: string): InterfaceAddress {
  return { ifindex, family: AF_INET6, address: text, prefixLength: 64, peer: null, broadcast: null, label: null, scope: RT_SCOPE_LINK, flags: 0 };
}

const PLAN: VmacPlan = {
  instance: 'VI_1',
  name: 'vrrp.51',
  parent: 'eth0',
  family: 'ipv4',
  hardwareAddress: '00:00:5e:00:01:33',
  transmitOnParent: false,
  configuredSource: null,
};
const PLAN6: VmacPlan = { ...PLAN, instance: 'VI_6', name: 'vrrp.52', family: 'ipv6', hardwareAddress: '00:00:5e:00:02:34' };

function ports(kernel: FakeKernel) {
  return {
    execute: kernel.execute,
    linkNamed: (name: string) => kernel.links.get(name),
    onLinkChange: kernel.onLinkChange,
    addressesOf: (ifindex: number) => kernel.addresses.filter((a) => a.ifindex === ifindex),
    onAddressChange: kernel.onLinkChange,
    sysctl: kernel.sysctlAccess,
    log: SILENT_VRRP_LOG,
    appearTimeoutMs: 1_000,
  };
}

describe('VmacInterfaces: creating and removing the macvlans', () => {
  it('creates the vmac on the parent, waits for the monitor to see it, sets keepalived\'s sysctls, and undoes it all on remove', async () => {
    const kernel = new FakeKernel();
    const created = await VmacInterfaces.create([PLAN], ports(kernel));
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.vmacs.names).toEqual(['vrrp.51']);
    expect(kernel.links.get('vrrp.51')?.hardwareAddress).toBe('00:00:5e:00:01:33');
    const conf = (i: string, k: string) => kernel.sysctl.get(`/proc/sys/net/ipv4/conf/${i}/${k}`);
    expect([conf('vrrp.51', 'arp_ignore'), conf('vrrp.51', 'accept_local'), conf('vrrp.51', 'rp_filter'), conf('vrrp.51', 'promote_secondaries')]).toEqual(['1', '1', '0', '1']);
    expect([conf('eth0', 'arp_ignore'), conf('eth0', 'arp_filter')]).toEqual(['1', '1']);

    await created.vmacs.remove();
    await new Promise((r) => setImmediate(r));
    expect(kernel.links.has('vrrp.51')).toBe(false);
    expect(kernel.requests.map((r) => r.type)).toEqual([RTM_NEWLINK, RTM_DELLINK]);
    expect([conf('eth0', 'arp_ignore'), conf('eth0', 'arp_filter')]).toEqual(['0', '0']);
    // A second remove has nothing left to do.
    await created.vmacs.remove();
    expect(kernel.requests).toHaveLength(2);
  });

  it('leaves a parent that already had arp_ignore=1 / arp_filter=1 as it was', async () => {
    const kernel = new FakeKernel();
    kernel.sysctl.set('/proc/sys/net/ipv4/conf/eth0/arp_ignore', '1');
    kernel.sysctl.set('/proc/sys/net/ipv4/conf/eth0/arp_filter', '1');
    const created = await VmacInterfaces.create([PLAN], ports(kernel));
    if (!created.ok) throw new Error('not created');
    kernel.sysctl.set('/proc/sys/net/ipv4/conf/eth0/arp_ignore', '2'); // someone else's change since
    await created.vmacs.remove();
    expect(kernel.sysctl.get('/proc/sys/net/ipv4/conf/eth0/arp_ignore')).toBe('2');
  });

  it('replaces a leftover with our name and the virtual MAC (a killed run)', async () => {
    const kernel = new FakeKernel();
    kernel.links.set('vrrp.51', link(5, 'vrrp.51', '00:00:5e:00:01:33'));
    const created = await VmacInterfaces.create([PLAN], ports(kernel));
    expect(created.ok).toBe(true);
    expect(kernel.requests).toEqual([
      { type: RTM_DELLINK, ifindex: 5 },
      { type: RTM_NEWLINK, ifindex: 0 },
    ]);
    expect(kernel.links.get('vrrp.51')?.ifindex).not.toBe(5);
  });

  it('never touches an interface of that name with another MAC', async () => {
    const kernel = new FakeKernel();
    kernel.links.set('vrrp.51', link(5, 'vrrp.51', '02:00:00:00:09:09'));
    const created = await VmacInterfaces.create([PLAN], ports(kernel));
    expect(created.ok).toBe(false);
    if (created.ok) return;
    expect(created.errors.map((e) => e.code)).toEqual(['VRRP_VMAC_NAME_TAKEN']);
    expect(kernel.requests).toEqual([]);
  });

  it('reports a missing parent and a kernel refusal with stable codes, removing what it had made', async () => {
    const kernel = new FakeKernel();
    const missing = await VmacInterfaces.create([{ ...PLAN, parent: 'eth9' }], ports(kernel));
    expect(!missing.ok && missing.errors.map((e) => e.code)).toEqual(['VRRP_RUNTIME_INTERFACE_MISSING']);

    kernel.failCreateWith = LINUX_ERRNO.EPERM;
    const refused = await VmacInterfaces.create([PLAN], ports(kernel));
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.errors[0]?.code).toBe('VRRP_VMAC_CREATE_FAILED');
    expect(refused.errors[0]?.message).toMatch(/EPERM/);
    expect(kernel.links.has('vrrp.51')).toBe(false);
  });

  it('two instances sharing one vmac name must agree on parent and MAC; identical plans make one interface', async () => {
    const kernel = new FakeKernel();
    const clash = await VmacInterfaces.create([PLAN, { ...PLAN, instance: 'VI_2', hardwareAddress: '00:00:5e:00:01:34' }], ports(kernel));
    expect(!clash.ok && clash.errors.map((e) => e.code)).toEqual(['VRRP_VMAC_CONFLICT']);
    const shared = await VmacInterfaces.create([PLAN, { ...PLAN, instance: 'VI_2' }], ports(kernel));
    expect(shared.ok && shared.vmacs.names).toEqual(['vrrp.51']);
  });
});

describe('VmacInterfaces: IPv6 vmacs as keepalived 2.2.7 makes them', () => {
  it('created down, addr_gen_mode none, IPv6 on, up, then the parent link-local (/64, nodad, deprecated) as its own address', async () => {
    const kernel = new FakeKernel();
    kernel.sysctl.set('/proc/sys/net/ipv6/conf/vrrp.52/disable_ipv6', '1');
    const created = await VmacInterfaces.create([PLAN6], ports(kernel));
    expect(created.ok).toBe(true);
    const vmac = kernel.links.get('vrrp.52')!;
    expect(vmac.hardwareAddress).toBe('00:00:5e:00:02:34');
    expect(kernel.requests).toEqual([
      { type: RTM_NEWLINK, ifindex: 0 },
      { type: RTM_NEWLINK, ifindex: vmac.ifindex },
      { type: RTM_NEWLINK, ifindex: vmac.ifindex },
      { type: RTM_NEWADDR, ifindex: vmac.ifindex },
    ]);
    expect(kernel.addrGenMode.get(vmac.ifindex)).toBe(IN6_ADDR_GEN_MODE_NONE);
    expect(kernel.sysctl.get('/proc/sys/net/ipv6/conf/vrrp.52/disable_ipv6')).toBe('0');
    expect(kernel.addedAddresses).toEqual([{ ifindex: vmac.ifindex, address: 'fe80::ff:fe00:1', prefixLength: 64, flags: IFA_F_NODAD, preferred: 0 }]);
    // Only that address: no EUI-64 address of the virtual MAC, which every router would share.
    expect(kernel.addresses.filter((a) => a.ifindex === vmac.ifindex).map((a) => a.address)).toEqual(['fe80::ff:fe00:1']);
    // keepalived's IPv4 ARP settings are for IPv4 vmacs only.
    expect(kernel.sysctl.get('/proc/sys/net/ipv4/conf/eth0/arp_ignore')).toBe('0');
    expect(kernel.sysctl.has('/proc/sys/net/ipv4/conf/vrrp.52/arp_ignore')).toBe(false);
  });

  it('a parent without a link-local address: EUI-64 of the parent MAC; a configured source wins over both', async () => {
    const bare = new FakeKernel();
    bare.addresses.splice(0);
    bare.links.set('eth0', link(2, 'eth0', '52:54:00:12:34:56'));
    expect((await VmacInterfaces.create([PLAN6], ports(bare))).ok).toBe(true);
    expect(bare.addedAddresses.map((a) => a.address)).toEqual(['fe80::5054:ff:fe12:3456']);

    const configured = new FakeKernel();
    expect((await VmacInterfaces.create([{ ...PLAN6, configuredSource: 'fe80::99' }], ports(configured))).ok).toBe(true);
    expect(configured.addedAddresses.map((a) => a.address)).toEqual(['fe80::99']);
  });

  it('vmac_xmit_base: addr_gen_mode none and up, but no address (adverts leave from the parent)', async () => {
    const kernel = new FakeKernel();
    expect((await VmacInterfaces.create([{ ...PLAN6, transmitOnParent: true }], ports(kernel))).ok).toBe(true);
    const vmac = kernel.links.get('vrrp.52')!;
    expect(kernel.addrGenMode.get(vmac.ifindex)).toBe(IN6_ADDR_GEN_MODE_NONE);
    expect(kernel.requests.map((r) => r.type)).toEqual([RTM_NEWLINK, RTM_NEWLINK, RTM_NEWLINK]);
    expect(kernel.addresses.filter((a) => a.ifindex === vmac.ifindex)).toEqual([]);
  });

  it('a refused address is an error and the half-made vmac is removed', async () => {
    const kernel = new FakeKernel();
    kernel.failAddressWith = LINUX_ERRNO.EACCES;
    const created = await VmacInterfaces.create([PLAN6], ports(kernel));
    expect(created.ok).toBe(false);
    if (created.ok) return;
    expect(created.errors[0]?.code).toBe('VRRP_VMAC_CREATE_FAILED');
    expect(created.errors[0]?.message).toMatch(/fe80::ff:fe00:1/);
    await new Promise((r) => setImmediate(r));
    expect(kernel.links.has('vrrp.52')).toBe(false);
  });

  it('nothing to derive an address from: refused before anything is created', async () => {
    const kernel = new FakeKernel();
    kernel.addresses.splice(0);
    kernel.links.set('eth0', { ...link(2, 'eth0', 'x'), hardwareAddress: null });
    const created = await VmacInterfaces.create([PLAN6], ports(kernel));
    expect(!created.ok && created.errors.map((e) => e.code)).toEqual(['VRRP_VMAC_NO_LINK_LOCAL']);
    expect(kernel.requests).toEqual([]);
  });

  it('a leftover IPv6 vmac (a killed run) is replaced and set up again from scratch', async () => {
    const kernel = new FakeKernel();
    kernel.links.set('vrrp.52', link(5, 'vrrp.52', '00:00:5e:00:02:34'));
    kernel.addresses.push(address(5, 'fe80::ff:fe00:1'));
    const created = await VmacInterfaces.create([PLAN6], ports(kernel));
    expect(created.ok).toBe(true);
    const vmac = kernel.links.get('vrrp.52')!;
    expect(vmac.ifindex).not.toBe(5);
    expect(kernel.requests.map((r) => r.type)).toEqual([RTM_DELLINK, RTM_NEWLINK, RTM_NEWLINK, RTM_NEWLINK, RTM_NEWADDR]);
    expect(kernel.addresses.filter((a) => a.ifindex === vmac.ifindex).map((a) => a.address)).toEqual(['fe80::ff:fe00:1']);
  });

  it('an address the monitor never reports is an error (the engine would have no source to send from)', async () => {
    const kernel = new FakeKernel();
    kernel.hideNewAddresses = true;
    const created = await VmacInterfaces.create([PLAN6], { ...ports(kernel), appearTimeoutMs: 50 });
    expect(created.ok).toBe(false);
    if (created.ok) return;
    expect(created.errors[0]?.message).toMatch(/address fe80::ff:fe00:1 did not show up on VMAC interface vrrp\.52/);
  });
});
