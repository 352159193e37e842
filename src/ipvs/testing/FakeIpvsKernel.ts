import { HOST_IS_LITTLE_ENDIAN } from '../../netlink/HostByteOrder.js';
import { encodeFamilyReply, type GenericNetlinkFamily } from '../../netlink/GenericNetlinkControllerCodec.js';
import {
  CTRL_ATTR_FAMILY_ID,
  CTRL_ATTR_FAMILY_NAME,
  CTRL_CMD_GETFAMILY,
  GENL_ADMIN_PERM,
  GENL_CMD_CAP_DO,
  GENL_CMD_CAP_DUMP,
  GENL_CMD_CAP_HASPOL,
  GENL_HDRLEN,
  GENL_ID_CTRL,
} from '../../netlink/GenericNetlinkConstants.js';
import { LINUX_ERRNO } from '../../netlink/LinuxErrno.js';
import { encodeDoneReply, encodeErrorReply } from '../../netlink/NetlinkAcknowledgement.js';
import { NLMSG_HDRLEN, NLMSG_MIN_TYPE, NLM_F_ACK, NLM_F_DUMP, NLM_F_MULTI, NLM_F_REQUEST, netlinkAlign } from '../../netlink/NetlinkConstants.js';
import { concatMessages, decodeNetlinkHeader, type NetlinkMessage } from '../../netlink/NetlinkMessage.js';
import { decodeInetAddress, encodeInetAddress } from '../IpvsAddress.js';
import {
  AF_INET,
  AF_INET6,
  IPVS_CMD_ATTR_DAEMON,
  IPVS_CMD_ATTR_DEST,
  IPVS_CMD_ATTR_MAX,
  IPVS_CMD_ATTR_SERVICE,
  IPVS_CMD_ATTR_TIMEOUT_TCP,
  IPVS_CMD_ATTR_TIMEOUT_TCP_FIN,
  IPVS_CMD_ATTR_TIMEOUT_UDP,
  IPVS_CMD_DEL_DAEMON,
  IPVS_CMD_DEL_DEST,
  IPVS_CMD_DEL_SERVICE,
  IPVS_CMD_FLUSH,
  IPVS_CMD_GET_CONFIG,
  IPVS_CMD_GET_DAEMON,
  IPVS_CMD_GET_DEST,
  IPVS_CMD_GET_INFO,
  IPVS_CMD_GET_SERVICE,
  IPVS_CMD_NEW_DAEMON,
  IPVS_CMD_NEW_DEST,
  IPVS_CMD_NEW_SERVICE,
  IPVS_CMD_SET_CONFIG,
  IPVS_CMD_SET_DEST,
  IPVS_CMD_SET_INFO,
  IPVS_CMD_SET_SERVICE,
  IPVS_CMD_ZERO,
  IPVS_GENL_NAME,
  IPVS_GENL_VERSION,
  IPVS_INFO_ATTR_CONN_TAB_SIZE,
  IPVS_INFO_ATTR_VERSION,
  IP_VS_CONN_F_TUNNEL,
  IP_VS_CONN_F_TUNNEL_TYPE_GUE,
  IP_VS_STATE_BACKUP,
  IP_VS_STATE_MASTER,
  IP_VS_SVC_F_HASHED,
  IP_VS_SYNC_DEFAULT_TTL,
  IP_VS_SYNC_GROUP,
  IP_VS_SYNC_PORT,
  IP_VS_VERSION_CODE,
} from '../IpvsConstants.js';
import type { IpvsDestId, IpvsServiceId, IpvsSyncDaemon, IpvsTable, IpvsTimeouts } from '../IpvsModel.js';
import { ZERO_STATS } from '../IpvsStatsAttributes.js';
import { addressFamily, forwardingName, protocolName, protocolNumber, tunnelTypeName } from '../IpvsWireValues.js';
import { decodeNetmask } from '../IpvsServiceAttributes.js';
import { daemonStateName } from '../IpvsDaemonAttributes.js';
import { encodeDaemonMessage, encodeDestMessage, encodeServiceMessage, encodeU32Message, type ReplyHeader } from './FakeIpvsReplyEncoder.js';
import type { FakeCounters, FakeDaemonRecord, FakeServiceRecord } from './FakeIpvsState.js';
import { CMD_POLICY, familyAddress, parseDaemonRequest, parseDaemonState, parseDestRequest, parseServiceRequest, type ServiceRequest } from './FakeIpvsRequestParser.js';
import { KernelErrno, validateAttributes, walkAttributes, type KernelAttributes } from './KernelAttributePolicy.js';

