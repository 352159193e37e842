import type { VigilError } from '../../core/VigilError.js';

/** What a transport reports; called from the event loop, never synchronously from `send`. */
export interface RtnlTransportHandler {
  /** One received datagram: one or more netlink messages. */
  datagram(bytes: Uint8Array): void;
  /**
   * The kernel dropped messages for this socket (recvmsg failed with ENOBUFS: the
   * receive queue overran). The socket still works, but whatever was dropped is gone.
   */
  overrun(): void;
  /** The socket failed for good and is closed (`RTNL_SOCKET_BROKEN`). */
  broken(error: VigilError): void;
}

export interface RtnlTransportOptions {
  /** rtnetlink multicast groups (RTNLGRP_*) to join. */
  readonly groups?: readonly number[];
  /** SO_RCVBUF to ask for; the kernel caps it at net.core.rmem_max and doubles it (socket(7)). */
  readonly receiveBufferSize?: number;
}

/** A NETLINK_ROUTE socket, bound and ready: the one seam between rtnl logic and I/O. */
export interface RtnlTransport {
  /** The socket's netlink port id (nl_pid); the kernel puts it in notifications our requests cause. */
  readonly portId: number;
  /** SO_RCVBUF as getsockopt(2) reports it: the kernel's accounting limit in bytes. */
  readonly receiveBufferSize: number;
  /** Queues one datagram; `onSent` gets null once sendmsg(2) succeeded, or RTNL_SEND_FAILED. */
  send(datagram: Uint8Array, onSent: (error: VigilError | null) => void): void;
  /** Whether the open socket keeps Node's event loop alive (default: it does not). */
  keepEventLoopAlive(alive: boolean): void;
  /** Idempotent; no handler call follows. */
  close(): void;
}

export type RtnlTransportOpener = (handler: RtnlTransportHandler, options: RtnlTransportOptions) => RtnlTransport;
