import type { VigilError } from '../../../../../src/core/VigilError.js';
import { HOST_IS_LITTLE_ENDIAN, viewOf } from '../../../../../src/netlink/HostByteOrder.js';
import { LINUX_ERRNO } from '../../../../../src/netlink/LinuxErrno.js';
import { encodeDoneReply, encodeErrorReply } from '../../../../../src/netlink/NetlinkAcknowledgement.js';
import { NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_EXCL, NLM_F_MULTI } from '../../../../../src/netlink/NetlinkConstants.js';
import { concatMessages, decodeNetlinkMessages, type NetlinkMessage } from '../../../../../src/netlink/NetlinkMessage.js';
import { addressKey, type InterfaceAddress } from '../../../../../src/netlink/rtnl/InterfaceAddress.js';
import { decodeAddressMessage, decodeIfAddrMsg } from '../../../../../src/netlink/rtnl/InterfaceAddressCodec.js';
import type { LinkState } from '../../../../../src/netlink/rtnl/LinkState.js';
import {
  AF_INET,
  RTM_DELADDR,
  RTM_DELLINK,
  RTM_GETADDR,
  RTM_GETLINK,
  RTM_NEWADDR,
  RTM_NEWLINK,
  RTNLGRP_IPV4_IFADDR,
  RTNLGRP_IPV6_IFADDR,
  RTNLGRP_LINK,
} from '../../../../../src/netlink/rtnl/RtnetlinkConstants.js';
import type { RtnlTransport, RtnlTransportHandler, RtnlTransportOpener, RtnlTransportOptions } from '../../../../../src/netlink/rtnl/RtnlTransport.js';
import { encodeKernelAddressMessage, encodeKernelLinkMessage } from './KernelMessageEncoder.js';

/** asm-generic/errno.h */
const EADDRNOTAVAIL = 99;

/**
 * One socket of the fake kernel. Its receive queue follows net/netlink/af_netlink.c:
 * notifications and ACKs that do not fit (or arrive while the socket is congested)
 * are dropped, the first drop sets a pending ENOBUFS that is reported before the
 * queued messages, and the congestion ends only once the queue has been drained.
 * Dump replies are never dropped (the kernel flow-controls them instead).
 */
export class FakeRtnlSocket implements RtnlTransport {
  readonly groups: ReadonlySet<number>;
  readonly queue: Uint8Array[] = [];
  capacity: number;
  paused = false;
  closed = false;
  congested = false;
  errorPending = false;
  dropped = 0;
  datagramsSent = 0;
  /** The longest the receive queue got: ACKs of a pipelined batch waiting to be read. */
  maxQueueLength = 0;
  keptAlive = false;
  private deliveryScheduled = false;

  constructor(
    private readonly kernel: FakeRtnlKernel,
    private readonly handler: RtnlTransportHandler,
    options: RtnlTransportOptions,
    readonly portId: number,
  ) {
    this.groups = new Set(options.groups ?? []);
    this.capacity = kernel.defaultCapacity;
  }

  get receiveBufferSize(): number {
    return this.kernel.reportedReceiveBuffer;
  }

  send(datagram: Uint8Array, onSent: (error: VigilError | null) => void): void {
    if (this.closed) throw new Error('send on a closed fake socket');
    this.datagramsSent++;
    const failure = this.kernel.sendFailure;
    if (failure !== undefined) {
      this.kernel.sendFailure = undefined;
      queueMicrotask(() => onSent(failure));
      return;
    }
    for (const message of decodeNetlinkMessages(datagram)) this.kernel.handleRequest(this, message);
    queueMicrotask(() => onSent(null));
  }

  keepEventLoopAlive(alive: boolean): void {
    this.keptAlive = alive;
  }

  close(): void {
    this.closed = true;
  }

  /** Queues a kernel message; `reliable` for dump parts, which are never dropped. */
  enqueue(bytes: Uint8Array, reliable: boolean): void {
    if (this.closed) return;
    if (!reliable && (this.congested || this.queue.length >= this.capacity)) {
      if (!this.congested) {
        this.congested = true;
        this.errorPending = true;
        // sk_error_report: the pending error alone wakes the reader (EPOLLERR).
        this.scheduleDelivery();
      }
      this.dropped++;
      return;
    }
    this.queue.push(bytes);
    this.maxQueueLength = Math.max(this.maxQueueLength, this.queue.length);
    this.scheduleDelivery();
  }

  /** Resumes reading after `paused` (the event loop was blocked). */
  resume(): void {
    this.paused = false;
    this.scheduleDelivery();
  }

