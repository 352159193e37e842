import { RawNetlinkSocket, type ErrnoException } from 'netlink';
import type { VigilError } from '../core/VigilError.js';
import { LINUX_ERRNO, errnoName } from '../netlink/LinuxErrno.js';
import { NETLINK_GENERIC } from '../netlink/NetlinkConstants.js';
import type { RtnlTransport, RtnlTransportHandler } from '../netlink/rtnl/RtnlTransport.js';
import { NETLINK_PATCH_LEVEL, netlinkAddonPatchLevel } from '../netlink/rtnl/NetlinkPackagePatch.js';
import { ipvsError } from './IpvsError.js';
import type { IpvsLog } from './IpvsLog.js';

/**
 * The byte-moving seam of the IPVS client. It has the shape of the rtnetlink transport
 * (`RtnlTransport`): one bound netlink socket, datagrams in and out, overruns and
 * failures reported separately. Only the protocol differs.
 */
export type NetlinkTransport = RtnlTransport;
export type NetlinkTransportHandler = RtnlTransportHandler;
export type NetlinkTransportOpener = (handler: NetlinkTransportHandler, options: { readonly receiveBufferSize: number }) => NetlinkTransport;

export interface GenericNetlinkSocketOptions {
  /** Wraps socket creation, e.g. to open it inside another network namespace. */
  readonly enterNamespace?: <T>(open: () => T) => T;
  /** Told once when the `netlink` addon lacks Vigil's ENOBUFS/EPOLLERR patch. */
  readonly log?: IpvsLog;
}

let unpatchedWarningGiven = false;

function errnoDetails(e: ErrnoException): Record<string, unknown> {
  return { errno: e.errno, code: e.code, syscall: e.syscall };
}

/** A NETLINK_GENERIC socket from the `netlink` package (RawNetlinkSocket moves bytes; framing is Vigil's). */
class GenericNetlinkSocketTransport implements NetlinkTransport {
  private closed = false;

  constructor(
    private readonly socket: RawNetlinkSocket,
    private readonly handler: NetlinkTransportHandler,
    readonly portId: number,
    readonly receiveBufferSize: number,
  ) {
    socket.on('message', (message) => {
      if (!this.closed) this.handler.datagram(new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
    });
    // With message peeking (the package default) nothing is truncated; a truncation loses a message like an overrun.
    socket.on('truncatedMessage', () => {
      if (!this.closed) this.handler.overrun();
    });
    socket.on('error', (error) => this.receiveError(error));
  }

  send(datagram: Uint8Array, onSent: (error: VigilError | null) => void): void {
    const failed = (cause: unknown, details: Record<string, unknown>): void => {
      const error = ipvsError('IPVS_SEND_FAILED', `IPVS: sendmsg failed: ${(cause as Error).message}`, details, cause);
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
    // ENOBUFS from recvmsg: the receive queue overran; the socket still works (netlink(7)).
    if (error.errno === LINUX_ERRNO.ENOBUFS && error.syscall === 'recvmsg') {
      this.handler.overrun();
      return;
    }
    this.close();
    this.handler.broken(
      ipvsError(
        'IPVS_SOCKET_BROKEN',
        `IPVS: netlink socket failed (${error.code ?? errnoName(error.errno)} from ${error.syscall ?? 'poll'}): ${error.message}`,
        errnoDetails(error),
        error,
      ),
    );
  }
}

/** Opens NETLINK_GENERIC sockets through the `netlink` package; failures are IPVS_UNAVAILABLE. */
export function genericNetlinkSocketOpener(options: GenericNetlinkSocketOptions = {}): NetlinkTransportOpener {
  return (handler, transport) => {
    if (!unpatchedWarningGiven && options.log !== undefined && netlinkAddonPatchLevel() !== NETLINK_PATCH_LEVEL) {
      unpatchedWarningGiven = true;
      // Without the patch an overrun reported through EPOLLERR aborts the process (patches/).
      options.log.warn({ expected: NETLINK_PATCH_LEVEL }, 'IPVS: the netlink package addon is not patched; a receive-buffer overrun may abort the process');
    }
    const create = (): RawNetlinkSocket => new RawNetlinkSocket(NETLINK_GENERIC, { recvBufferSize: transport.receiveBufferSize, sendBufferSize: 0 });
    let socket: RawNetlinkSocket;
    try {
      socket = options.enterNamespace ? options.enterNamespace(create) : create();
    } catch (e) {
      throw ipvsError('IPVS_UNAVAILABLE', `IPVS unavailable: cannot open a generic netlink socket: ${(e as Error).message}`, {}, e);
    }
    socket.unref();
    return new GenericNetlinkSocketTransport(socket, handler, socket.address().port, socket.getRecvBufferSize());
  };
}
