import type { VigilConfig } from '../../config/model/VigilConfig.js';
import type { VigilError } from '../../core/VigilError.js';
import type { NetlinkTimers } from '../../netlink/NetlinkTimers.js';
import { IpvsClient, type IpvsClientOptions } from '../../ipvs/IpvsClient.js';
import type { IpvsLog } from '../../ipvs/IpvsLog.js';
import { IpvsOwnershipStore } from '../../ipvs/IpvsOwnershipStore.js';
import { IpvsSync, type IpvsSyncPass } from '../../ipvs/IpvsSync.js';
import type { CheckerOutput } from '../CheckerOutput.js';

export interface CheckerIpvsOptions {
  readonly config: VigilConfig;
  /** The running checker: its states are the first pass's input. */
  readonly checker: CheckerOutput;
  readonly log: IpvsLog;
  readonly dontReleaseIpvs: boolean;
  /** Taking over from a crashed predecessor: own what the configuration describes (IpvsSyncOptions.adoptConfigured). */
  readonly adoptConfigured: boolean;
  readonly onPass: (pass: IpvsSyncPass) => void;
  /** The ownership record's path (IpvsSyncOptions.ownership); absent: ownership is not kept across restarts. */
  readonly ownershipRecord?: string;
  readonly client?: IpvsClientOptions;
  readonly timers?: NetlinkTimers;
  readonly driftRepairIntervalMs?: number;
}

export type CheckerIpvs = { readonly ok: true; readonly sync: IpvsSync; readonly client: IpvsClient } | { readonly ok: false; readonly error: VigilError };

/**
 * Opens IPVS and starts the sync with the checker attached before the first pass, so that
 * the first pass programs the checker's states (carried over from a predecessor, perhaps)
 * and not the configuration's start-up states: a respawned checker must not take out a real
 * server its predecessor had brought in. A kernel without IPVS (or no CAP_NET_ADMIN) is a
 * result, logged once at error level.
 */
export async function connectCheckerIpvs(options: CheckerIpvsOptions): Promise<CheckerIpvs> {
  const log = options.log;
  let client: IpvsClient;
  try {
    client = await IpvsClient.open({ ...options.client, log });
  } catch (e) {
    const error = e as VigilError;
    log.error({ code: error.code }, `${error.message}; virtual servers will not be programmed (checkers keep running)`);
    return { ok: false, error };
  }
  const sync = new IpvsSync({
    kernel: client,
    config: options.config,
    log,
    dontReleaseIpvs: options.dontReleaseIpvs,
    adoptConfigured: options.adoptConfigured,
    onPass: options.onPass,
    ...(options.ownershipRecord !== undefined && { ownership: new IpvsOwnershipStore(options.ownershipRecord) }),
    ...(options.timers !== undefined && { timers: options.timers }),
    ...(options.driftRepairIntervalMs !== undefined && { driftRepairIntervalMs: options.driftRepairIntervalMs }),
  });
  // Cut off from the checker if the start fails: the sync must not plan passes on a closed client.
  let attached = true;
  sync.attachChecker({
    snapshot: () => options.checker.snapshot(),
    subscribe: (listener) =>
      options.checker.subscribe((event) => {
        if (attached) listener(event);
      }),
  });
  try {
    await sync.start();
  } catch (e) {
    attached = false;
    client.close();
    const error = e as VigilError;
    log.error({ code: error.code }, `IPVS: cannot program the kernel table: ${error.message}`);
    return { ok: false, error };
  }
  return { ok: true, sync, client };
}
