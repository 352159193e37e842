import type { TrackedStatus } from './TrackedStatus.js';

export type ScriptHealthChange = 'succeeded' | 'failed';

/**
 * The rise/fall counter of one `vrrp_script`, as keepalived 2.2.7 keeps it
 * (vrrp_scheduler.c `vrrp_script_child_thread`): `result` counts towards `rise`
 * consecutive successes to become good and, once good, `fall` consecutive failures to
 * become bad. A fresh script (no `init_fail`) starts one success short of good, so the
 * first success is enough; `init_fail` starts it bad.
 */
export class ScriptHealth {
  private result: number;
  private reported: boolean;

  constructor(
    private readonly rise: number,
    private readonly fall: number,
    initFail: boolean,
  ) {
    this.result = initFail ? 0 : rise - 1;
    this.reported = initFail;
  }

  get status(): TrackedStatus {
    if (!this.reported) return 'init';
    return this.result >= this.rise ? 'up' : 'down';
  }

  /** Records one run; returns the change of verdict it caused, if any. */
  record(success: boolean): ScriptHealthChange | null {
    const before = this.status;
    if (success) {
      if (this.result < this.rise - 1) this.result++;
      else this.result = this.rise + this.fall - 1;
    } else if (this.result > this.rise) {
      this.result--;
    } else {
      this.result = 0;
    }
    // The first verdict of a script in INIT is reported whichever way it goes.
    const wasInit = !this.reported;
    if (wasInit && (success ? this.result >= this.rise : true)) this.reported = true;
    const after = this.status;
    if (after === before) return null;
    if (after === 'up') return 'succeeded';
    if (after === 'down') return 'failed';
    return null;
  }
}
