import type { VigilError } from '../../core/VigilError.js';

/** Instance names by what a reload did to them. */
export interface VrrpReloadSummary {
  readonly unchanged: readonly string[];
  /** Changed in place: VIPs, base priority, notify scripts. */
  readonly updated: readonly string[];
  /** Stopped as on shutdown and started again through Initialize. */
  readonly restarted: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** The outcome of a reload; on `ok: false` nothing was changed. */
export type VrrpReloadResult =
  | { readonly ok: true; readonly summary: VrrpReloadSummary }
  | { readonly ok: false; readonly errors: readonly VigilError[] };
