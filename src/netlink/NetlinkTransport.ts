import type { VigilError } from '../core/VigilError.js';

/** What a transport reports; called from the event loop, never synchronously from `send`. */
export interface NetlinkTransportHandler {
  /** One received datagram: one or more netlink messages. */
  datagram(bytes: Uint8Array): void;
  /**
   * The kernel dropped messages for this socket (recvmsg failed with ENOBUFS: the
   * receive queue overran). The socket still works, but whatever was dropped is gone.
   */
  overrun(): void;
  /** The socket failed for good and is closed. */
  broken(error: VigilError): void;
}

export interface NetlinkTransportOptions {
  /** Multicast groups to join (rtnetlink's RTNLGRP_*). */
  readonly groups?: readonly number[];
  /** SO_RCVBUF to ask for; the kernel caps it at net.core.rmem_max and doubles it (socket(7)). */
  readonly receiveBufferSize?: number;
}

/** A netlink socket, bound and ready: the one seam between request/monitor logic and I/O. */
export interface NetlinkTransport {
  /** The socket's netlink port id (nl_pid); the kernel puts it in notifications our requests cause. */
  readonly portId: number;
  /** SO_RCVBUF as getsockopt(2) reports it: the kernel's accounting limit in bytes. */
  readonly receiveBufferSize: number;
  /** Queues one datagram; `onSent` gets null once sendmsg(2) succeeded, or the protocol's send error. */
  send(datagram: Uint8Array, onSent: (error: VigilError | null) => void): void;
  /** Whether the open socket keeps Node's event loop alive (default: it does not). */
  keepEventLoopAlive(alive: boolean): void;
  /** Idempotent; no handler call follows. */
  close(): void;
}

export type NetlinkTransportOpener = (handler: NetlinkTransportHandler, options: NetlinkTransportOptions) => NetlinkTransport;
