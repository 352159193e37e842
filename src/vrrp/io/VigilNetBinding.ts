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

/**
 * `(0, expirations)` when the timer expired (expirations >= 1, normally 1: it is one-shot),
 * `(errno, 0)` when watching it failed. Runs on the event loop, never synchronously in `arm`.
 */
export type NativeTimerExpiry = (errno: number, expirations: number) => void;

/** A one-shot CLOCK_MONOTONIC timerfd (native/timer_fd.cc, timerfd_create(2)). */
export interface NativeTimerFd {
  /**
   * Arms (or re-arms) for the absolute CLOCK_MONOTONIC instant `deadlineNs`
   * (`timerfd_settime(TFD_TIMER_ABSTIME)`); a deadline already passed expires at once.
   * 0 or an errno: EINVAL for a deadline <= 0, EBADF once closed.
   */
  arm(deadlineNs: bigint): number;
  /** Cancels the pending expiry, if any; 0 or an errno (0 once closed). */
  disarm(): number;
  /** Idempotent; no expiry is reported afterwards. */
  close(): void;
  readonly closed: boolean;
}

/** The scheduling calls (native/process_scheduling.cc): each returns 0 or an errno, never throws. */
export interface VigilNetSchedulingFunctions {
  /** `mlock2(MLOCK_ONFAULT)` of one address range. */
  lockMemoryRange(start: bigint, length: bigint): number;
  /** `sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK)`. */
  setRealtimePriority(priority: number): number;
  /** `setrlimit(RLIMIT_RTTIME)`. */
  setRealtimeTimeLimit(softMicros: number, hardMicros: number): number;
  /** `sched_setaffinity(tid)` (0: the calling thread) to the CPU numbers given. */
  setCpuAffinity(cpus: readonly number[], tid: number): number;
}

/** The timer calls (native/timer_fd.cc). */
export interface VigilNetTimerFunctions {
  /** A new timerfd reporting to `onExpiry`, or the errno of timerfd_create(2) (EMFILE...). */
  openTimerFd(onExpiry: NativeTimerExpiry): NativeTimerFd | number;
  /** `clock_gettime(CLOCK_MONOTONIC)` in nanoseconds: the clock `arm` deadlines are on. */
  monotonicNowNs(): bigint;
}

export interface VigilNetBinding extends VigilNetSchedulingFunctions, VigilNetTimerFunctions {
  readonly abiVersion: number;
  readonly PacketSocket: new (ifindex: number, protocol: number) => NativePacketSocket;
  readonly Ipv6RawSocket: new (protocol: number) => NativeIpv6RawSocket;
  /** Calls `fn` with this thread inside the namespace bound at `path`, then returns. */
  withNetworkNamespace<T>(path: string, fn: () => T): T;
  interfaceIndex(ifname: string): number;
}

/**
 * Every function `VigilNetBinding` declares, by name: the loader checks a loaded addon
 * against it, and the native tests check the built addon exports exactly these.
 */
export const VIGIL_NET_FUNCTIONS = [
  'PacketSocket',
  'Ipv6RawSocket',
  'withNetworkNamespace',
  'interfaceIndex',
  'lockMemoryRange',
  'setRealtimePriority',
  'setRealtimeTimeLimit',
  'setCpuAffinity',
  'openTimerFd',
  'monotonicNowNs',
] as const satisfies readonly (keyof VigilNetBinding)[];

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

/**
 * The ABI this TypeScript expects; bumped with the addon's `abiVersion` (native/vigil_net.cc
 * `kAbiVersion`) whenever an export is added, removed or changes meaning.
 * 2: `openTimerFd`, `monotonicNowNs`, and the scheduling functions typed here.
 */
export const VIGIL_NET_ABI_VERSION = 2;

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
