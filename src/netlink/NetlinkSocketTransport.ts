import { createRequire } from 'node:module';
import type { ErrnoException, RawNetlinkSocket } from 'netlink';
import type { VigilError } from '../core/VigilError.js';
import { LINUX_ERRNO, errnoName } from './LinuxErrno.js';
import { NETLINK_PATCH_LEVEL, netlinkAddonPatchLevel } from './NetlinkPackagePatch.js';
import type { NetlinkTransport, NetlinkTransportHandler, NetlinkTransportOptions } from './NetlinkTransport.js';

/**
 * The errors a socket's users see. Codes and wording belong to the subsystem
 * (RTNL_*, IPVS_*); `reason` is the underlying failure's message.
 */
export interface NetlinkSocketErrors {
  /** socket(2) or bind(2) failed. */
  openFailed(reason: string, cause: unknown): VigilError;
  /** Joining a multicast group or reading the socket's address failed; the socket is closed. */
  setupFailed(reason: string, groups: readonly number[] | undefined, cause: unknown): VigilError;
  sendFailed(reason: string, details: Record<string, unknown>, cause: unknown): VigilError;
  /** `source` reads like "EBADF from recvmsg"; `reason` is the error's message. */
  broken(source: string, reason: string, details: Record<string, unknown>, cause: ErrnoException): VigilError;
}

/** The one log call a socket makes (a pino `Logger` fits). */
export interface NetlinkWarningLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface NetlinkSocketOptions {
  /** Netlink protocol number (NETLINK_ROUTE, NETLINK_GENERIC, ...). */
  readonly protocol: number;
  readonly errors: NetlinkSocketErrors;
  /**
   * Wraps socket creation, e.g. to create it inside another network namespace with a
   * setns(2) helper: a netlink socket talks to the namespace it was created in for its
   * whole life, whatever the thread does afterwards.
   */
  readonly enterNamespace?: <T>(open: () => T) => T;
  /** Told once per `logPrefix` when the addon lacks Vigil's ENOBUFS/EPOLLERR patch. */
  readonly unpatchedWarning?: { readonly log: NetlinkWarningLog; readonly logPrefix: string };
}

const warnedPrefixes = new Set<string>();
let rawSocketClass: typeof RawNetlinkSocket | undefined;

/**
 * The package's socket class, loaded on first use: importing `netlink` loads its native
 * addon, which code that never opens a socket (pure tests, config checks) should not need.
 */
function rawNetlinkSocket(): typeof RawNetlinkSocket {
  rawSocketClass ??= (createRequire(import.meta.url)('netlink') as { RawNetlinkSocket: typeof RawNetlinkSocket }).RawNetlinkSocket;
  return rawSocketClass;
}

function warnIfUnpatched(warning: NonNullable<NetlinkSocketOptions['unpatchedWarning']>): void {
  if (warnedPrefixes.has(warning.logPrefix)) return;
  const level = netlinkAddonPatchLevel();
  if (level === NETLINK_PATCH_LEVEL) return;
  warnedPrefixes.add(warning.logPrefix);
  // Without the patch an overrun reported through EPOLLERR aborts the process (patches/README.md).
  warning.log.warn(
    { expected: NETLINK_PATCH_LEVEL, found: level },
    `${warning.logPrefix}: the netlink package addon is not patched; a receive-buffer overrun may abort the process (run node patches/apply-netlink-patch.mjs)`,
  );
}

function errnoDetails(e: ErrnoException): Record<string, unknown> {
  return { errno: e.errno, code: e.code, syscall: e.syscall };
}

/**
 * A `NetlinkTransport` over the `netlink` package's RawNetlinkSocket (the layer that only
 * moves bytes; framing and attributes are Vigil's own codecs). Receive errors are
 * sorted here: ENOBUFS from recvmsg is an overrun and the socket stays open (netlink(7);
 * with the patched addon this also holds when the overrun shows up as EPOLLERR); any
 * other error closes the socket and reports it broken.
 */
class NetlinkSocketTransport implements NetlinkTransport {
  private closed = false;

  constructor(
    private readonly socket: RawNetlinkSocket,
    private readonly handler: NetlinkTransportHandler,
    private readonly errors: NetlinkSocketErrors,
    readonly portId: number,
    readonly receiveBufferSize: number,
  ) {
    socket.on('message', (message) => {
      if (!this.closed) this.handler.datagram(new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
    });
    // With message peeking (the package default) nothing is truncated; if it ever is,
    // a message was lost just as surely as in an overrun.
    socket.on('truncatedMessage', () => {
      if (!this.closed) this.handler.overrun();
    });
    socket.on('error', (error) => this.receiveError(error));
  }

  send(datagram: Uint8Array, onSent: (error: VigilError | null) => void): void {
    const failed = (cause: unknown, details: Record<string, unknown>): void => {
      const error = this.errors.sendFailed((cause as Error).message, details, cause);
      queueMicrotask(() => onSent(error));
    };
    if (this.closed) {
      failed(new Error('socket closed'), {});
      return;
    }
    try {
      this.socket.send(Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength), { port: 0 }, (error) => {
        if (error === undefined) onSent(null);
        else failed(error, errnoDetails(error));
      });
    } catch (e) {
      failed(e, {});
    }
  }

  keepEventLoopAlive(alive: boolean): void {
    if (this.closed) return;
    if (alive) this.socket.ref();
    else this.socket.unref();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.socket.close();
    } catch {
      // Already closed by the addon after a poll error.
    }
  }

  private receiveError(error: ErrnoException): void {
    if (this.closed) return;
    if (error.errno === LINUX_ERRNO.ENOBUFS && error.syscall === 'recvmsg') {
      this.handler.overrun();
      return;
    }
    this.close();
    this.handler.broken(
      this.errors.broken(`${error.code ?? errnoName(error.errno)} from ${error.syscall ?? 'poll'}`, error.message, errnoDetails(error), error),
    );
  }
}

/** Opens and binds a netlink socket of `socket.protocol`, joins `transport.groups`, and wraps it. */
export function openNetlinkSocket(handler: NetlinkTransportHandler, transport: NetlinkTransportOptions, socket: NetlinkSocketOptions): NetlinkTransport {
  if (socket.unpatchedWarning !== undefined) warnIfUnpatched(socket.unpatchedWarning);
  const create = (): RawNetlinkSocket => {
    const Socket = rawNetlinkSocket();
    return new Socket(socket.protocol, { recvBufferSize: transport.receiveBufferSize ?? 0, sendBufferSize: 0 });
  };
  let raw: RawNetlinkSocket;
  try {
    raw = socket.enterNamespace ? socket.enterNamespace(create) : create();
  } catch (e) {
    throw socket.errors.openFailed((e as Error).message, e);
  }
  try {
    for (const group of transport.groups ?? []) raw.addMembership(group);
    raw.unref();
    return new NetlinkSocketTransport(raw, handler, socket.errors, raw.address().port, raw.getRecvBufferSize());
  } catch (e) {
    raw.close();
    throw socket.errors.setupFailed((e as Error).message, transport.groups, e);
  }
}
