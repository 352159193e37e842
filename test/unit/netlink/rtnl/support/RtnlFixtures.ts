import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeNetlinkMessages, type NetlinkMessage } from '../../../../../src/netlink/NetlinkMessage.js';

/** test/fixtures/rtnl, captured from a real kernel and iproute2 by capture-rtnl-fixtures.mjs. */
export const RTNL_FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/rtnl');

interface KernelMessagesFile {
  readonly kernel: string;
  readonly notifications: readonly { readonly name: string; readonly command: string; readonly datagrams: readonly string[] }[];
  readonly dumps: Readonly<Record<string, readonly string[]>>;
  readonly ipAddrAfter: string;
}

interface Iproute2RequestsFile {
  readonly ifindex: number;
  readonly requests: readonly { readonly name: string; readonly command: string; readonly messages: readonly string[] }[];
}

const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));

function load<T>(name: string): T {
  return JSON.parse(readFileSync(resolve(RTNL_FIXTURES, name), 'utf8')) as T;
}

export const kernelMessages = load<KernelMessagesFile>('kernel-messages.json');
export const iproute2Requests = load<Iproute2RequestsFile>('iproute2-requests.json');

/** Every message the kernel multicast after one captured command. */
export function notificationsOf(step: string): NetlinkMessage[] {
  const found = kernelMessages.notifications.find((n) => n.name === step);
  if (found === undefined) throw new Error(`no captured step ${step}`);
  return found.datagrams.flatMap((hex) => decodeNetlinkMessages(fromHex(hex)));
}

/** The data messages (and NLMSG_DONE) of a captured dump. */
export function dumpOf(name: string): NetlinkMessage[] {
  const found = kernelMessages.dumps[name];
  if (found === undefined) throw new Error(`no captured dump ${name}`);
  return found.flatMap((hex) => decodeNetlinkMessages(fromHex(hex)));
}

/** The single address request iproute2 sent for a captured command. */
export function iproute2Request(name: string): Uint8Array {
  const found = iproute2Requests.requests.find((r) => r.name === name);
  const hex = found?.messages[0];
  if (hex === undefined) throw new Error(`no captured iproute2 request ${name}`);
  return fromHex(hex);
}
