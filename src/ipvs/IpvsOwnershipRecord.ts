import { isIPv4, isIPv6 } from 'node:net';
import { canonicalAddress } from './IpvsAddress.js';
import type { IpvsServiceKey } from './IpvsKey.js';
import type { IpvsOwnership } from './IpvsReconciler.js';

/**
 * The on-disk form of the IPVS entries Vigil owns (`ipvs-owned.json`), so that a later
 * run can tell its predecessor's leftovers from another tool's entries:
 *
 * ```json
 * { "format": "vigil-ipvs-ownership", "version": 1,
 *   "services": ["tcp|192.0.2.1|80"], "dests": ["tcp|192.0.2.1|80>198.51.100.2|80"] }
 * ```
 *
 * Keys are IpvsKey.ts's (`ipvsServiceKey`, `ipvsServiceDestKey`). Parsing is all or
 * nothing: the record decides what gets deleted from the kernel, so a file that is not
 * exactly this shape is refused whole, never used in part.
 */

export const IPVS_OWNERSHIP_FORMAT = 'vigil-ipvs-ownership';
export const IPVS_OWNERSHIP_VERSION = 1;

export type IpvsOwnershipParse = { readonly ok: true; readonly owned: IpvsOwnership } | { readonly ok: false; readonly reason: string };

const FIELDS = ['format', 'version', 'services', 'dests'] as const;
const PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'sctp']);
/** A decimal without leading zeros (the form `${number}` produces). */
const DECIMAL = /^(0|[1-9][0-9]*)$/;
/** fwmark is a __u32 (IPVS_SVC_ATTR_FWMARK, include/uapi/linux/ip_vs.h); 0 means "not a fwmark service". */
const FWMARK_MAX = 0xffff_ffff;
const PORT_MAX = 0xffff;

/** Stable text of a record: keys sorted, one trailing newline. */
export function serialiseIpvsOwnership(owned: IpvsOwnership): string {
  const record = {
    format: IPVS_OWNERSHIP_FORMAT,
    version: IPVS_OWNERSHIP_VERSION,
    services: [...owned.services].sort(),
    dests: [...owned.dests].sort(),
  };
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** Parses a record; any deviation (JSON, shape, version, key syntax, duplicates) refuses it whole. */
export function parseIpvsOwnership(text: string): IpvsOwnershipParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not JSON (${(e as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not a JSON object' };
  const record = value as Record<string, unknown>;
  if (record['format'] !== IPVS_OWNERSHIP_FORMAT) return { ok: false, reason: `"format" is not "${IPVS_OWNERSHIP_FORMAT}" (not a Vigil ownership record)` };
  if (record['version'] !== IPVS_OWNERSHIP_VERSION) {
    const version = typeof record['version'] === 'number' ? String(record['version']) : JSON.stringify(record['version'] ?? null);
    return { ok: false, reason: `format version ${version} is not ${IPVS_OWNERSHIP_VERSION} (written by another Vigil version)` };
  }
  const extra = Object.keys(record).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (extra.length > 0) return { ok: false, reason: `unexpected field(s) ${extra.map((k) => `"${k}"`).join(', ')}` };
  const services = keyList(record['services'], 'services', serviceKeyProblem);
  if (!services.ok) return services;
  const dests = keyList(record['dests'], 'dests', destKeyProblem);
  if (!dests.ok) return dests;
  return { ok: true, owned: { services: services.keys, dests: dests.keys } };
}

function keyList(value: unknown, field: string, problem: (key: string) => string | null): { ok: true; keys: Set<string> } | { ok: false; reason: string } {
  if (!Array.isArray(value)) return { ok: false, reason: `"${field}" is not an array` };
  const keys = new Set<string>();
  for (const [i, key] of value.entries()) {
    if (typeof key !== 'string') return { ok: false, reason: `"${field}"[${i}] is not a string` };
    const why = problem(key);
    if (why !== null) return { ok: false, reason: `"${field}"[${i}] "${key}": ${why}` };
    if (keys.has(key)) return { ok: false, reason: `"${field}"[${i}] "${key}" is listed twice` };
    keys.add(key);
  }
  return { ok: true, keys };
}

function numberProblem(text: string, what: string, min: number, max: number): string | null {
  if (!DECIMAL.test(text)) return `${what} "${text}" is not a decimal number`;
  const n = Number(text);
  return n < min || n > max ? `${what} ${text} is outside ${min}..${max}` : null;
}

/** Only the canonical text `canonicalAddress` gives counts: keys are compared as strings. */
function addressProblem(text: string): string | null {
  if (!isIPv4(text) && !(isIPv6(text) && !text.includes('%'))) return `"${text}" is not an IP address`;
  return canonicalAddress(text) === text ? null : `address "${text}" is not in canonical form`;
}

/** Checks a key as `ipvsServiceKey` writes it: `tcp|192.0.2.1|80` or `fwm|7|v4`. */
export function serviceKeyProblem(key: IpvsServiceKey): string | null {
  const parts = key.split('|');
  if (parts.length !== 3) return 'not a service key (protocol|address|port or fwm|mark|v4/v6)';
  const [kind, middle, last] = parts as [string, string, string];
  if (kind === 'fwm') {
    if (last !== 'v4' && last !== 'v6') return `address family "${last}" is not v4 or v6`;
    return numberProblem(middle, 'fwmark', 1, FWMARK_MAX);
  }
  if (!PROTOCOLS.has(kind)) return `protocol "${kind}" is not tcp, udp, sctp or fwm`;
  return addressProblem(middle) ?? numberProblem(last, 'port', 0, PORT_MAX);
}

/** Checks a table-wide dest key as `ipvsServiceDestKey` writes it: `SERVICE>address|port`. */
export function destKeyProblem(key: string): string | null {
  const at = key.indexOf('>');
  if (at < 0 || key.indexOf('>', at + 1) >= 0) return 'not a dest key (service>address|port)';
  const service = serviceKeyProblem(key.slice(0, at));
  if (service !== null) return service;
  const parts = key.slice(at + 1).split('|');
  if (parts.length !== 2) return 'dest part is not address|port';
  const [address, port] = parts as [string, string];
  return addressProblem(address) ?? numberProblem(port, 'port', 0, PORT_MAX);
}