  /** The socket fails for good, as after an unexpected recvmsg error. */
  breakWith(error: VigilError): void {
    if (this.closed) return;
    this.closed = true;
    this.handler.broken(error);
  }

  get hasDeliverable(): boolean {
    return !this.closed && !this.paused && (this.errorPending || this.queue.length > 0);
  }

  scheduleDelivery(): void {
    if (this.deliveryScheduled) return;
    this.deliveryScheduled = true;
    setImmediate(() => {
      this.deliveryScheduled = false;
      this.deliver();
    });
  }

  private deliver(): void {
    if (this.closed || this.paused) return;
    if (this.errorPending) {
      // recvmsg reports sk_err before anything still queued.
      this.errorPending = false;
      this.handler.overrun();
      if (this.closed) return;
    }
    // Like the addon: a bounded number of datagrams per poll callback.
    for (let n = 0; n < 32 && this.queue.length > 0; n++) {
      const next = this.queue.shift();
      if (next === undefined) break;
      this.handler.datagram(next);
      if (this.closed || this.paused) return;
    }
    if (this.queue.length === 0) this.congested = false;
    else this.scheduleDelivery();
  }
}

/**
 * A NETLINK_ROUTE stand-in for one namespace: links and addresses, RTM_NEWADDR /
 * RTM_DELADDR requests with ACKs, RTM_GETADDR / RTM_GETLINK dumps, and multicast
 * notifications to sockets that joined RTNLGRP_LINK / _IPV4_IFADDR / _IPV6_IFADDR.
 */
export class FakeRtnlKernel {
  readonly sockets: FakeRtnlSocket[] = [];
  private readonly links = new Map<number, LinkState>();
  private readonly addresses = new Map<string, InterfaceAddress>();
  private nextPort = 4000;
  /** Receive-queue capacity (messages) of sockets opened from now on. */
  defaultCapacity = 100_000;
  /** What a socket reports as SO_RCVBUF; the client sizes its window from it. */
  reportedReceiveBuffer = 425_984;
  /** Answer requests for these addresses (text) with this errno instead of doing them. */
  readonly refusals = new Map<string, number>();
  /** The next send fails with this error. */
  sendFailure: VigilError | undefined;
  /** Mark the next N dumps NLM_F_DUMP_INTR. */
  interruptDumps = 0;
  /** Dump messages per datagram. */
  dumpBatch = 16;
  /** Called before each dump is answered (to change state "during" it). */
  beforeDump: ((type: number) => void) | undefined;
  requestsHandled = 0;
  dumpsHandled = 0;
  opened = 0;

  opener(): RtnlTransportOpener {
    return (handler, options) => {
      const socket = new FakeRtnlSocket(this, handler, options, this.nextPort++);
      this.sockets.push(socket);
      this.opened++;
      return socket;
    };
  }

  /** Open sockets that joined `group`. */
  subscribers(group: number): FakeRtnlSocket[] {
    return this.sockets.filter((s) => !s.closed && s.groups.has(group));
  }

  openSockets(): FakeRtnlSocket[] {
    return this.sockets.filter((s) => !s.closed);
  }

  addressList(): InterfaceAddress[] {
    return [...this.addresses.values()];
  }

  linkList(): LinkState[] {
    return [...this.links.values()];
  }

  // --- changes "made by someone else" (pid: the port that asked, 0 for the kernel) ---

  putLink(link: LinkState, pid = 0): void {
    this.links.set(link.ifindex, link);
    this.notify(RTNLGRP_LINK, encodeKernelLinkMessage(link, { type: RTM_NEWLINK, pid }));
  }

  deleteLink(ifindex: number): void {
    const link = this.links.get(ifindex);
    if (link === undefined) return;
    for (const a of this.addressList()) if (a.ifindex === ifindex) this.deleteAddress(a);
    this.links.delete(ifindex);
    this.notify(RTNLGRP_LINK, encodeKernelLinkMessage(link, { type: RTM_DELLINK }));
  }

  putAddress(address: InterfaceAddress, pid = 0): void {
    this.addresses.set(addressKey(address), address);
    this.notify(groupOf(address), encodeKernelAddressMessage(address, { type: RTM_NEWADDR, pid }));
  }

  deleteAddress(address: InterfaceAddress, pid = 0): boolean {
    const stored = this.addresses.get(addressKey(address));
    if (stored === undefined) return false;
    this.addresses.delete(addressKey(address));
    this.notify(groupOf(stored), encodeKernelAddressMessage(stored, { type: RTM_DELADDR, pid }));
    return true;
  }

