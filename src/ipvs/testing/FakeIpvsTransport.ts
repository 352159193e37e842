import { HOST_IS_LITTLE_ENDIAN } from '../../netlink/HostByteOrder.js';
import { GENL_ID_CTRL } from '../../netlink/GenericNetlinkConstants.js';
import { LINUX_ERRNO } from '../../netlink/LinuxErrno.js';
import { encodeErrorReply } from '../../netlink/NetlinkAcknowledgement.js';
import { NLMSG_ERROR, NLMSG_HDRLEN, netlinkAlign } from '../../netlink/NetlinkConstants.js';
import { decodeNetlinkHeader, decodeNetlinkMessages } from '../../netlink/NetlinkMessage.js';
import type { NetlinkTransport, NetlinkTransportHandler, NetlinkTransportOpener } from '../GenericNetlinkSocketTransport.js';
import { DEFAULT_FAKE_PORT_ID, FakeIpvsKernel } from './FakeIpvsKernel.js';

export interface FakeIpvsTransportOptions {
  /** false: the controller answers ENOENT for "IPVS", as on a kernel without IPVS. */
  readonly ipvsRegistered?: boolean;
  /** SO_RCVBUF the fake reports (sets the client's default window). */
  readonly receiveBufferSize?: number;
  /**
   * Called for each ACK (NLMSG_ERROR) about to be delivered; return true to drop it and
   * report an overrun instead, as when the receive queue overflows.
   */
  readonly dropAck?: (seq: number, errno: number) => boolean;
}

/** What the fake saw, for assertions. */
export interface FakeIpvsWire {
  /** Every datagram sent, as sent. */
  readonly datagrams: Uint8Array[];
  /** Largest number of requests sent whose datagram's last request was not yet answered. */
  maxInFlight: number;
  opened: number;
}

/**
 * An in-memory NETLINK_GENERIC socket in front of a FakeIpvsKernel: requests are handled
 * when sent, replies are delivered later (on a macrotask, as a socket would), one
 * datagram at a time. Used to test the IPVS client without a kernel.
 */
export function fakeIpvsTransport(kernel: FakeIpvsKernel, options: FakeIpvsTransportOptions = {}): { open: NetlinkTransportOpener; wire: FakeIpvsWire } {
  const wire: FakeIpvsWire = { datagrams: [], maxInFlight: 0, opened: 0 };
  const open: NetlinkTransportOpener = (handler: NetlinkTransportHandler) => {
    wire.opened++;
    let closed = false;
    let inFlight = 0;
    /** Datagrams sent: the sequence number of their last request, and how many requests they held. */
    const pending = new Map<number, number>();
    const queue: Uint8Array[] = [];
    let scheduled = false;
    const deliver = (): void => {
      scheduled = false;
      const next = queue.shift();
      if (next === undefined || closed) return;
      for (const message of decodeNetlinkMessages(next)) settle(message.header.seq);
      handler.datagram(next);
      if (queue.length > 0) schedule();
    };
    const settle = (seq: number): void => {
      const count = pending.get(seq);
      if (count === undefined) return;
      pending.delete(seq);
      inFlight -= count;
    };
    const schedule = (): void => {
      if (scheduled) return;
      scheduled = true;
      setImmediate(deliver);
    };
    const transport: NetlinkTransport = {
      portId: DEFAULT_FAKE_PORT_ID,
      receiveBufferSize: options.receiveBufferSize ?? 1 << 20,
      send(datagram, onSent) {
        wire.datagrams.push(datagram.slice());
        queueMicrotask(() => onSent(null));
        if (closed) return;
        const requests = decodeNetlinkMessages(datagram);
        const last = requests[requests.length - 1];
        if (last !== undefined) pending.set(last.header.seq, requests.length);
        inFlight += requests.length;
        wire.maxInFlight = Math.max(wire.maxInFlight, inFlight);
        let offset = 0;
        while (datagram.length - offset >= NLMSG_HDRLEN) {
          const header = decodeNetlinkHeader(datagram, offset);
          const one = datagram.subarray(offset, offset + header.length);
          offset += netlinkAlign(header.length);
          let replies: Uint8Array[];
          if (options.ipvsRegistered === false && header.type === GENL_ID_CTRL) {
            const [message] = decodeNetlinkMessages(one);
            replies = message ? [encodeErrorReply(message, LINUX_ERRNO.ENOENT, { portId: DEFAULT_FAKE_PORT_ID })] : [];
          } else {
            replies = kernel.handle(one);
          }
          for (const reply of replies) {
            const [message] = decodeNetlinkMessages(reply);
            if (message && message.header.type === NLMSG_ERROR && options.dropAck) {
              const errno = -new DataView(reply.buffer, reply.byteOffset + NLMSG_HDRLEN, 4).getInt32(0, HOST_IS_LITTLE_ENDIAN);
              if (options.dropAck(message.header.seq, errno)) {
                settle(message.header.seq);
                setImmediate(() => {
                  if (!closed) handler.overrun();
                });
                continue;
              }
            }
            queue.push(reply);
          }
        }
        schedule();
      },
      keepEventLoopAlive() {},
      close() {
        closed = true;
      },
    };
    return transport;
  };
  return { open, wire };
}
