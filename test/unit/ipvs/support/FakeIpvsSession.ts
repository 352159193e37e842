import { IpvsCodec, type IpvsRequestHeader } from '../../../../src/ipvs/IpvsCodec.js';
import type { IpvsDest, IpvsDestEntry, IpvsService, IpvsServiceEntry, IpvsTable } from '../../../../src/ipvs/IpvsModel.js';
import type { IpvsOperation } from '../../../../src/ipvs/IpvsOperation.js';
import { FakeIpvsKernel } from '../../../../src/ipvs/testing/FakeIpvsKernel.js';
import { errnoName } from '../../../../src/netlink/LinuxErrno.js';
import { NLM_F_ACK, NLM_F_DUMP } from '../../../../src/netlink/NetlinkConstants.js';
import { decodeNetlinkMessages, type NetlinkMessage } from '../../../../src/netlink/NetlinkMessage.js';
import { NetlinkReplyCollector, type NetlinkReplyOutcome } from '../../../../src/netlink/NetlinkReplyCollector.js';

/**
 * A synchronous stand-in for the future IPVS client, for tests: codec bytes go
 * into a FakeIpvsKernel, replies come back through NetlinkReplyCollector and the
 * codec's parsers, exactly the path real sockets will take.
 */
export class FakeIpvsSession {
  private seq = 100;

  constructor(readonly kernel: FakeIpvsKernel = new FakeIpvsKernel()) {}

  /** Sends one request built for the next sequence number; returns the collected outcome. */
  call(build: (header: IpvsRequestHeader) => Uint8Array): NetlinkReplyOutcome {
    const header = { familyId: this.kernel.familyId, seq: ++this.seq };
    const request = build(header);
    const flags = new DataView(request.buffer, request.byteOffset).getUint16(6, true);
    const collector = new NetlinkReplyCollector({ seq: header.seq, dump: (flags & NLM_F_DUMP) === NLM_F_DUMP, ack: (flags & NLM_F_ACK) !== 0 });
    for (const datagram of this.kernel.handle(request)) {
      for (const message of decodeNetlinkMessages(datagram)) collector.accept(message);
    }
    if (!collector.complete) throw new Error('the fake kernel left the request unanswered');
    return collector.outcome;
  }

  /** `call`, expecting success; returns the data messages. */
  expectOk(build: (header: IpvsRequestHeader) => Uint8Array): readonly NetlinkMessage[] {
    const outcome = this.call(build);
    if (outcome.status !== 'ok') throw new Error(`expected success, got ${outcome.status === 'error' ? errnoName(outcome.errno) : outcome.status}`);
    return outcome.messages;
  }

  /** The errno name of a failed request, or "ok". */
  errno(build: (header: IpvsRequestHeader) => Uint8Array): string {
    const outcome = this.call(build);
    return outcome.status === 'error' ? errnoName(outcome.errno) : 'ok';
  }

  apply(operations: readonly IpvsOperation[]): void {
    for (const operation of operations) this.expectOk((h) => IpvsCodec.buildOperation(h, operation));
  }

  services(): IpvsServiceEntry[] {
    return this.expectOk((h) => IpvsCodec.buildDumpServices(h)).map((m) => IpvsCodec.parseServiceReply(m));
  }

  dests(service: IpvsService): IpvsDestEntry[] {
    return this.expectOk((h) => IpvsCodec.buildDumpDests(h, service)).map((m) => IpvsCodec.parseDestReply(m, service.af));
  }

  /** The whole table read back through dumps and the codec, without counters. */
  readTable(): IpvsTable {
    return this.services().map((entry) => {
      const { stats: _stats, stats64: _stats64, ...service } = entry;
      return {
        service: service as IpvsService,
        dests: this.dests(entry).map((d): IpvsDest => {
          const { stats: _s, stats64: _s64, activeConnections: _a, inactiveConnections: _i, persistentConnections: _p, ...dest } = d;
          return dest;
        }),
      };
    });
  }
}
