import { canonicalIp } from '../codec/IpAddressBytes.js';
import { passwordAuthData, type VrrpAdvert } from '../codec/VrrpAdvert.js';
import {
  VRRP_AUTH_AH,
  VRRP_AUTH_NONE,
  VRRP_AUTH_PASS,
  VRRP_TTL,
  VRRP_TYPE_ADVERTISEMENT,
} from '../codec/VrrpProtocol.js';
import type { ReceiveCheckResult, ReceiveDropReason, ReceivedAdvert, ReceiveWarning } from './ReceiveCheckResult.js';
import type { ReceiverInstance } from './ReceiverInstance.js';

/**
 * The receive checks of RFC 3768 §7.1 (VRRPv2) and RFC 5798 §7.1 (VRRPv3), as a pure
 * function of the decoded advert, the interface it arrived on and the configured
 * instances. Order: find the instance (VRID on this interface), then TTL, version, type,
 * length, checksum, own packet, unicast source, then v2 auth type, password and
 * interval. The first failure is the drop reason.
 *
 * Deliberate differences from keepalived 2.2.7:
 * - A VIP list (or count) that differs from ours is a warning, not a drop (see
 *   `VipMismatchWarning`).
 * - AH adverts are matched on auth type only; the ICV is not verified (see IpsecAhHeader).
 * Kept from keepalived: the TTL check is skipped for unicast instances, whose peers may
 * be routed hops away; it still applies to every multicast instance.
 */
export function checkReceivedAdvert(
  received: ReceivedAdvert,
  receivingInterface: string,
  instances: readonly ReceiverInstance[],
): ReceiveCheckResult {
  const { advert, ip } = received;
  const instance = instances.find(
    (i) => i.interface === receivingInterface && i.family === ip.family && i.vrid === advert.vrid,
  );
  if (instance === undefined) {
    return drop('unknown-vrid', `received VRID ${advert.vrid} not configured on ${receivingInterface}`);
  }
  const fail = (reason: ReceiveDropReason, detail: string): ReceiveCheckResult => drop(reason, `(${instance.name}) ${detail}`, instance);
  const unicast = instance.unicastPeers.length > 0;

  // MUST verify the TTL / Hop Limit is 255 (RFC 3768 §7.1, RFC 5798 §7.1).
  const ttl = ip.family === 'ipv4' ? ip.ttl : ip.hopLimit;
  if (!unicast && ttl !== VRRP_TTL) return fail('ttl', `invalid ttl/hop limit ${ttl}, expected ${VRRP_TTL}`);

  // MUST verify the version.
  if (advert.version !== instance.version) return fail('version-mismatch', `invalid version ${advert.version}, expected ${instance.version}`);

  // Unknown types MUST be discarded (RFC 3768 §5.3.2, RFC 5798 §5.2.2).
  if (advert.type !== VRRP_TYPE_ADVERTISEMENT) return fail('invalid-type', `invalid packet type ${advert.type}, expected ${VRRP_TYPE_ADVERTISEMENT}`);

  // MUST verify the length covers the message; keepalived also refuses extra bytes.
  if (advert.trailingBytes !== 0) {
    return fail('length-mismatch', `${advert.trailingBytes} bytes beyond the ${advert.length}-byte message for ${advert.addresses.length} addresses`);
  }

  // MUST verify the checksum.
  const checksum = checksumVerdict(advert, instance);
  if (checksum !== undefined) return fail('bad-checksum', checksum);

  const src = canonicalIp(ip.src) ?? ip.src;
  if (instance.ownAddresses.some((a) => (canonicalIp(a) ?? a) === src)) return fail('own-packet', `advert from our own address ${src}`);

  if (unicast && instance.checkUnicastSrc && !instance.unicastPeers.some((p) => (canonicalIp(p) ?? p) === src)) {
    return fail('unicast-peer-unknown', `unicast source address ${src} is not a unicast peer`);
  }

  if (advert.version === 2) {
    const authProblem = authVerdict(advert, received.ah !== undefined, instance);
    if (authProblem !== undefined) return fail(authProblem.reason, authProblem.detail);
    // MUST verify the Adver Interval matches ours, else discard (RFC 3768 §7.1).
    if (advert.adverIntSec * 1000 !== instance.advertIntervalMs) {
      return fail(
        'advert-interval-mismatch',
        `advertisement interval mismatch mine=${instance.advertIntervalMs} ms received=${advert.adverIntSec * 1000} ms`,
      );
    }
  }
  // VRRPv3 backups adopt the master's Max Adver Int (RFC 5798 §6.4.2), so no interval check.

  const warnings: ReceiveWarning[] = [];
  const vipWarning = vipMismatch(advert, instance);
  if (vipWarning !== undefined) warnings.push(vipWarning);
  return { accept: true, advert, instance, warnings };
}