/** The schedulers Debian's 6.1 kernel ships as modules (verified in the project VM). */
export const LINUX_6_1_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh'] as const;

export interface FakeIpvsKernelOptions {
  /** Generic netlink id the controller hands out for "IPVS" (32 on the project VM). */
  readonly familyId?: number;
  readonly schedulers?: readonly string[];
  readonly persistenceEngines?: readonly string[];
  /** Interface names a sync daemon may bind to (others give ENODEV). */
  readonly interfaces?: readonly string[];
  /** Largest reply datagram a dump fills before starting the next one. */
  readonly dumpDatagramSize?: number;
  readonly connectionTableSize?: number;
  /** CONFIG_HZ, which bounds SET_CONFIG timeouts at INT_MAX / HZ (Debian: 250). */
  readonly hz?: number;
}

/** Port id the fake stamps on replies when the caller does not say which socket asked. */
export const DEFAULT_FAKE_PORT_ID = 0x4000_0001;

/** One IPVS genl op as the kernel registers it (Linux 6.1 ip_vs_genl_ops, in order). */
interface OperationSpec {
  readonly cmd: number;
  readonly doit: boolean;
  readonly dumpit: boolean;
}

const OPERATIONS: readonly OperationSpec[] = [
  { cmd: IPVS_CMD_NEW_SERVICE, doit: true, dumpit: false },
  { cmd: IPVS_CMD_SET_SERVICE, doit: true, dumpit: false },
  { cmd: IPVS_CMD_DEL_SERVICE, doit: true, dumpit: false },
  { cmd: IPVS_CMD_GET_SERVICE, doit: true, dumpit: true },
  { cmd: IPVS_CMD_NEW_DEST, doit: true, dumpit: false },
  { cmd: IPVS_CMD_SET_DEST, doit: true, dumpit: false },
  { cmd: IPVS_CMD_DEL_DEST, doit: true, dumpit: false },
  { cmd: IPVS_CMD_GET_DEST, doit: false, dumpit: true },
  { cmd: IPVS_CMD_NEW_DAEMON, doit: true, dumpit: false },
  { cmd: IPVS_CMD_DEL_DAEMON, doit: true, dumpit: false },
  { cmd: IPVS_CMD_GET_DAEMON, doit: false, dumpit: true },
  { cmd: IPVS_CMD_SET_CONFIG, doit: true, dumpit: false },
  { cmd: IPVS_CMD_GET_CONFIG, doit: true, dumpit: false },
  { cmd: IPVS_CMD_GET_INFO, doit: true, dumpit: false },
  { cmd: IPVS_CMD_ZERO, doit: true, dumpit: false },
  { cmd: IPVS_CMD_FLUSH, doit: true, dumpit: false },
];

/** Linux 6.1 default protocol timeouts (ip_vs_proto_tcp.c ESTABLISHED / FIN_WAIT, ip_vs_proto_udp.c). */
const DEFAULT_TIMEOUTS: IpvsTimeouts = { tcp: 900, tcpFin: 120, udp: 300 };

const INT_MAX = 0x7fffffff;

