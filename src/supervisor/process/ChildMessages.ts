import type { CheckerSnapshot } from '../../checker/CheckerOutput.js';
import type { VigilConfig } from '../../config/model/VigilConfig.js';
import type { IpvsSyncPass } from '../../ipvs/IpvsSync.js';
import type { VrrpRoleEvent } from '../../ipvs/LvsSyncDaemonController.js';
import type { VrrpState } from '../../vrrp/fsm/VrrpState.js';
import type { IpvsStatus, VrrpStatus } from '../StatusSource.js';
import type { ChildRole } from './ChildRole.js';

/**
 * The IPC between the parent and its children (Node's fork channel with `advanced`
 * serialization, so a `VigilConfig` travels as a structured clone: the configuration is
 * parsed and validated once, in the parent).
 */

export interface ChildRunOptions {
  readonly logConsole: boolean;
  readonly logDetail: boolean;
  /** -V */
  readonly dontReleaseVrrp: boolean;
  /** -I */
  readonly dontReleaseIpvs: boolean;
  /** The child's own pid file (`-r` / `-c`). */
  readonly pidFile: string;
  /** The parent's run directory (beside `-p`): control socket, state dump, IPVS ownership record. */
  readonly runDir: string;
}

export interface ErrorRecord {
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export type ParentMessage =
  | {
      readonly type: 'start';
      readonly role: ChildRole;
      readonly config: VigilConfig;
      readonly options: ChildRunOptions;
      /** Checker states to resume from (the last snapshot of a crashed predecessor). */
      readonly carryOver: CheckerSnapshot | null;
    }
  | { readonly type: 'reload'; readonly id: number; readonly config: VigilConfig }
  /** `detail`: also what only the state dump carries (the IPVS table). */
  | { readonly type: 'status-request'; readonly id: number; readonly detail: boolean }
  | { readonly type: 'vrrp-role'; readonly event: VrrpRoleEvent }
  | { readonly type: 'stop' };

/** The part of `VigilStatus` a child owns. */
export type ChildStatusPart =
  | { readonly role: 'vrrp'; readonly vrrp: VrrpStatus }
  | {
      readonly role: 'checker';
      readonly checkers: CheckerSnapshot;
      readonly ipvs: IpvsStatus;
      /** With `detail`: the IPVS table as last seen, `ipvsadm -Sn` lines (`null` without IPVS). */
      readonly ipvsRules?: readonly string[] | null;
    };

export interface ChildReloadSummary {
  /** One line per change, already logged by the child. */
  readonly changes: readonly string[];
}

export type ChildReloadResult = { readonly ok: true; readonly summary: ChildReloadSummary } | { readonly ok: false; readonly errors: readonly ErrorRecord[] };

export type MetricEvent =
  | { readonly kind: 'checker-result'; readonly checker: string; readonly ok: boolean; readonly durationSeconds: number; readonly reason?: string }
  | { readonly kind: 'ipvs-pass'; readonly pass: IpvsSyncPass };

export type ChildMessage =
  | { readonly type: 'started'; readonly pid: number }
  | { readonly type: 'start-failed'; readonly errors: readonly ErrorRecord[] }
  | { readonly type: 'status'; readonly id: number | null; readonly part: ChildStatusPart }
  | { readonly type: 'transition'; readonly instance: string; readonly from: VrrpState; readonly to: VrrpState; readonly reason: string | null }
  | { readonly type: 'role'; readonly event: VrrpRoleEvent }
  | { readonly type: 'metrics'; readonly events: readonly MetricEvent[] }
  | { readonly type: 'reloaded'; readonly id: number; readonly result: ChildReloadResult };

const CHILD_MESSAGE_TYPES: ReadonlySet<string> = new Set(['started', 'start-failed', 'status', 'transition', 'role', 'metrics', 'reloaded']);
const PARENT_MESSAGE_TYPES: ReadonlySet<string> = new Set(['start', 'reload', 'status-request', 'vrrp-role', 'stop']);

function hasType(value: unknown, types: ReadonlySet<string>): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' && types.has((value as { type: string }).type);
}

/** Both ends are Vigil, but a message of another shape is dropped and logged rather than trusted. */
export function isChildMessage(value: unknown): value is ChildMessage {
  return hasType(value, CHILD_MESSAGE_TYPES);
}

export function isParentMessage(value: unknown): value is ParentMessage {
  return hasType(value, PARENT_MESSAGE_TYPES);
}

export function errorRecord(e: { code: string; message: string; details?: Readonly<Record<string, unknown>> }): ErrorRecord {
  return { code: e.code, message: e.message, ...(e.details !== undefined && Object.keys(e.details).length > 0 ? { details: e.details } : {}) };
}
