/**
 * How the engine gets woken for its earliest armed timer. The engine keeps the timers in a
 * `TimerSet` and asks for one wake-up at the earliest due time after every change.
 */
export interface TimerWakeup {
  /** Wake at clock time `dueMs`, replacing any earlier request; `undefined` cancels. */
  wakeAt(dueMs: number | undefined): void;
  close(): void;
}

/** A wake-up that never fires: unit tests move a `VirtualClock` over the engine's timers instead. */
export const MANUAL_TIMER_WAKEUP: TimerWakeup = {
  wakeAt: () => undefined,
  close: () => undefined,
};