function drop(reason: ReceiveDropReason, detail: string, instance?: ReceiverInstance): ReceiveCheckResult {
  return instance === undefined ? { accept: false, reason, detail } : { accept: false, reason, detail, instance };
}

/** `undefined` when the checksum this instance expects verifies, else why not. */
function checksumVerdict(advert: VrrpAdvert, instance: ReceiverInstance): string | undefined {
  const { messageOnly, withPseudoHeader } = advert.checksumMatch;
  if (advert.version === 2) return messageOnly ? undefined : `invalid VRRPv2 checksum 0x${hex4(advert.checksum)}`;
  // RFC 5798 §5.2.8 includes the pseudo-header; keepalived's v3_checksum_as_v2 (IPv4 only) does not.
  const expectMessageOnly = advert.family === 'ipv4' && instance.v3ChecksumAsV2 === true;
  if (expectMessageOnly ? messageOnly : withPseudoHeader) return undefined;
  const hint = expectMessageOnly
    ? withPseudoHeader
      ? ' (it verifies with the pseudo-header: the sender does not use v3_checksum_as_v2)'
      : ''
    : messageOnly
      ? ' (it verifies without the pseudo-header: the sender uses v3_checksum_as_v2)'
      : '';
  return `invalid VRRPv3 checksum 0x${hex4(advert.checksum)}${hint}`;
}

function authVerdict(
  advert: Extract<VrrpAdvert, { version: 2 }>,
  behindAh: boolean,
  instance: ReceiverInstance,
): { reason: ReceiveDropReason; detail: string } | undefined {
  const expected = { none: VRRP_AUTH_NONE, PASS: VRRP_AUTH_PASS, AH: VRRP_AUTH_AH }[instance.auth.type];
  // An AH advert says so twice: IP protocol 51 and Auth Type 2 (RFC 2338 §5.3.6.3); both must agree with us.
  if (advert.authType !== expected || behindAh !== (instance.auth.type === 'AH')) {
    return {
      reason: 'auth-type-mismatch',
      detail: `received auth type ${advert.authType}${behindAh ? ' behind IPsec AH' : ''}, expected ${expected}`,
    };
  }
  // RFC 2338 §5.3.6.2: the 8 bytes must equal our zero-padded password.
  if (instance.auth.type === 'PASS' && !advert.authData.equals(passwordAuthData(instance.auth.password))) {
    return { reason: 'auth-fail', detail: 'received an invalid password' };
  }
  return undefined;
}

function vipMismatch(advert: VrrpAdvert, instance: ReceiverInstance): ReceiveWarning | undefined {
  const ours = new Set(instance.virtualAddresses.map((a) => canonicalIp(a) ?? a));
  const theirs = new Set(advert.addresses);
  const missing = [...ours].filter((a) => !theirs.has(a));
  const unexpected = [...theirs].filter((a) => !ours.has(a));
  if (missing.length === 0 && unexpected.length === 0 && advert.addresses.length === instance.virtualAddresses.length) return undefined;
  const parts = [
    `advert has ${advert.addresses.length} addresses, we have ${instance.virtualAddresses.length}`,
    ...(missing.length > 0 ? [`missing ${missing.join(', ')}`] : []),
    ...(unexpected.length > 0 ? [`unexpected ${unexpected.join(', ')}`] : []),
  ];
  return {
    code: 'vip-mismatch',
    missing,
    unexpected,
    message: `(${instance.name}) virtual addresses differ from the master's: ${parts.join('; ')}`,
  };
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
