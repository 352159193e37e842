import type { VigilConfig } from '../config/model/VigilConfig.js';
import type { VigilError } from '../core/VigilError.js';
import type { NetlinkTimers } from '../netlink/NetlinkTimers.js';
import { IpvsClient, type IpvsClientOptions } from './IpvsClient.js';
import { SILENT_IPVS_LOG, type IpvsLog } from './IpvsLog.js';
import { IpvsSync } from './IpvsSync.js';

export interface IpvsRuntimeOptions {
  readonly config: VigilConfig;
  readonly dontReleaseIpvs?: boolean;
  readonly driftRepairIntervalMs?: number;
  readonly timers?: NetlinkTimers;
  readonly log?: IpvsLog;
  /** Client options (socket opener for tests or namespaces, window...). */
  readonly client?: IpvsClientOptions;
}

/** Either a running IpvsSync, or why there is none (for `vigil status`). */
export type IpvsRuntime =
  | { readonly ok: true; readonly sync: IpvsSync; readonly client: IpvsClient }
  | { readonly ok: false; readonly error: VigilError };

/**
 * Opens the kernel's IPVS and starts keeping it in sync. A kernel without IPVS (or a
 * process without CAP_NET_ADMIN) is not fatal: the result says why, the caller's VRRP
 * and checkers keep running, and its status shows the reason.
 */
export async function startIpvsRuntime(options: IpvsRuntimeOptions): Promise<IpvsRuntime> {
  const log = options.log ?? SILENT_IPVS_LOG;
  let client: IpvsClient;
  try {
    client = await IpvsClient.open({ ...options.client, log });
  } catch (e) {
    const error = e as VigilError;
    log.error({ code: error.code }, `${error.message}; virtual servers will not be programmed (VRRP and checkers keep running)`);
    return { ok: false, error };
  }
  const sync = new IpvsSync({
    kernel: client,
    config: options.config,
    log,
    ...(options.dontReleaseIpvs !== undefined && { dontReleaseIpvs: options.dontReleaseIpvs }),
    ...(options.driftRepairIntervalMs !== undefined && { driftRepairIntervalMs: options.driftRepairIntervalMs }),
    ...(options.timers !== undefined && { timers: options.timers }),
  });
  try {
    await sync.start();
  } catch (e) {
    client.close();
    const error = e as VigilError;
    log.error({ code: error.code }, `IPVS: cannot program the kernel table: ${error.message}`);
    return { ok: false, error };
  }
  return { ok: true, sync, client };
}
