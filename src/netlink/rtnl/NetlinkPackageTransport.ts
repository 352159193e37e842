import { createRequire } from 'node:module';
import type { ErrnoException, RawNetlinkSocket } from 'netlink';
import type { VigilError } from '../../core/VigilError.js';
import { LINUX_ERRNO, errnoName } from '../LinuxErrno.js';
import { NETLINK_ROUTE } from '../NetlinkConstants.js';
import { NETLINK_PATCH_LEVEL, netlinkAddonPatchLevel } from './NetlinkPackagePatch.js';
import { rtnlError } from './RtnlError.js';
import { SILENT_RTNL_LOG, type RtnlLog } from './RtnlLog.js';
import type { RtnlTransport, RtnlTransportHandler, RtnlTransportOpener, RtnlTransportOptions } from './RtnlTransport.js';

export interface NetlinkPackageTransportOptions {
  /**
   * Wraps socket creation, e.g. to create it inside another network namespace with a
   * setns(2) helper: a netlink socket talks to the namespace it was created in for its
   * whole life, whatever the thread does afterwards.
   */
  readonly enterNamespace?: <T>(open: () => T) => T;
  readonly log?: RtnlLog;
}

let unpatchedWarningGiven = false;
let rawSocketClass: typeof RawNetlinkSocket | undefined;

/**
 * The package's socket class, loaded on first use: importing `netlink` loads its native
 * addon, which code that never opens a socket (pure tests, config checks) should not need.
 */
function rawNetlinkSocket(): typeof RawNetlinkSocket {
  rawSocketClass ??= (createRequire(import.meta.url)('netlink') as { RawNetlinkSocket: typeof RawNetlinkSocket }).RawNetlinkSocket;
  return rawSocketClass;
}

function warnIfUnpatched(log: RtnlLog): void {
  if (unpatchedWarningGiven) return;
  const level = netlinkAddonPatchLevel();
  if (level === NETLINK_PATCH_LEVEL) return;
  unpatchedWarningGiven = true;
  log.warn(
    { expected: NETLINK_PATCH_LEVEL, found: level },
    'Netlink: the netlink package addon is not patched; a receive-buffer overrun may abort the process (run node patches/apply-netlink-patch.mjs)',
  );
}

function describeErrno(e: ErrnoException): Record<string, unknown> {
  return { errno: e.errno, code: e.code, syscall: e.syscall };
}

/**
 * `RtnlTransport` over the `netlink` package's RawNetlinkSocket (the layer that only
 * moves bytes; framing and attributes are Vigil's own codecs). Receive errors are
 * sorted here: ENOBUFS from recvmsg is an overrun and the socket stays open (with
 * the patched addon this also holds when the overrun shows up as EPOLLERR); any other
 * error closes the socket and reports it broken.
 */
class NetlinkPackageTransport implements RtnlTransport {
  private closed = false;

  constructor(
    private readonly socket: RawNetlinkSocket,
    private readonly handler: RtnlTransportHandler,
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
      const error = rtnlError('RTNL_SEND_FAILED', `Netlink: sendmsg failed: ${(cause as Error).message}`, details, cause);
      queueMicrotask(() => onSent(error));
    };
    if (this.closed) {
      failed(new Error('socket closed'), {});
      return;
    }
    try {
      this.socket.send(Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength), { port: 0 }, (error) => {
        if (error === undefined) onSent(null);
        else failed(error, describeErrno(error));
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
      rtnlError(
        'RTNL_SOCKET_BROKEN',
        `Netlink: socket failed (${error.code ?? errnoName(error.errno)} from ${error.syscall ?? 'poll'}): ${error.message}`,
        describeErrno(error),
        error,
      ),
    );
  }
}

function openSocket(handler: RtnlTransportHandler, transport: RtnlTransportOptions, options: NetlinkPackageTransportOptions): RtnlTransport {
  warnIfUnpatched(options.log ?? SILENT_RTNL_LOG);
  const create = (): RawNetlinkSocket => {
    const Socket = rawNetlinkSocket();
    return new Socket(NETLINK_ROUTE, { recvBufferSize: transport.receiveBufferSize ?? 0, sendBufferSize: 0 });
  };
  let socket: RawNetlinkSocket;
  try {
    socket = options.enterNamespace ? options.enterNamespace(create) : create();
  } catch (e) {
    throw rtnlError('RTNL_SOCKET_FAILED', `Netlink: cannot open a NETLINK_ROUTE socket: ${(e as Error).message}`, {}, e);
  }
  try {
    for (const group of transport.groups ?? []) socket.addMembership(group);
    socket.unref();
    return new NetlinkPackageTransport(socket, handler, socket.address().port, socket.getRecvBufferSize());
  } catch (e) {
    socket.close();
    throw rtnlError('RTNL_SOCKET_FAILED', `Netlink: cannot set up the NETLINK_ROUTE socket: ${(e as Error).message}`, { groups: transport.groups }, e);
  }
}

/** An opener of NETLINK_ROUTE sockets through the `netlink` package. */
export function netlinkPackageTransport(options: NetlinkPackageTransportOptions = {}): RtnlTransportOpener {
  return (handler, transport) => openSocket(handler, transport, options);
}
