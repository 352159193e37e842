import { AF_INET, IP_VS_SVC_F_USER_MASK } from './IpvsConstants.js';
import type { IpvsDest, IpvsForwardingMethod, IpvsService, IpvsTunnelType } from './IpvsModel.js';

/**
 * The optional fields of services and dests with ipvsadm's defaults filled in,
 * so that encoding and comparison never see `undefined`.
 */

export interface ResolvedServiceSettings {
  readonly scheduler: string;
  readonly flags: number;
  readonly timeout: number;
  readonly netmask: number;
  /** '' for none. */
  readonly persistenceEngine: string;
}

export interface ResolvedDestSettings {
  readonly forwarding: IpvsForwardingMethod;
  readonly weight: number;
  readonly upperThreshold: number;
  readonly lowerThreshold: number;
  readonly tunnelType: IpvsTunnelType;
  readonly tunnelPort: number;
  readonly tunnelFlags: number;
}

/** ipvsadm's default persistence netmask: a full-length prefix. */
export function defaultNetmask(af: number): number {
  return af === AF_INET ? 32 : 128;
}

export function resolveServiceSettings(service: IpvsService): ResolvedServiceSettings {
  return {
    scheduler: service.scheduler,
    // HASHED is kernel state, not a setting; keeping it out makes dumps compare equal to requests.
    flags: (service.flags ?? 0) & IP_VS_SVC_F_USER_MASK,
    timeout: service.timeout ?? 0,
    netmask: service.netmask ?? defaultNetmask(service.af),
    persistenceEngine: service.persistenceEngine ?? '',
  };
}

export function resolveDestSettings(dest: IpvsDest): ResolvedDestSettings {
  return {
    forwarding: dest.forwarding,
    weight: dest.weight,
    upperThreshold: dest.upperThreshold ?? 0,
    lowerThreshold: dest.lowerThreshold ?? 0,
    tunnelType: dest.tunnelType ?? 'ipip',
    tunnelPort: dest.tunnelPort ?? 0,
    tunnelFlags: dest.tunnelFlags ?? 0,
  };
}

export function sameServiceSettings(a: IpvsService, b: IpvsService): boolean {
  const x = resolveServiceSettings(a);
  const y = resolveServiceSettings(b);
  return (
    x.scheduler === y.scheduler &&
    x.flags === y.flags &&
    x.timeout === y.timeout &&
    x.netmask === y.netmask &&
    x.persistenceEngine === y.persistenceEngine
  );
}

export function sameDestSettings(a: IpvsDest, b: IpvsDest): boolean {
  const x = resolveDestSettings(a);
  const y = resolveDestSettings(b);
  return (
    x.forwarding === y.forwarding &&
    x.weight === y.weight &&
    x.upperThreshold === y.upperThreshold &&
    x.lowerThreshold === y.lowerThreshold &&
    x.tunnelType === y.tunnelType &&
    x.tunnelPort === y.tunnelPort &&
    x.tunnelFlags === y.tunnelFlags
  );
}
