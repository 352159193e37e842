import type { IpvsDest, IpvsService } from './IpvsModel.js';

/**
 * One change to an IPVS table, as the reconciler plans it and the client applies
 * it (each maps to exactly one IPVS_CMD_* request).
 */
export type IpvsOperation =
  /** IPVS_CMD_NEW_SERVICE */
  | { readonly kind: 'add-service'; readonly service: IpvsService }
  /** IPVS_CMD_SET_SERVICE: scheduler, flags, timeout, netmask or persistence engine changed. */
  | { readonly kind: 'edit-service'; readonly service: IpvsService; readonly previous: IpvsService }
  /** IPVS_CMD_DEL_SERVICE: the kernel removes the service's dests with it. */
  | { readonly kind: 'delete-service'; readonly service: IpvsService }
  /** IPVS_CMD_NEW_DEST */
  | { readonly kind: 'add-dest'; readonly service: IpvsService; readonly dest: IpvsDest }
  /** IPVS_CMD_SET_DEST: forwarding, weight, thresholds or tunnel settings changed. */
  | { readonly kind: 'edit-dest'; readonly service: IpvsService; readonly dest: IpvsDest; readonly previous: IpvsDest }
  /** IPVS_CMD_DEL_DEST */
  | { readonly kind: 'delete-dest'; readonly service: IpvsService; readonly dest: IpvsDest };

export type IpvsOperationKind = IpvsOperation['kind'];
