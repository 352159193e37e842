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
  /** When the last of the VIPs got its first gratuitous ARP / unsolicited NA from the backup. */
  readonly backupAnnouncedNs: bigint | undefined;
}

export type Trigger = 'crash' | 'sigterm';

/**
 * Reads a failover out of captured frames: adverts are told apart by source MAC, the
 * announcement by SPA (ARP) or target (NA) = VIP. Returns undefined when the capture does
 * not show the old master going away.
 */
export function failoverTimeline(
  frames: readonly PcapFrame[],
  trigger: Trigger,
  masterMac: string,
  backupMac: string,
  vips: readonly string[],
): FailoverTimeline | undefined {
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
  const announced = new Map<string, bigint>();
  const wanted = new Set(vips);
  for (const f of frames) {
    if (f.timestampNs < masterGoneNs) continue;
    const a = decodeAdvertFrame(f.data);
    if (a.ok && a.ethernet.src === backupMac && a.advert.priority > 0) backupAdvertNs ??= f.timestampNs;
    const arp = decodeArpFrame(f.data);
    const na = arp.ok ? undefined : decodeNaFrame(f.data);
    const target = arp.ok && arp.ethernet.src === backupMac ? arp.arp.senderIp : na?.ok && na.ethernet.src === backupMac ? na.na.target : undefined;
    if (target !== undefined && wanted.has(target) && !announced.has(target)) announced.set(target, f.timestampNs);
  }
  const backupAnnouncedNs = announced.size === wanted.size ? [...announced.values()].reduce((x, y) => (y > x ? y : x)) : undefined;
  return { masterGoneNs, backupAdvertNs, backupAnnouncedNs };
}

/**
 * `ip -ts monitor address` lines: `[2026-11-21T10:05:26.123456] 3: eth0    inet 192.0.2.100/24 ...`.
 * Returns the epoch nanoseconds at which the last of `vips` was first added after `afterNs`
 * (run ip with TZ=UTC), or undefined if one never was.
 */
export function vipsAddedNs(monitorOutput: string, vips: readonly string[], afterNs: bigint): bigint | undefined {
  const line = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{6})\]\s+(?!Deleted)\d+:\s+\S+\s+inet6?\s+([^/\s]+)\//;
  const wanted = new Set(vips);
  const added = new Map<string, bigint>();
  for (const text of monitorOutput.split('\n')) {
    const m = line.exec(text);
    const vip = m?.[3];
    if (m === null || vip === undefined || !wanted.has(vip) || added.has(vip)) continue;
    const ns = BigInt(Date.parse(`${m[1]}Z`)) * 1_000_000n + BigInt(m[2] ?? '0') * 1000n;
    if (ns >= afterNs) added.set(vip, ns);
  }
  if (added.size !== wanted.size) return undefined;
  return [...added.values()].reduce((x, y) => (y > x ? y : x));
}