function sameAddress(af: number, a: Uint8Array, b: Uint8Array): boolean {
  const length = af === AF_INET6 ? 16 : 4;
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function fail(errno: number): never {
  throw new KernelErrno(errno);
}

/** What one request produced: data messages (each its own datagram for "do", packed for dumps), then ACK/DONE. */
interface Outcome {
  readonly datagrams: Uint8Array[];
}

/**
 * An in-memory IPVS behind a generic netlink socket. It consumes request bytes
 * and returns the reply datagrams Linux 6.1 would send, with the same errno
 * choices (EEXIST, ESRCH, ENOENT, EINVAL, ERANGE, EAFNOSUPPORT, ENODEV,
 * EOPNOTSUPP), ACKs (NLM_F_CAPPED on success, the request echoed on failure),
 * dumps (NLM_F_MULTI parts, then NLMSG_DONE in its own datagram, no ACK) and
 * table semantics (deleting a service deletes its dests; dests dump newest first).
 *
 * Tests: `handle(bytes)` in place of a socket round trip; `table()` to look inside.
 */
export class FakeIpvsKernel {
  readonly familyId: number;
  private readonly schedulers: ReadonlySet<string>;
  private readonly persistenceEngines: ReadonlySet<string>;
  private readonly interfaces: ReadonlySet<string>;
  private readonly dumpDatagramSize: number;
  private readonly connectionTableSize: number;
  private readonly hz: number;

  /** Address services then fwmark services, each in insertion order (the kernel's two hash tables). */
  private readonly inetServices: FakeServiceRecord[] = [];
  private readonly fwmarkServices: FakeServiceRecord[] = [];
  private timeouts: IpvsTimeouts = DEFAULT_TIMEOUTS;
  private master: FakeDaemonRecord | null = null;
  private backup: FakeDaemonRecord | null = null;
  /** Requests handled so far, for tests that count round trips. */
  requestCount = 0;

  constructor(options: FakeIpvsKernelOptions = {}) {
    this.familyId = options.familyId ?? 32;
    this.schedulers = new Set(options.schedulers ?? LINUX_6_1_SCHEDULERS);
    this.persistenceEngines = new Set(options.persistenceEngines ?? ['sip']);
    this.interfaces = new Set(options.interfaces ?? ['lo']);
    this.dumpDatagramSize = options.dumpDatagramSize ?? 16384;
    this.connectionTableSize = options.connectionTableSize ?? 4096;
    this.hz = options.hz ?? 250;
  }

  /**
   * Processes one datagram the way net/netlink/af_netlink.c netlink_rcv_skb() does:
   * message by message, stopping silently at a malformed length, skipping
   * non-requests and control messages, acknowledging when asked or on error.
   */
  handle(datagram: Uint8Array, portId: number = DEFAULT_FAKE_PORT_ID): Uint8Array[] {
    const replies: Uint8Array[] = [];
    let offset = 0;
    while (datagram.length - offset >= NLMSG_HDRLEN) {
      const header = decodeNetlinkHeader(datagram, offset);
      if (header.length < NLMSG_HDRLEN || header.length > datagram.length - offset) break;
      const message: NetlinkMessage = { header, payload: datagram.subarray(offset + NLMSG_HDRLEN, offset + header.length), offset };
      let errno = 0;
      let skipAck = false;
      if ((header.flags & NLM_F_REQUEST) !== 0 && header.type >= NLMSG_MIN_TYPE) {
        this.requestCount++;
        try {
          const outcome = this.dispatch(message, portId);
          replies.push(...outcome.datagrams);
          // A started dump answers with NLMSG_DONE and never with an ACK (-EINTR in netlink_rcv_skb).
          skipAck = (header.flags & NLM_F_DUMP) === NLM_F_DUMP;
        } catch (error) {
          if (!(error instanceof KernelErrno)) throw error;
          errno = error.errno;
        }
      }
      if (!skipAck && ((header.flags & NLM_F_ACK) !== 0 || errno !== 0)) {
        replies.push(encodeErrorReply(message, errno, { portId }));
      }
      offset += Math.min(netlinkAlign(header.length), datagram.length - offset);
    }
    return replies;
  }

  private dispatch(message: NetlinkMessage, portId: number): Outcome {
    if (message.header.type === GENL_ID_CTRL) return this.controller(message, portId);
    if (message.header.type !== this.familyId) fail(LINUX_ERRNO.ENOENT);
    // genl_rcv_msg(): the payload must hold the genl header.
    if (message.payload.length < GENL_HDRLEN) fail(LINUX_ERRNO.EINVAL);
    const cmd = message.payload[0] ?? 0;
    const operation = OPERATIONS.find((op) => op.cmd === cmd);
    if (operation === undefined) fail(LINUX_ERRNO.EOPNOTSUPP);
    const attributeBytes = message.payload.subarray(GENL_HDRLEN);
    const reply = (flags: number): ReplyHeader => ({ familyId: this.familyId, flags, seq: message.header.seq, portId });
    if ((message.header.flags & NLM_F_DUMP) === NLM_F_DUMP) {
      if (!operation.dumpit) fail(LINUX_ERRNO.EOPNOTSUPP);
      // GENL_DONT_VALIDATE_DUMP: dumps read their attributes themselves.
      return this.dump(cmd, walkAttributes(attributeBytes), reply(NLM_F_MULTI));
    }
    if (!operation.doit) fail(LINUX_ERRNO.EOPNOTSUPP);
    // genl_family_rcv_msg_attrs_parse() with ip_vs_cmd_policy, liberal validation.
    const attributes = walkAttributes(attributeBytes);
    for (const type of [...attributes.keys()]) if (type > IPVS_CMD_ATTR_MAX) attributes.delete(type);
    const invalid = validateAttributes(attributes, CMD_POLICY);
    if (invalid !== 0) fail(invalid);
    return this.doit(cmd, attributes, reply(0));
  }

  // ---- nlctrl -------------------------------------------------------------

  /** The CTRL_CMD_NEWFAMILY description of IPVS, as ctrl_fill_info() reports it on Linux 6.1. */
  familyDescription(): GenericNetlinkFamily {
    return {
      id: this.familyId,
      name: IPVS_GENL_NAME,
      version: IPVS_GENL_VERSION,
      headerSize: 0,
      maxAttribute: IPVS_CMD_ATTR_MAX,
      operations: OPERATIONS.map((op) => ({
        cmd: op.cmd,
        flags: GENL_ADMIN_PERM | GENL_CMD_CAP_HASPOL | (op.doit ? GENL_CMD_CAP_DO : 0) | (op.dumpit ? GENL_CMD_CAP_DUMP : 0),
      })),
      multicastGroups: [],
    };
  }

  private controller(message: NetlinkMessage, portId: number): Outcome {
    if (message.payload.length < GENL_HDRLEN) fail(LINUX_ERRNO.EINVAL);
    if (message.payload[0] !== CTRL_CMD_GETFAMILY) fail(LINUX_ERRNO.EOPNOTSUPP);
    const header = { seq: message.header.seq, portId };
    if ((message.header.flags & NLM_F_DUMP) === NLM_F_DUMP) {
      const part = encodeFamilyReply(this.familyDescription(), { ...header, flags: NLM_F_MULTI });
      return { datagrams: [part, encodeDoneReply(message.header.seq, portId)] };
    }
    const attributes = walkAttributes(message.payload.subarray(GENL_HDRLEN));
    const name = attributes.get(CTRL_ATTR_FAMILY_NAME);
    const id = attributes.get(CTRL_ATTR_FAMILY_ID);
    let found = false;
    if (name !== undefined) {
      const nul = name.indexOf(0);
      found = new TextDecoder().decode(nul === -1 ? name : name.subarray(0, nul)) === IPVS_GENL_NAME;
    } else if (id !== undefined && id.length >= 2) {
      found = new DataView(id.buffer, id.byteOffset, 2).getUint16(0, HOST_IS_LITTLE_ENDIAN) === this.familyId;
    } else {
      fail(LINUX_ERRNO.EINVAL);
    }
    if (!found) fail(LINUX_ERRNO.ENOENT);
    return { datagrams: [encodeFamilyReply(this.familyDescription(), header)] };
  }

  // ---- lookups ------------------------------------------------------------

  private findService(request: ServiceRequest): FakeServiceRecord | undefined {
    if (request.fwmark !== 0) return this.fwmarkServices.find((s) => s.fwmark === request.fwmark && s.af === request.af);
    return this.inetServices.find(
      (s) => s.af === request.af && s.protocol === request.protocol && s.port === request.port && sameAddress(s.af, s.addr, request.addr),
    );
  }

  private allServices(): FakeServiceRecord[] {
    return [...this.inetServices, ...this.fwmarkServices];
  }

  private mixedFamilyDests(): number {
    return this.allServices().reduce((count, s) => count + s.dests.filter((d) => d.af !== s.af).length, 0);
  }

  // ---- "do" commands ------------------------------------------------------

  private doit(cmd: number, attrs: KernelAttributes, reply: ReplyHeader): Outcome {
    switch (cmd) {
      case IPVS_CMD_GET_SERVICE: {
        const request = parseServiceRequest(attrs.get(IPVS_CMD_ATTR_SERVICE), false);
        const service = this.findService(request) ?? fail(LINUX_ERRNO.ESRCH);
        return { datagrams: [encodeServiceMessage(reply, IPVS_CMD_NEW_SERVICE, service)] };
      }
      case IPVS_CMD_GET_INFO:
        return {
          datagrams: [
            encodeU32Message(reply, IPVS_CMD_SET_INFO, [
              [IPVS_INFO_ATTR_VERSION, IP_VS_VERSION_CODE],
              [IPVS_INFO_ATTR_CONN_TAB_SIZE, this.connectionTableSize],
            ]),
          ],
        };
      case IPVS_CMD_GET_CONFIG:
        return {
          datagrams: [
            encodeU32Message(reply, IPVS_CMD_SET_CONFIG, [
              [IPVS_CMD_ATTR_TIMEOUT_TCP, this.timeouts.tcp],
              [IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, this.timeouts.tcpFin],
              [IPVS_CMD_ATTR_TIMEOUT_UDP, this.timeouts.udp],
            ]),
          ],
        };
      case IPVS_CMD_NEW_DAEMON:
        this.startDaemon(attrs);
        return { datagrams: [] };
      case IPVS_CMD_DEL_DAEMON:
        this.stopDaemon(attrs);
        return { datagrams: [] };
      default:
        this.setCommand(cmd, attrs);
        return { datagrams: [] };
    }
  }

  /** ip_vs_genl_set_cmd(). */
  private setCommand(cmd: number, attrs: KernelAttributes): void {
    if (cmd === IPVS_CMD_FLUSH) {
      this.inetServices.length = 0;
      this.fwmarkServices.length = 0;
      return;
    }
    if (cmd === IPVS_CMD_SET_CONFIG) {
      this.setConfig(attrs);
      return;
    }
    if (cmd === IPVS_CMD_ZERO && !attrs.has(IPVS_CMD_ATTR_SERVICE)) {
      for (const service of this.allServices()) this.zero(service);
      return;
    }
    const fullService = cmd === IPVS_CMD_NEW_SERVICE || cmd === IPVS_CMD_SET_SERVICE;
    const request = parseServiceRequest(attrs.get(IPVS_CMD_ATTR_SERVICE), fullService);
    const existing = this.findService(request);
    if (cmd === IPVS_CMD_NEW_SERVICE) {
      if (existing !== undefined) fail(LINUX_ERRNO.EEXIST);
      this.addService(request);
      return;
    }
    // Every other command needs the service to exist.
    const service = existing ?? fail(LINUX_ERRNO.ESRCH);
    switch (cmd) {
      case IPVS_CMD_NEW_DEST:
      case IPVS_CMD_SET_DEST:
      case IPVS_CMD_DEL_DEST:
        this.destCommand(cmd, service, attrs);
        return;
      case IPVS_CMD_SET_SERVICE:
        this.editService(service, request);
        return;
      case IPVS_CMD_DEL_SERVICE: {
        // The service's dests go with it.
        const list = service.fwmark !== 0 ? this.fwmarkServices : this.inetServices;
        list.splice(list.indexOf(service), 1);
        return;
      }
      case IPVS_CMD_ZERO:
        this.zero(service);
        return;
      default:
        fail(LINUX_ERRNO.EINVAL);
    }
  }

  /** The dest part of ip_vs_genl_set_cmd(), then ip_vs_add_dest / ip_vs_edit_dest / ip_vs_del_dest. */
  private destCommand(cmd: number, service: FakeServiceRecord, attrs: KernelAttributes): void {
    const dest = parseDestRequest(attrs.get(IPVS_CMD_ATTR_DEST), cmd !== IPVS_CMD_DEL_DEST);
    // Old user space sends no ADDR_FAMILY: the dest then has the service's family.
    const af = dest.af === 0 ? service.af : dest.af;
    if (af !== AF_INET && af !== AF_INET6) fail(LINUX_ERRNO.EAFNOSUPPORT);
    if (af !== service.af && cmd !== IPVS_CMD_DEL_DEST) {
      // Sync daemons cannot carry mixed-family dests, and only tunnelling can forward them.
      if (this.master !== null || this.backup !== null) fail(LINUX_ERRNO.EINVAL);
      if (dest.full?.forwarding !== IP_VS_CONN_F_TUNNEL) fail(LINUX_ERRNO.EINVAL);
    }
    const addr = familyAddress(af, dest.addr);
    const index = service.dests.findIndex((d) => d.af === af && d.port === dest.port && sameAddress(af, d.addr, addr));
    if (cmd === IPVS_CMD_DEL_DEST) {
      if (index === -1) fail(LINUX_ERRNO.ENOENT);
      service.dests.splice(index, 1);
      return;
    }
    const settings = dest.full ?? fail(LINUX_ERRNO.EINVAL);
    // The checks ip_vs_add_dest() and ip_vs_edit_dest() make before looking the dest up.
    if (settings.weight < 0) fail(LINUX_ERRNO.ERANGE);
    if (settings.lowerThreshold > settings.upperThreshold) fail(LINUX_ERRNO.ERANGE);
    if (settings.tunnelType === IP_VS_CONN_F_TUNNEL_TYPE_GUE && settings.tunnelPort === 0) fail(LINUX_ERRNO.EINVAL);
    if (cmd === IPVS_CMD_NEW_DEST) {
      if (index !== -1) fail(LINUX_ERRNO.EEXIST);
      // Linked at the head of svc->destinations: dumps list the newest dest first.
      service.dests.unshift({
        af,
        addr,
        port: dest.port,
        ...settings,
        activeConnections: 0,
        inactiveConnections: 0,
        persistentConnections: 0,
        stats: ZERO_STATS,
      });
      return;
    }
    const record = service.dests[index] ?? fail(LINUX_ERRNO.ENOENT);
    Object.assign(record, settings);
  }

  /** Scheduler, persistence engine and IPv6 prefix checks shared by add and edit (ip_vs_add_service order). */
  private checkSettings(request: ServiceRequest): { scheduler: string | null; persistenceEngine: string | null } {
    const full = request.full ?? fail(LINUX_ERRNO.EINVAL);
    const scheduler = full.scheduler === 'none' ? null : full.scheduler;
    if (scheduler !== null && !this.schedulers.has(scheduler)) fail(LINUX_ERRNO.ENOENT);
    if (full.persistenceEngine !== null && !this.persistenceEngines.has(full.persistenceEngine)) fail(LINUX_ERRNO.ENOENT);
    if (request.af === AF_INET6) {
      const prefix = decodeNetmask(AF_INET6, full.netmask);
      if (prefix < 1 || prefix > 128) fail(LINUX_ERRNO.EINVAL);
    }
    return { scheduler, persistenceEngine: full.persistenceEngine };
  }

  private addService(request: ServiceRequest): void {
    const { scheduler, persistenceEngine } = this.checkSettings(request);
    const full = request.full ?? fail(LINUX_ERRNO.EINVAL);
    const record: FakeServiceRecord = {
      af: request.af,
      protocol: request.protocol,
      addr: request.addr,
      port: request.port,
      fwmark: request.fwmark,
      scheduler,
      persistenceEngine,
      // No existing service to prefill from: flags = requested & mask; HASHED once in the table.
      flags: ((full.flags & full.mask) & ~IP_VS_SVC_F_HASHED) | IP_VS_SVC_F_HASHED,
      timeout: full.timeout,
      netmask: full.netmask,
      stats: ZERO_STATS,
      dests: [],
    };
    (request.fwmark !== 0 ? this.fwmarkServices : this.inetServices).push(record);
  }

  private editService(service: FakeServiceRecord, request: ServiceRequest): void {
    const { scheduler, persistenceEngine } = this.checkSettings(request);
    const full = request.full ?? fail(LINUX_ERRNO.EINVAL);
    service.scheduler = scheduler;
    service.persistenceEngine = persistenceEngine;
    service.flags = ((service.flags & ~full.mask) | (full.flags & full.mask)) | IP_VS_SVC_F_HASHED;
    service.timeout = full.timeout;
    service.netmask = full.netmask;
  }

  private zero(service: FakeServiceRecord): void {
    service.stats = ZERO_STATS;
    for (const dest of service.dests) dest.stats = ZERO_STATS;
  }

  /** ip_vs_genl_set_config() + ip_vs_set_timeout(): 0 keeps a value; ints above INT_MAX / HZ are EINVAL. */
  private setConfig(attrs: KernelAttributes): void {
    const read = (type: number, current: number): number => {
      const payload = attrs.get(type);
      return payload === undefined ? current : new DataView(payload.buffer, payload.byteOffset, 4).getInt32(0, HOST_IS_LITTLE_ENDIAN);
    };
    const next = {
      tcp: read(IPVS_CMD_ATTR_TIMEOUT_TCP, this.timeouts.tcp),
      tcpFin: read(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, this.timeouts.tcpFin),
      udp: read(IPVS_CMD_ATTR_TIMEOUT_UDP, this.timeouts.udp),
    };
    const limit = Math.floor(INT_MAX / this.hz);
    if ([next.tcp, next.tcpFin, next.udp].some((v) => v < 0 || v > limit)) fail(LINUX_ERRNO.EINVAL);
    this.timeouts = {
      tcp: next.tcp || this.timeouts.tcp,
      tcpFin: next.tcpFin || this.timeouts.tcpFin,
      udp: next.udp || this.timeouts.udp,
    };
  }

  /** ip_vs_genl_new_daemon() + start_sync_thread(). */
  private startDaemon(attrs: KernelAttributes): void {
    const request = parseDaemonRequest(attrs.get(IPVS_CMD_ATTR_DAEMON));
    if (this.mixedFamilyDests() > 0) fail(LINUX_ERRNO.EINVAL);
    const groupAf = request.groupAf === 0 ? AF_INET : request.groupAf;
    const group = request.groupAf === 0 ? encodeInetAddress(AF_INET, IP_VS_SYNC_GROUP) : request.group;
    if (!this.interfaces.has(request.interface)) fail(LINUX_ERRNO.ENODEV);
    // IPv4 or IPv6 + UDP header; the default payload fits a 1500-byte MTU.
    const headerLength = groupAf === AF_INET6 ? 48 : 28;
    const minimum = (request.state === IP_VS_STATE_BACKUP ? 1024 : 1) + 4 + 20;
    const maxLength =
      request.maxLength === 0 ? 1500 - headerLength : Math.min(Math.max(request.maxLength, minimum), 65535 - headerLength);
    const record: FakeDaemonRecord = {
      state: request.state,
      interface: request.interface,
      syncId: request.syncId,
      maxLength,
      port: request.port || IP_VS_SYNC_PORT,
      ttl: request.ttl || IP_VS_SYNC_DEFAULT_TTL,
      groupAf,
      group,
    };
    if (request.state === IP_VS_STATE_MASTER) {
      if (this.master !== null) fail(LINUX_ERRNO.EEXIST);
      this.master = record;
    } else if (request.state === IP_VS_STATE_BACKUP) {
      if (this.backup !== null) fail(LINUX_ERRNO.EEXIST);
      this.backup = record;
    } else {
      fail(LINUX_ERRNO.EINVAL);
    }
  }

  /** ip_vs_genl_del_daemon() + stop_sync_thread(). */
  private stopDaemon(attrs: KernelAttributes): void {
    const state = parseDaemonState(attrs.get(IPVS_CMD_ATTR_DAEMON));
    if (state === IP_VS_STATE_MASTER) {
      if (this.master === null) fail(LINUX_ERRNO.ESRCH);
      this.master = null;
    } else if (state === IP_VS_STATE_BACKUP) {
      if (this.backup === null) fail(LINUX_ERRNO.ESRCH);
      this.backup = null;
    } else {
      fail(LINUX_ERRNO.EINVAL);
    }
  }

  // ---- dumps ----------------------------------------------------------------

  private dump(cmd: number, attrs: KernelAttributes, reply: ReplyHeader): Outcome {
    const parts: Uint8Array[] = [];
    if (cmd === IPVS_CMD_GET_SERVICE) {
      for (const service of this.allServices()) parts.push(encodeServiceMessage(reply, IPVS_CMD_NEW_SERVICE, service));
    } else if (cmd === IPVS_CMD_GET_DEST) {
      // ip_vs_genl_dump_dests(): a bad or unknown service yields an empty dump, not an error.
      let service: FakeServiceRecord | undefined;
      try {
        if (validateAttributes(attrs, CMD_POLICY) === 0) service = this.findService(parseServiceRequest(attrs.get(IPVS_CMD_ATTR_SERVICE), false));
      } catch (error) {
        if (!(error instanceof KernelErrno)) throw error;
      }
      for (const dest of service?.dests ?? []) parts.push(encodeDestMessage(reply, IPVS_CMD_NEW_DEST, dest));
    } else if (cmd === IPVS_CMD_GET_DAEMON) {
      for (const daemon of [this.master, this.backup]) if (daemon !== null) parts.push(encodeDaemonMessage(reply, IPVS_CMD_NEW_DAEMON, daemon));
    }
    // Pack parts into datagrams of at most dumpDatagramSize; NLMSG_DONE comes alone after them.
    const datagrams: Uint8Array[] = [];
    let batch: Uint8Array[] = [];
    let size = 0;
    for (const part of parts) {
      if (batch.length > 0 && size + part.length > this.dumpDatagramSize) {
        datagrams.push(concatMessages(batch));
        batch = [];
        size = 0;
      }
      batch.push(part);
      size += part.length;
    }
    if (batch.length > 0) datagrams.push(concatMessages(batch));
    datagrams.push(encodeDoneReply(reply.seq, reply.portId));
    return { datagrams };
  }

  // ---- test-side views ---------------------------------------------------------

  /** The table in Vigil's model, services in dump order, dests newest first. */
  table(): IpvsTable {
    return this.allServices().map((s) => {
      const af = addressFamily(s.af);
      const settings = {
        af,
        scheduler: s.scheduler ?? 'none',
        flags: s.flags & ~IP_VS_SVC_F_HASHED,
        timeout: s.timeout,
        netmask: decodeNetmask(af, s.netmask),
        ...(s.persistenceEngine !== null && { persistenceEngine: s.persistenceEngine }),
      };
      const service =
        s.fwmark !== 0
          ? { kind: 'fwmark' as const, fwmark: s.fwmark, ...settings }
          : { kind: 'inet' as const, protocol: protocolName(s.protocol), address: decodeInetAddress(af, s.addr), port: s.port, ...settings };
      return {
        service,
        dests: s.dests.map((d) => {
          const destAf = addressFamily(d.af);
          return {
            af: destAf,
            address: decodeInetAddress(destAf, d.addr),
            port: d.port,
            forwarding: forwardingName(d.forwarding),
            weight: d.weight,
            upperThreshold: d.upperThreshold,
            lowerThreshold: d.lowerThreshold,
            tunnelType: tunnelTypeName(d.tunnelType),
            tunnelPort: d.tunnelPort,
            tunnelFlags: d.tunnelFlags,
          };
        }),
      };
    });
  }

  daemons(): IpvsSyncDaemon[] {
    return [this.master, this.backup]
      .filter((d): d is FakeDaemonRecord => d !== null)
      .map((d) => ({
        state: daemonStateName(d.state),
        interface: d.interface,
        syncId: d.syncId,
        maxLength: d.maxLength,
        port: d.port,
        ttl: d.ttl,
        group: decodeInetAddress(addressFamily(d.groupAf), d.group),
      }));
  }

  config(): IpvsTimeouts {
    return this.timeouts;
  }

  /** Sets connection counters and statistics, as traffic would (for tests of stats parsing). */
  setCounters(target: { readonly service: IpvsServiceId; readonly dest?: IpvsDestId }, counters: Partial<FakeCounters>): void {
    const request: ServiceRequest =
      target.service.kind === 'fwmark'
        ? { af: target.service.af, protocol: protocolNumber('tcp'), addr: new Uint8Array(16), port: 0, fwmark: target.service.fwmark }
        : {
            af: target.service.af,
            protocol: protocolNumber(target.service.protocol),
            addr: encodeInetAddress(target.service.af, target.service.address),
            port: target.service.port,
            fwmark: 0,
          };
    const service = this.findService(request) ?? fail(LINUX_ERRNO.ESRCH);
    if (target.dest === undefined) {
      if (counters.stats !== undefined) service.stats = counters.stats;
      return;
    }
    const { dest } = target;
    const addr = encodeInetAddress(dest.af, dest.address);
    const record = service.dests.find((d) => d.af === dest.af && d.port === dest.port && sameAddress(d.af, d.addr, addr)) ?? fail(LINUX_ERRNO.ENOENT);
    Object.assign(record, counters);
  }
}
