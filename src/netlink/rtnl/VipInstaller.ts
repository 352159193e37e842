import type { VigilError } from '../../core/VigilError.js';
import { LINUX_ERRNO, errnoName } from '../LinuxErrno.js';
import { describeAddressRequest, type AddressRequest } from './AddressRequest.js';
import { encodeAddAddressRequest, encodeDeleteAddressRequest } from './InterfaceAddressCodec.js';
import type { PipelinedOutcome, PipelinedRequest } from './RequestPipeline.js';
import type { RtnlClient } from './RtnlClient.js';
import { rtnlError } from './RtnlError.js';
import { resolveVip, type InterfaceDirectory, type VipSpec } from './VipSpec.js';

/** asm-generic/errno.h: what RTM_DELADDR answers for an address that is not there. */
const EADDRNOTAVAIL = 99;

export type VipOutcome =
  | {
      readonly vip: VipSpec;
      /** `already-present` / `already-absent`: EEXIST on add, EADDRNOTAVAIL on delete; not errors. */
      readonly status: 'added' | 'already-present' | 'removed' | 'already-absent';
      readonly request: AddressRequest;
      /** Sent twice after a receive-buffer overrun; an `already-*` may then be our own first attempt. */
      readonly retransmitted: boolean;
    }
  | {
      readonly vip: VipSpec;
      readonly status: 'failed';
      /** RTNL_INVALID_VIP, RTNL_INTERFACE_NOT_FOUND, RTNL_ADDRESS_ADD_FAILED or RTNL_ADDRESS_DELETE_FAILED. */
      readonly error: VigilError;
    };

type Operation = 'add' | 'delete';

/**
 * Puts virtual IP addresses on interfaces and takes them off, all of a batch in flight
 * at once. Idempotent: adding what is there or deleting what is not is reported, not
 * failed. Every failure names the exact address it belongs to.
 */
export class VipInstaller {
  constructor(
    private readonly client: RtnlClient,
    private readonly interfaces: InterfaceDirectory,
  ) {}

  /** The port id the kernel puts in notifications of changes this installer makes. */
  get portId(): number {
    return this.client.portId;
  }

  /** Whether an address change was made by this installer (its notification carried one of our ports). */
  caused(change: { readonly originPortId: number | null }): boolean {
    return change.originPortId !== null && change.originPortId !== 0 && this.client.ownsPort(change.originPortId);
  }

  add(vips: readonly VipSpec[]): Promise<VipOutcome[]> {
    return this.run('add', vips);
  }

  remove(vips: readonly VipSpec[]): Promise<VipOutcome[]> {
    return this.run('delete', vips);
  }

  private async run(operation: Operation, vips: readonly VipSpec[]): Promise<VipOutcome[]> {
    const outcomes: (VipOutcome | undefined)[] = new Array(vips.length);
    const requests: PipelinedRequest<{ index: number; request: AddressRequest }>[] = [];
    vips.forEach((vip, index) => {
      const resolved = resolveVip(vip, this.interfaces);
      if (!resolved.ok) {
        outcomes[index] = { vip, status: 'failed', error: resolved.error };
        return;
      }
      const request = resolved.request;
      requests.push({
        tag: { index, request },
        encode: (seq) => (operation === 'add' ? encodeAddAddressRequest(request, { seq }) : encodeDeleteAddressRequest(request, { seq })),
      });
    });
    for (const outcome of await this.client.execute(requests)) {
      const { index, request } = outcome.tag;
      const vip = vips[index];
      if (vip !== undefined) outcomes[index] = interpret(operation, vip, request, outcome);
    }
    return vips.map((vip, index) => outcomes[index] ?? noOutcome(vip));
  }
}

function interpret(operation: Operation, vip: VipSpec, request: AddressRequest, outcome: PipelinedOutcome<unknown>): VipOutcome {
  const { errno, retransmitted } = outcome;
  if (errno === 0) return { vip, status: operation === 'add' ? 'added' : 'removed', request, retransmitted };
  if (operation === 'add' && errno === LINUX_ERRNO.EEXIST) return { vip, status: 'already-present', request, retransmitted };
  // ENODEV: the interface itself is gone, so the address certainly is.
  if (operation === 'delete' && (errno === EADDRNOTAVAIL || errno === LINUX_ERRNO.ENODEV)) {
    return { vip, status: 'already-absent', request, retransmitted };
  }
  const verb = operation === 'add' ? 'add' : 'delete';
  const reason = outcome.transportError?.message ?? outcome.kernelMessage ?? errnoName(errno);
  return {
    vip,
    status: 'failed',
    error: rtnlError(
      operation === 'add' ? 'RTNL_ADDRESS_ADD_FAILED' : 'RTNL_ADDRESS_DELETE_FAILED',
      `Netlink: cannot ${verb} ${describeAddressRequest(request)}: ${reason}`,
      {
        address: request.address.text,
        prefixLength: request.prefixLength,
        interface: request.ifname,
        ifindex: request.ifindex,
        errno,
        errnoName: errnoName(errno),
        ...(outcome.kernelMessage !== undefined && { kernelMessage: outcome.kernelMessage }),
      },
      outcome.transportError,
    ),
  };
}

/** Not reached: every VIP either failed to resolve or was sent, and the pipeline answers every request. */
function noOutcome(vip: VipSpec): VipOutcome {
  return { vip, status: 'failed', error: rtnlError('RTNL_STALLED', `Netlink: no outcome for VIP ${vip.address}`) };
}
