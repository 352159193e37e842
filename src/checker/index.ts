/** The checker's public surface: the engine, its output contract, and the reusable script queue. */
export { CheckerEngine, DEFAULT_NOTIFY_TIMEOUT_MS, type CheckerEngineOptions, type CheckerPredecessor, type ProbeMemory } from './engine/CheckerEngine.js';
export type { CheckerLog } from './engine/CheckerLog.js';
export {
  CheckerDaemon,
  type CheckerDaemonOptions,
  type CheckerIpvsStatus,
  type CheckerReloadResult,
  type CheckerReloadSummary,
} from './runtime/CheckerDaemon.js';
export type { CheckerMetricsSink, CheckerResultEvent } from './runtime/CheckerMetricsSink.js';
export type { HostAddressSource, HostAddressSourceOpener } from './runtime/VirtualAddressPresence.js';
export type {
  CheckerOutput,
  CheckerOutputEvent,
  CheckerOutputListener,
  CheckerSnapshot,
  CheckerVerdict,
  ProbeStatistics,
  QuorumState,
  RealServerDesiredState,
  SorryServerDesiredState,
  VirtualServerDesiredState,
} from './CheckerOutput.js';
export { PROBE_FAILURE_REASONS, type ProbeFailureReason, type ProbeOutcome } from './probe/ProbeOutcome.js';
export type { ProbeRunner } from './probe/ProbeRunner.js';
export type { ProbeSpec } from './probe/ProbeSpec.js';
export { OrderedScriptQueue, type ScriptJob, type ScriptJobRunner, type ScriptJobListener } from './script/OrderedScriptQueue.js';
export { runScript, type ScriptRun, type ScriptOutcome } from './script/ScriptProcess.js';
export { formatService, formatVirtualServer } from './state/ServiceText.js';
export { systemClock, type CheckerClock } from './time/CheckerClock.js';
export { VirtualTime } from './time/VirtualTime.js';