  /** Lets every unpaused socket read until nothing is left to deliver. */
  async flush(): Promise<void> {
    for (let round = 0; round < 10_000; round++) {
      await new Promise((r) => setImmediate(r));
      if (!this.sockets.some((s) => s.hasDeliverable)) {
        // One more turn for promise continuations the deliveries started.
        await new Promise((r) => setImmediate(r));
        if (!this.sockets.some((s) => s.hasDeliverable)) return;
      }
    }
    throw new Error('fake kernel did not settle');
  }

  handleRequest(socket: FakeRtnlSocket, message: NetlinkMessage): void {
    this.requestsHandled++;
    const { type, flags } = message.header;
    if ((flags & NLM_F_DUMP) === NLM_F_DUMP && (type === RTM_GETADDR || type === RTM_GETLINK)) {
      this.dump(socket, message);
      return;
    }
    let errno: number;
    if (type === RTM_NEWADDR) errno = this.newAddress(socket, message);
    else if (type === RTM_DELADDR) errno = this.delAddress(socket, message);
    else errno = LINUX_ERRNO.EOPNOTSUPP;
    socket.enqueue(encodeErrorReply(message, errno, { portId: socket.portId }), false);
  }

  private newAddress(socket: FakeRtnlSocket, message: NetlinkMessage): number {
    const decoded = decodeAddressMessage(message);
    if (decoded === null) return LINUX_ERRNO.EAFNOSUPPORT;
    const link = this.links.get(decoded.address.ifindex);
    if (link === undefined) return LINUX_ERRNO.ENODEV;
    const refused = this.refusals.get(decoded.address.address);
    if (refused !== undefined) return refused;
    const existing = this.addresses.get(addressKey(decoded.address));
    if (existing !== undefined) return (message.header.flags & NLM_F_EXCL) !== 0 ? LINUX_ERRNO.EEXIST : 0;
    // IPv4 addresses get the device name as label when none is given (devinet.c).
    const label = decoded.address.family === AF_INET ? (decoded.address.label ?? link.name) : null;
    this.putAddress({ ...decoded.address, label }, socket.portId);
    return 0;
  }

  private delAddress(socket: FakeRtnlSocket, message: NetlinkMessage): number {
    const decoded = decodeAddressMessage(message);
    if (decoded === null) return LINUX_ERRNO.EAFNOSUPPORT;
    if (!this.links.has(decoded.address.ifindex)) return LINUX_ERRNO.ENODEV;
    const refused = this.refusals.get(decoded.address.address);
    if (refused !== undefined) return refused;
    return this.deleteAddress(decoded.address, socket.portId) ? 0 : EADDRNOTAVAIL;
  }

  private dump(socket: FakeRtnlSocket, request: NetlinkMessage): void {
    this.dumpsHandled++;
    this.beforeDump?.(request.header.type);
    const interrupted = this.interruptDumps > 0;
    if (interrupted) this.interruptDumps--;
    const flags = NLM_F_MULTI | (interrupted ? NLM_F_DUMP_INTR : 0);
    const header = { flags, seq: request.header.seq, pid: socket.portId };
    let parts: Uint8Array[];
    if (request.header.type === RTM_GETADDR) {
      const family = decodeIfAddrMsg(request).family;
      parts = this.addressList()
        .filter((a) => family === 0 || a.family === family)
        .map((a) => encodeKernelAddressMessage(a, { type: RTM_NEWADDR, ...header }));
    } else {
      parts = this.linkList().map((l) => encodeKernelLinkMessage(l, { type: RTM_NEWLINK, ...header }));
    }
    for (let i = 0; i < parts.length; i += this.dumpBatch) socket.enqueue(concatMessages(parts.slice(i, i + this.dumpBatch)), true);
    const done = encodeDoneReply(request.header.seq, socket.portId);
    // nl_dump_check_consistent() marks the closing NLMSG_DONE too.
    if (interrupted) viewOf(done).setUint16(6, NLM_F_MULTI | NLM_F_DUMP_INTR, HOST_IS_LITTLE_ENDIAN);
    socket.enqueue(done, true);
  }

  private notify(group: number, bytes: Uint8Array): void {
    for (const socket of this.subscribers(group)) socket.enqueue(bytes, false);
  }
}

function groupOf(address: InterfaceAddress): number {
  return address.family === AF_INET ? RTNLGRP_IPV4_IFADDR : RTNLGRP_IPV6_IFADDR;
}
