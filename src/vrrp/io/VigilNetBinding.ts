import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VigilError } from '../../core/VigilError.js';

/**
 * The shape of `native/build/Release/vigil_net.node` (native/README.md). Only the
 * adapters in this folder talk to it; everything else sees their typed wrappers.
 */

/** `(err)` for a receive error, `(null, data, info)` for a packet. */
export type NativeReceiveCallback<I> = (error: NativeSystemError | null, data?: Buffer, info?: I) => void;

export interface NativePacketInfo {
  readonly ifindex: number;
  /** sll_pkttype (linux/if_packet.h PACKET_HOST ... PACKET_OUTGOING). */
  readonly pkttype: number;
  /** The frame's protocol (EtherType) in host order. */
  readonly protocol: number;
  readonly truncated: boolean;
}

export interface NativeIpv6PacketInfo {
  readonly src: string;
  readonly srcScopeId: number;
  /** From IPV6_PKTINFO; null only if the kernel sent no such control message. */
  readonly dst: string | null;
  readonly ifindex: number | null;
  /** From IPV6_HOPLIMIT; null only if the kernel sent no such control message. */
  readonly hopLimit: number | null;
  readonly truncated: boolean;
}

interface NativePolledSocket<I> {
  startReceiving(callback: NativeReceiveCallback<I>): void;
  stopReceiving(): void;
  /** One-shot: `callback(null)` once the socket can take another send. */
  awaitWritable(callback: (error: NativeSystemError | null) => void): void;
  /** Idempotent. */
  close(): void;
  readonly closed: boolean;
}

export interface NativePacketSocket extends NativePolledSocket<NativePacketInfo> {
  /** Sends one complete Ethernet frame; returns the bytes sent. Throws EAGAIN when full. */
  send(frame: Uint8Array): number;
}

/** The integer options `Ipv6RawSocket.setIntOption` accepts (names from linux/in6.h, socket(7)). */
export type Ipv6IntOption =
  | 'IPV6_UNICAST_HOPS'
  | 'IPV6_MULTICAST_HOPS'
  | 'IPV6_MULTICAST_LOOP'
  | 'IPV6_MULTICAST_IF'
  | 'IPV6_MULTICAST_ALL'
  | 'IPV6_CHECKSUM'
  | 'IPV6_TCLASS'
  | 'IPV6_RECVHOPLIMIT'
  | 'IPV6_RECVPKTINFO'
  | 'SO_RCVBUF'
  | 'SO_SNDBUF';

export interface NativeIpv6RawSocket extends NativePolledSocket<NativeIpv6PacketInfo> {
  setIntOption(option: Ipv6IntOption, value: number): void;
  getIntOption(option: Ipv6IntOption): number;
  bindToDevice(ifname: string): void;
  joinGroup(group: string, ifindex: number): void;
  leaveGroup(group: string, ifindex: number): void;
  /** `source` null: kernel's choice; `ifindex` 0: none; `hopLimit` -1: the socket's. */
  send(payload: Uint8Array, dst: string, source: string | null, ifindex: number, hopLimit: number): number;
}

export interface VigilNetBinding {
  readonly abiVersion: number;
  readonly PacketSocket: new (ifindex: number, protocol: number) => NativePacketSocket;
  readonly Ipv6RawSocket: new (protocol: number) => NativeIpv6RawSocket;
  /** Calls `fn` with this thread inside the namespace bound at `path`, then returns. */
  withNetworkNamespace<T>(path: string, fn: () => T): T;
  interfaceIndex(ifname: string): number;
}

/** What the addon throws and passes to callbacks: an Error with the errno name. */
export interface NativeSystemError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;
  readonly detail?: string;
}

export function isNativeSystemError(e: unknown): e is NativeSystemError {
  return (
    e instanceof Error &&
    typeof (e as Partial<NativeSystemError>).code === 'string' &&
    typeof (e as Partial<NativeSystemError>).syscall === 'string'
  );
}

/** The ABI this TypeScript expects; bumped with the addon's `abiVersion`. */
export const VIGIL_NET_ABI_VERSION = 1;

const ADDON_RELATIVE_PATH = join('native', 'build', 'Release', 'vigil_net.node');

/**
 * Where the built addon lives: `native/build/Release` under the package root, found by
 * walking up from this file so it works from `src/` (tests) and from `dist/src/`.
 */
export function defaultAddonPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const candidate = join(dir, ADDON_RELATIVE_PATH);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  // Not built: name the path under the source tree's root in the error.
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../..', ADDON_RELATIVE_PATH);
}

const loaded = new Map<string, VigilNetBinding>();

/**
 * Loads the addon once per path. Throws `NATIVE_ADDON_MISSING` when the file is absent
 * (run `npm run build:native`), `NATIVE_ADDON_LOAD_FAILED` when Node refuses it, and
 * `NATIVE_ADDON_INCOMPATIBLE` when it was built from other sources than this code.
 */
export function loadVigilNet(addonPath: string = defaultAddonPath()): VigilNetBinding {
  const cached = loaded.get(addonPath);
  if (cached !== undefined) return cached;
  if (!existsSync(addonPath)) {
    throw new VigilError(
      'NATIVE_ADDON_MISSING',
      `the vigil_net addon is not built (${addonPath}); run: npm run build:native`,
      { addonPath },
    );
  }
  let exported: unknown;
  try {
    exported = createRequire(import.meta.url)(addonPath);
  } catch (e) {
    throw new VigilError('NATIVE_ADDON_LOAD_FAILED', `cannot load ${addonPath}: ${(e as Error).message}`, { addonPath }, { cause: e });
  }
  const binding = exported as Partial<VigilNetBinding> | null;
  if (binding === null || typeof binding !== 'object' || binding.abiVersion !== VIGIL_NET_ABI_VERSION) {
    throw new VigilError(
      'NATIVE_ADDON_INCOMPATIBLE',
      `${addonPath} has ABI ${String(binding?.abiVersion)}, expected ${VIGIL_NET_ABI_VERSION}; rebuild it with npm run build:native`,
      { addonPath, abiVersion: binding?.abiVersion },
    );
  }
  const complete = exported as VigilNetBinding;
  loaded.set(addonPath, complete);
  return complete;
}
