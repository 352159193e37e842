import type { CheckerSnapshot } from '../../checker/CheckerOutput.js';
import { CheckerDaemon } from '../../checker/runtime/CheckerDaemon.js';
import type { VigilConfig } from '../../config/model/VigilConfig.js';
import { ipvsOwnershipPath } from '../../ipvs/IpvsOwnershipStore.js';
import type { Logger } from '../../log/Logger.js';
import { errorRecord, type ChildMessage, type ChildReloadResult, type ChildRunOptions, type ChildStatusPart } from './ChildMessages.js';
import type { ChildSide } from './ChildSide.js';
import { MetricsForwarder } from './MetricsForwarder.js';
import type { ChildSideStart } from './VrrpChild.js';

/** Checker events are coalesced into one status message per this interval. */
const STATUS_PUSH_DELAY_MS = 100;

/**
 * The Healthcheck child: health checkers and the IPVS sync (keepalived's checker
 * process). IPVS missing from the kernel is not a start failure: checkers run and the
 * status says why nothing is programmed.
 */
export async function startCheckerChild(
  config: VigilConfig,
  options: ChildRunOptions,
  carryOver: CheckerSnapshot | null,
  log: Logger,
  send: (m: ChildMessage) => void,
): Promise<ChildSideStart> {
  const metrics = new MetricsForwarder((events) => send({ type: 'metrics', events }));
  let daemon: CheckerDaemon;
  try {
    // The run directory is the one of the child's pid file (`-c`, /run/vigil by default).
    // Beside the control socket, where `vigil ipvs diff -p PIDFILE` looks for it.
    const ipvsOwnershipRecord = ipvsOwnershipPath(options.runDir);
    daemon = await CheckerDaemon.start({ config, log, dontReleaseIpvs: options.dontReleaseIpvs, ipvsOwnershipRecord, carryOver, metrics });
  } catch (e) {
    const error = e as { code?: string; message?: string };
    return { ok: false, errors: [{ code: error.code ?? 'CHECKER_START_FAILED', message: error.message ?? String(e) }] };
  }
  const statusPart = (detail = false): ChildStatusPart => ({
    role: 'checker',
    checkers: daemon.output.snapshot(),
    ipvs: daemon.ipvsStatus(),
    ...(detail && { ipvsRules: daemon.ipvsRules() }),
  });
  // Every change of a real server reaches the parent soon, so that a respawned child can
  // resume from the latest states and `vigil status` is current.
  let pushTimer: NodeJS.Timeout | null = null;
  const unsubscribe = daemon.output.subscribe(() => {
    if (pushTimer !== null) return;
    pushTimer = setTimeout(() => {
      pushTimer = null;
      send({ type: 'status', id: null, part: statusPart() });
    }, STATUS_PUSH_DELAY_MS);
  });
  const side: ChildSide = {
    statusPart,
    async reload(next: VigilConfig): Promise<ChildReloadResult> {
      const result = await daemon.reload(next);
      if (!result.ok) return { ok: false, errors: result.errors.map(errorRecord) };
      return { ok: true, summary: { changes: describeSummary(result.summary) } };
    },
    vrrpRole: (event) => daemon.vrrpRoleChanged(event),
    async stop(): Promise<void> {
      unsubscribe();
      if (pushTimer !== null) clearTimeout(pushTimer);
      await daemon.stop();
      metrics.flush();
    },
  };
  return { ok: true, side };
}

function describeSummary(summary: unknown): string[] {
  if (typeof summary !== 'object' || summary === null) return [];
  return Object.entries(summary as Record<string, unknown>)
    .filter(([, v]) => (Array.isArray(v) ? v.length > 0 : typeof v === 'number' ? v > 0 : false))
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`);
}
