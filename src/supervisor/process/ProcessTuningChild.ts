import type { VigilConfig } from '../../config/model/VigilConfig.js';
import { childLabel, type ChildRole } from './ChildRole.js';
import { ParentChannel } from './ParentChannel.js';
import {
  applyProcessTuning,
  describeSteps,
  planProcessTuning,
  tuningFor,
  type ProcessTuningPort,
  type StepOutcome,
  type TuningLog,
  type TuningStep,
} from './ProcessTuning.js';
import { systemProcessTuningPort } from './ProcessTuningSystem.js';

/**
 * Applies the child's `vrrp_*` / `checker_*` process settings once, at child start, and
 * warns when a reload changes them: they take effect when the child next starts. (keepalived
 * 2.2.7 resets and re-applies them in its reload path; Vigil leaves a running child as it is,
 * see src/config/model/DIFFERENCES.md.)
 */
export function startProcessTuning(
  config: VigilConfig,
  role: ChildRole,
  log: TuningLog,
  port: () => ProcessTuningPort = systemProcessTuningPort,
  channel: ParentChannel = new ParentChannel(),
): StepOutcome[] {
  const applied = planProcessTuning(tuningFor(config, role));
  let outcomes: StepOutcome[] = [];
  if (applied.length > 0) {
    try {
      outcomes = applyProcessTuning(applied, role, port(), log);
    } catch (e) {
      // The addon could not be loaded: the child still runs, as with any failed setting.
      log.error({ tuning: 'load', code: (e as { code?: string }).code ?? 'UNKNOWN' }, `${childLabel(role)}: process settings not applied - ${(e as Error).message}`);
    }
  }
  channel.onMessage(
    (m) => {
      if (m.type !== 'reload') return;
      const wanted = planProcessTuning(tuningFor(m.config, role));
      if (sameSteps(wanted, applied)) return;
      log.warn(
        { tuning: 'reload' },
        `${childLabel(role)} process settings changed by the reload (now: ${describeSteps(wanted)}; running with: ${describeSteps(applied)}); they take effect when the child next starts`,
      );
    },
    () => undefined,
  );
  return outcomes;
}

function sameSteps(a: readonly TuningStep[], b: readonly TuningStep[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
