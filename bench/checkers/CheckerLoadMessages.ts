/** The IPC between CheckerLoad (parent) and CheckerLoadProcess (the forked checker). */

/** Parent -> child. */
export type CheckerLoadCommand =
  | { readonly kind: 'start'; readonly ports: readonly number[]; readonly vsCount: number; readonly rsPerVs: number }
  /** Starts the measured window: counters and the lateness histogram restart from zero. */
  | { readonly kind: 'reset' }
  | { readonly kind: 'stop' };

/** What the checker did during the measured window. */
export interface CheckerLoadWindow {
  readonly probesStarted: number;
  readonly ok: number;
  readonly failed: number;
  readonly latenessP50Ms: number;
  readonly latenessP99Ms: number;
  readonly latenessMaxMs: number;
}

/** Child -> parent. */
export type CheckerLoadReply =
  | { readonly kind: 'started'; readonly distinctProbes: number }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'stopped'; readonly window: CheckerLoadWindow };
