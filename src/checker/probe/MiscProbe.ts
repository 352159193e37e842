import type { MiscProbeSpec } from './ProbeSpec.js';
import { probeFailure, probeSuccess, type ProbeOutcome } from './ProbeOutcome.js';
import { runScript, type ScriptOutcome } from '../script/ScriptProcess.js';

/**
 * MISC_CHECK (check_misc.c): exit 0 is up, 1 is down; with misc_dynamic, 2..255 is up and
 * carries a weight (status - 2). Without misc_dynamic any non-zero status is down. A script
 * that overruns misc_timeout is killed and counts as down.
 */
export async function runMiscProbe(spec: MiscProbeSpec): Promise<ProbeOutcome> {
  return classifyScriptOutcome(await runScript({ argv: spec.argv, uid: spec.uid, gid: spec.gid, timeoutMs: spec.timeoutMs }), spec.dynamic);
}

export function classifyScriptOutcome(o: ScriptOutcome, dynamic: boolean): ProbeOutcome {
  switch (o.kind) {
    case 'exited': {
      if (o.code === 0 || (dynamic && o.code >= 2 && o.code <= 255)) return probeSuccess(`exit ${o.code}`, o.code);
      return probeFailure('misc-exit', withOutput(`exit ${o.code}`, o.output), o.code);
    }
    case 'signaled':
      return o.timedOut
        ? probeFailure('misc-timeout', `killed (${o.signal}) after ${Math.round(o.durationMs)} ms`)
        : probeFailure('misc-signal', withOutput(`died of ${o.signal}`, o.output));
    case 'spawn-failed':
      return probeFailure('misc-spawn', o.error);
  }
}

function withOutput(text: string, output: string): string {
  const line = output.trim().split('\n').pop()?.trim() ?? '';
  return line.length > 0 ? `${text}: ${line.slice(0, 200)}` : text;
}
