import { AF_INET, AF_INET6, IP_VS_SVC_F_ONEPACKET, IP_VS_SVC_F_PERSISTENT, IP_VS_TUNNEL_ENCAP_FLAG_CSUM, IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM } from '../../../../src/ipvs/IpvsConstants.js';
import type { IpvsAddressFamily, IpvsDest, IpvsForwardingMethod, IpvsService, IpvsTableEntry, IpvsTunnelType } from '../../../../src/ipvs/IpvsModel.js';
import { canonicalAddress } from '../../../../src/ipvs/IpvsAddress.js';

/**
 * Reads ipvsadm's own text back into Vigil's model, so the VM suite can compare the
 * kernel table as ipvsadm sees it with what Vigil meant to program. Written against
 * ipvsadm 1.31 output (test/fixtures/ipvs/ipvsadm/listings-1.31-linux-6.1.txt).
 */

function endpoint(text: string): { af: IpvsAddressFamily; address: string; port: number } {
  const v6 = /^\[(.+)\]:(\d+)$/.exec(text);
  if (v6) return { af: AF_INET6, address: canonicalAddress(v6[1] as string), port: Number(v6[2]) };
  const v4 = /^(.+):(\d+)$/.exec(text);
  if (!v4) throw new Error(`not an ipvsadm endpoint: ${text}`);
  return { af: AF_INET, address: v4[1] as string, port: Number(v4[2]) };
}

function prefixOf(af: IpvsAddressFamily, text: string): number {
  if (af === AF_INET6) return Number(text);
  const mask = text.split('.').reduce((acc, octet) => ((acc << 8) | Number(octet)) >>> 0, 0);
  return Math.clz32(~mask >>> 0);
}

const FLAG_BITS: Readonly<Record<string, number>> = {
  'flag-1': 0x08,
  'flag-2': 0x10,
  'flag-3': 0x20,
  'sh-fallback': 0x08,
  'sh-port': 0x10,
  'mh-fallback': 0x08,
  'mh-port': 0x10,
};

/** Service key text as the -S rules select it: `-t 192.0.2.1:80` etc. */
function selectorKey(words: readonly string[], at: number): { key: string; next: number; id: Pick<IpvsService, 'af'> & Record<string, unknown> } {
  const option = words[at];
  if (option === '-f') {
    const fwmark = Number(words[at + 1]);
    const v6 = words[at + 2] === '-6';
    return { key: `fwm ${fwmark} ${v6 ? 6 : 4}`, next: at + (v6 ? 3 : 2), id: { kind: 'fwmark', fwmark, af: v6 ? AF_INET6 : AF_INET } };
  }
  const protocol = option === '-t' ? 'tcp' : option === '-u' ? 'udp' : option === '--sctp-service' ? 'sctp' : null;
  if (protocol === null) throw new Error(`unknown service selector ${option ?? '(none)'}`);
  const e = endpoint(words[at + 1] as string);
  return { key: `${protocol} ${e.address} ${e.port}`, next: at + 2, id: { kind: 'inet', protocol, address: e.address, port: e.port, af: e.af } };
}

/** Parses `ipvsadm -Sn` output into a table (thresholds are not in it: they read as 0). */
export function parseIpvsadmRules(text: string): IpvsTableEntry[] {
  const services = new Map<string, { service: IpvsService; dests: IpvsDest[] }>();
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/).filter((w) => w.length > 0);
    if (words.length === 0) continue;
    const { key, next, id } = selectorKey(words, 1);
    if (words[0] === '-A') {
      let scheduler = 'wlc';
      let flags = 0;
      let timeout = 0;
      let netmask = id.af === AF_INET ? 32 : 128;
      let pe: string | null = null;
      for (let i = next; i < words.length; i++) {
        const w = words[i];
        if (w === '-s') scheduler = words[++i] as string;
        else if (w === '-p') {
          flags |= IP_VS_SVC_F_PERSISTENT;
          timeout = Number(words[++i]);
        } else if (w === '-M') netmask = prefixOf(id.af, words[++i] as string);
        else if (w === '--pe') pe = words[++i] as string;
        else if (w === '-o') flags |= IP_VS_SVC_F_ONEPACKET;
        else if (w === '-b') for (const name of (words[++i] as string).split(',')) flags |= FLAG_BITS[name] ?? 0;
        else throw new Error(`unknown service option ${w} in: ${line}`);
      }
      const service = { ...id, scheduler, flags, timeout, netmask, ...(pe !== null && { persistenceEngine: pe }) } as IpvsService;
      services.set(key, { service, dests: [] });
    } else if (words[0] === '-a') {
      const entry = services.get(key);
      if (!entry) throw new Error(`dest before its service: ${line}`);
      let dest: { af: IpvsAddressFamily; address: string; port: number } | null = null;
      let forwarding: IpvsForwardingMethod = 'droute';
      let weight = 1;
      let tunnelType: IpvsTunnelType = 'ipip';
      let tunnelPort = 0;
      let tunnelFlags = 0;
      for (let i = next; i < words.length; i++) {
        const w = words[i];
        if (w === '-r') dest = endpoint(words[++i] as string);
        else if (w === '-m') forwarding = 'masq';
        else if (w === '-g') forwarding = 'droute';
        else if (w === '-i') forwarding = 'tunnel';
        else if (w === '-w') weight = Number(words[++i]);
        else if (w === '--tun-type') tunnelType = words[++i] as IpvsTunnelType;
        else if (w === '--tun-port') tunnelPort = Number(words[++i]);
        else if (w === '--tun-csum') tunnelFlags = IP_VS_TUNNEL_ENCAP_FLAG_CSUM;
        else if (w === '--tun-remcsum') tunnelFlags = IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM;
        else if (w === '--tun-nocsum') tunnelFlags = 0;
        else throw new Error(`unknown dest option ${w} in: ${line}`);
      }
      if (dest === null) throw new Error(`no -r in: ${line}`);
      entry.dests.push({
        ...dest,
        forwarding,
        weight,
        upperThreshold: 0,
        lowerThreshold: 0,
        tunnelType: forwarding === 'tunnel' ? tunnelType : 'ipip',
        tunnelPort: forwarding === 'tunnel' ? tunnelPort : 0,
        tunnelFlags: forwarding === 'tunnel' ? tunnelFlags : 0,
      });
    } else {
      throw new Error(`not an ipvsadm -S rule: ${line}`);
    }
  }
  return [...services.values()];
}

/** Thresholds per dest from `ipvsadm -Ln --thresholds`, keyed `service line|dest endpoint`. */
export function parseIpvsadmThresholds(text: string): Map<string, { upper: number; lower: number }> {
  const out = new Map<string, { upper: number; lower: number }>();
  let service = '';
  for (const line of text.split('\n')) {
    const dest = /^ {2}-> (\S+)\s+(\d+)\s+(\d+)\s+\d+\s+\d+/.exec(line);
    if (dest) {
      out.set(`${service}|${dest[1]}`, { upper: Number(dest[2]), lower: Number(dest[3]) });
      continue;
    }
    if (/^(TCP|UDP|SCTP|FWM) /.test(line)) service = line.split(/\s+/).slice(0, line.startsWith('FWM') && line.includes(' IPv6 ') ? 3 : 2).join(' ');
  }
  return out;
}

/** Lines of one `### name` block of a listings file. */
export function listingSection(listings: string, name: string): string {
  const start = listings.indexOf(`### ${name}\n`);
  if (start === -1) throw new Error(`no section ${name}`);
  const body = listings.slice(start + name.length + 5);
  const end = body.indexOf('\n### ');
  return end === -1 ? body : body.slice(0, end + 1);
}
