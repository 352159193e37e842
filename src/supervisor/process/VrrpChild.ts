import type { VigilConfig } from '../../config/model/VigilConfig.js';
import type { Logger } from '../../log/Logger.js';
import { VrrpDaemon } from '../../vrrp/runtime/VrrpDaemon.js';
import { errorRecord, type ChildMessage, type ChildReloadResult, type ChildRunOptions, type ChildStatusPart, type ErrorRecord } from './ChildMessages.js';
import type { ChildSide } from './ChildSide.js';
import { VrrpStatusPart } from './VrrpStatusPart.js';

export type ChildSideStart = { readonly ok: true; readonly side: ChildSide } | { readonly ok: false; readonly errors: readonly ErrorRecord[] };

/**
 * The VRRP child: VrrpDaemon (engine, rtnetlink, sockets, vrrp_scripts, notify) and
 * nothing else, so that a busy checker side never delays an advert. Transitions go to
 * the parent at once (status, metrics, lvs_sync_daemon in the checker child).
 */
export async function startVrrpChild(config: VigilConfig, options: ChildRunOptions, log: Logger, send: (m: ChildMessage) => void): Promise<ChildSideStart> {
  const started = await VrrpDaemon.start({ config, log, releaseVipsOnStop: !options.dontReleaseVrrp });
  if (!started.ok) return { ok: false, errors: started.errors.map(errorRecord) };
  const daemon = started.daemon;
  let running = config;
  const status = new VrrpStatusPart({ engine: daemon.engine, config: () => running });
  const statusPart = (): ChildStatusPart => ({ role: 'vrrp', vrrp: status.status() });
  // Registered after the status part's own listener, so the status sent below has the new `since`.
  daemon.engine.onTransition((instance, from, to, reason) => {
    send({ type: 'transition', instance, from, to, reason });
    send({ type: 'role', event: { instance, role: to } });
    // The status right after the change, so `vigil status` never shows the old state.
    send({ type: 'status', id: null, part: statusPart() });
  });
  const side: ChildSide = {
    statusPart,
    async reload(next: VigilConfig): Promise<ChildReloadResult> {
      const result = await daemon.reload(next);
      if (!result.ok) return { ok: false, errors: result.errors.map(errorRecord) };
      running = next;
      const s = result.summary;
      const changes = [
        ...s.updated.map((n) => `${n}: updated`),
        ...s.restarted.map((n) => `${n}: restarted`),
        ...s.added.map((n) => `${n}: added`),
        ...s.removed.map((n) => `${n}: removed`),
      ];
      return { ok: true, summary: { changes } };
    },
    vrrpRole: () => undefined,
    async stop(): Promise<void> {
      status.close();
      for (const instance of daemon.engine.instanceNames) send({ type: 'role', event: { instance, role: 'STOP' } });
      await daemon.stop();
    },
  };
  return { ok: true, side };
}
