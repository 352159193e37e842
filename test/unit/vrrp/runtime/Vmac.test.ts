import { describe, expect, it } from 'vitest';
import { LINUX_ERRNO } from '../../../../src/netlink/LinuxErrno.js';
import type { LinkState } from '../../../../src/netlink/rtnl/LinkState.js';
import { decodeNetlinkMessages } from '../../../../src/netlink/NetlinkMessage.js';
import { decodeIfInfoMsg } from '../../../../src/netlink/rtnl/LinkCodec.js';
import type { PipelinedOutcome, PipelinedRequest } from '../../../../src/netlink/rtnl/RequestPipeline.js';
import { IFF_RUNNING, IFF_UP, RTM_DELLINK, RTM_NEWLINK } from '../../../../src/netlink/rtnl/RtnetlinkConstants.js';
import { VmacInterfaces, type SysctlAccess } from '../../../../src/vrrp/runtime/VmacInterface.js';
import { vmacDecision, type VmacPlan } from '../../../../src/vrrp/runtime/VmacPlan.js';
import { SILENT_VRRP_LOG } from '../../../../src/vrrp/runtime/VrrpLog.js';

const pos = { file: 'keepalived.conf', line: 1, col: 1 };

describe('vmacDecision: what use_vmac means for an instance', () => {
  const base = { name: 'VI_1', virtualRouterId: 51, family: 'inet' as const, vmacXmitBase: false };

  it('no use_vmac: nothing to do', () => {
    expect(vmacDecision({ ...base, useVmac: null }, 'eth0')).toEqual({ kind: 'none' });
  });

  it('defaults to vrrp.<VRID> with 00:00:5e:00:01:<VRID> on the instance interface', () => {
    expect(vmacDecision({ ...base, useVmac: { name: null, pos } }, 'eth0')).toEqual({
      kind: 'vmac',
      plan: { instance: 'VI_1', name: 'vrrp.51', parent: 'eth0', hardwareAddress: '00:00:5e:00:01:33', transmitOnParent: false },
    });
  });

  it('takes the configured name and vmac_xmit_base; VRID 255 is ff', () => {
    const d = vmacDecision({ ...base, virtualRouterId: 255, vmacXmitBase: true, useVmac: { name: 'vmac-web', pos } }, 'bond0');
    expect(d).toEqual({
      kind: 'vmac',
      plan: { instance: 'VI_1', name: 'vmac-web', parent: 'bond0', hardwareAddress: '00:00:5e:00:01:ff', transmitOnParent: true },
    });
  });

  it('IPv6 is refused with a reason (no link-local of its own yet)', () => {
    const d = vmacDecision({ ...base, family: 'inet6', useVmac: { name: null, pos } }, 'eth0');
    expect(d.kind).toBe('unsupported');
  });
});

/** A namespace's links and /proc/sys as seen through the ports, answering requests as the kernel would. */
class FakeKernel {
  readonly links = new Map<string, LinkState>();
  readonly sysctl = new Map<string, string>();
  readonly requests: { type: number; ifindex: number }[] = [];
  private listeners = new Set<() => void>();
  private nextIndex = 10;
  failCreateWith = 0;
  /** Notifications are delivered after the ACK, as the monitor socket lags the request socket. */
  private pending: (() => void)[] = [];

  constructor() {
    this.links.set('eth0', link(2, 'eth0', '02:00:00:00:00:01'));
    this.sysctl.set('/proc/sys/net/ipv4/conf/eth0/arp_ignore', '0');
    this.sysctl.set('/proc/sys/net/ipv4/conf/eth0/arp_filter', '0');
  }

  readonly sysctlAccess: SysctlAccess = {
    read: (path) => this.sysctl.get(path),
    write: (path, value) => {
      if (!path.startsWith('/proc/sys/net/ipv4/conf/')) throw new Error('outside net.ipv4.conf');
      this.sysctl.set(path, value);
    },
  };

  execute = async <T>(requests: readonly PipelinedRequest<T>[]): Promise<PipelinedOutcome<T>[]> => {
    const outcomes = requests.map((r, i) => {
      const [message] = decodeNetlinkMessages(r.encode(i + 1));
      const ifi = decodeIfInfoMsg(message!);
      this.requests.push({ type: message!.header.type, ifindex: ifi.ifindex });
      let errno = 0;
      if (message!.header.type === RTM_NEWLINK) {
        const name = String(r.tag);
        if (this.failCreateWith !== 0) errno = this.failCreateWith;
        else if (this.links.has(name)) errno = LINUX_ERRNO.EEXIST;
        else {
          const created = link(this.nextIndex++, name, '00:00:5e:00:01:33');
          this.pending.push(() => this.links.set(name, created));
        }
      } else if (message!.header.type === RTM_DELLINK) {
        const victim = [...this.links.values()].find((l) => l.ifindex === ifi.ifindex);
        if (victim === undefined) errno = LINUX_ERRNO.ENODEV;
        else this.pending.push(() => this.links.delete(victim.name));
      }
      return { tag: r.tag, errno, retransmitted: false };
    });
    setImmediate(() => this.flush());
    return outcomes;
  };

  onLinkChange = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private flush(): void {
    for (const apply of this.pending.splice(0)) apply();
    for (const l of [...this.listeners]) l();
  }
}

function link(ifindex: number, name: string, mac: string): LinkState {
  return { ifindex, name, flags: IFF_UP | IFF_RUNNING, operState: 6, mtu: 1500, hardwareAddress: mac };
}

const PLAN: VmacPlan = { instance: 'VI_1', name: 'vrrp.51', parent: 'eth0', hardwareAddress: '00:00:5e:00:01:33', transmitOnParent: false };

function ports(kernel: FakeKernel) {
  return {
    execute: kernel.execute,
    linkNamed: (name: string) => kernel.links.get(name),
    onLinkChange: kernel.onLinkChange,
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
