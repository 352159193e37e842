import { encodeGratuitousArpFrame } from '../codec/GratuitousArpCodec.js';
import { ipFamilyOf } from '../codec/IpAddressBytes.js';
import { encodeUnsolicitedNaFrame } from '../codec/UnsolicitedNaCodec.js';
import type { FrameSender } from '../io/GarpSender.js';
import type { InterfaceView } from './InterfaceView.js';
import type { InstanceVip } from './VipSpecMapping.js';
import type { VrrpLog } from './VrrpLog.js';

export interface AnnouncementPorts {
  readonly interfaces: Pick<InterfaceView, 'hardwareAddress' | 'ipv6Forwarding'>;
  /** The AF_PACKET sender of an interface (opened once, shared by the instances on it). */
  frameSender(ifname: string): FrameSender;
  /** Waits between packets when `vrrp_garp_interval` / `vrrp_gna_interval` is set. */
  sleep(ms: number): Promise<void>;
  readonly log: VrrpLog;
}

export interface AnnouncementSpacing {
  /** `vrrp_garp_interval`: pause between gratuitous ARPs on an interface; 0 = none. */
  readonly garpIntervalMs: number;
  /** `vrrp_gna_interval`: pause between unsolicited NAs on an interface; 0 = none. */
  readonly gnaIntervalMs: number;
}

/**
 * Gratuitous ARPs (IPv4 VIPs; RFC 5227 §3 announcement: request, SPA = TPA = VIP,
 * broadcast) and unsolicited neighbour advertisements (IPv6 VIPs; RFC 4861 §7.2.6: from
 * the VIP to ff02::1, Override set, target link-layer option) for one instance, as
 * keepalived sends them (vrrp.c `vrrp_send_link_update`): `repeat` rounds of one packet
 * per VIP, logging one line per VIP and burst (after the first round). A burst stops early when `stillWanted`
 * turns false (the instance left MASTER meanwhile).
 */
export class AnnouncementSender {
  constructor(
    private readonly instanceName: string,
    private readonly ports: AnnouncementPorts,
    private readonly spacing: AnnouncementSpacing,
  ) {}

  /** Sends the burst; resolves with the number of frames sent. */
  async burst(vips: readonly InstanceVip[], repeat: number, stillWanted: () => boolean): Promise<number> {
    const { log } = this.ports;
    const prepared: { vip: InstanceVip; ifname: string; frame: Buffer; interval: number; v6: boolean }[] = [];
    for (const vip of vips) {
      const ifname = typeof vip.spec.interface === 'string' ? vip.spec.interface : undefined;
      if (ifname === undefined) continue;
      const mac = this.ports.interfaces.hardwareAddress(ifname);
      if (mac === undefined) {
        log.warn({ instance: this.instanceName, interface: ifname }, `(${this.instanceName}) no MAC address known for ${ifname}; cannot announce ${vip.address}`);
        continue;
      }
      const v6 = ipFamilyOf(vip.address) === 'ipv6';
      const frame = v6
        ? encodeUnsolicitedNaFrame({ target: vip.address, mac, router: this.ports.interfaces.ipv6Forwarding(ifname) })
        : encodeGratuitousArpFrame({ address: vip.address, senderMac: mac });
      prepared.push({ vip, ifname, frame, interval: v6 ? this.spacing.gnaIntervalMs : this.spacing.garpIntervalMs, v6 });
    }
    let sent = 0;
    for (let round = 0; round < repeat; round++) {
      for (const p of prepared) {
        if (!stillWanted()) return sent;
        if (sent > 0 && p.interval > 0) await this.ports.sleep(p.interval);
        await this.ports.frameSender(p.ifname).send(p.frame);
        sent++;
      }
      // One line per VIP, as keepalived logs them, but only once every VIP has had its first
      // announcement: with a thousand VIPs the logging would otherwise delay the last one.
      if (round === 0) this.logAnnounced(prepared);
    }
    return sent;
  }

  private logAnnounced(prepared: readonly { vip: InstanceVip; ifname: string; v6: boolean }[]): void {
    for (const { vip, ifname, v6 } of prepared) {
      this.ports.log.info(
        { instance: this.instanceName, interface: ifname, vip: vip.address },
        v6
          ? `(${this.instanceName}) Sending/queueing Unsolicited Neighbour Adverts on ${ifname} for ${vip.address}`
          : `(${this.instanceName}) Sending/queueing gratuitous ARPs on ${ifname} for ${vip.address}`,
      );
    }
  }
}
