import { decodeAdvertFrame } from '../../src/vrrp/codec/AdvertCodec.js';
import { decodeArpFrame } from '../../src/vrrp/codec/GratuitousArpCodec.js';
import { decodeNaFrame } from '../../src/vrrp/codec/UnsolicitedNaCodec.js';
import type { PcapFrame } from '../../test/support/netns/index.js';

/** What one failover looked like on the bridge, in nanoseconds of capture time. */
export interface FailoverTimeline {
  /** The old master's last advert with priority > 0 (crash) or its priority-0 advert (SIGTERM). */
  readonly masterGoneNs: bigint;
  /** The backup's first advert after that. */
  readonly backupAdvertNs: bigint | undefined;
  /** The backup's first gratuitous ARP / unsolicited NA for the VIP after that. */
  readonly backupAnnounceNs: bigint | undefined;
}

export type Trigger = 'crash' | 'sigterm';

/**
 * Reads a failover out of captured frames: adverts are told apart by source MAC, the
 * announcement by SPA (ARP) or target (NA) = VIP. Returns undefined when the capture does
 * not show the old master going away.
 */
export function failoverTimeline(frames: readonly PcapFrame[], trigger: Trigger, masterMac: string, backupMac: string, vip: string): FailoverTimeline | undefined {
  let masterGoneNs: bigint | undefined;
  for (const f of frames) {
    const a = decodeAdvertFrame(f.data);
    if (!a.ok || a.ethernet.src !== masterMac) continue;
    if (trigger === 'sigterm' ? a.advert.priority === 0 : a.advert.priority > 0) {
      if (trigger === 'sigterm') {
        masterGoneNs ??= f.timestampNs;
      } else {
        masterGoneNs = f.timestampNs;
      }
    }
  }
  if (masterGoneNs === undefined) return undefined;
  let backupAdvertNs: bigint | undefined;
  let backupAnnounceNs: bigint | undefined;
  for (const f of frames) {
    if (f.timestampNs < masterGoneNs) continue;
    const a = decodeAdvertFrame(f.data);
    if (a.ok && a.ethernet.src === backupMac && a.advert.priority > 0) backupAdvertNs ??= f.timestampNs;
    const arp = decodeArpFrame(f.data);
    if (arp.ok && arp.ethernet.src === backupMac && arp.arp.senderIp === vip) backupAnnounceNs ??= f.timestampNs;
    const na = decodeNaFrame(f.data);
    if (na.ok && na.ethernet.src === backupMac && na.na.target === vip) backupAnnounceNs ??= f.timestampNs;
  }
  return { masterGoneNs, backupAdvertNs, backupAnnounceNs };
}

/**
 * `ip -ts monitor address` lines: `[2026-11-21T10:05:26.123456] 3: eth0    inet 192.0.2.100/24 ...`.
 * Returns the epoch nanoseconds of the first line adding `vip` (run it with TZ=UTC).
 */
export function vipAddedNs(monitorOutput: string, vip: string, afterNs: bigint): bigint | undefined {
  const line = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{6})\]\s+(?!Deleted)\d+:\s+\S+\s+inet6?\s+(\S+)\//;
  for (const text of monitorOutput.split('\n')) {
    const m = line.exec(text);
    if (m === null || m[3] !== vip) continue;
    const ns = BigInt(Date.parse(`${m[1]}Z`)) * 1_000_000n + BigInt(m[2] ?? '0') * 1000n;
    if (ns >= afterNs) return ns;
  }
  return undefined;
}
