/** Something that must not outlive the process, e.g. a topology's namespaces. */
export interface ExitCleanupTarget {
  /** Synchronous and best effort: it runs in `exit` handlers, where awaits never resume. */
  cleanupSync(): void;
}

/** Targets cleaned on `exit`; the subset in `onSignals` is also cleaned on a fatal signal. */
const live = new Set<ExitCleanupTarget>();
const onSignals = new Set<ExitCleanupTarget>();
let installed = false;

/** SIGINT/SIGTERM/SIGHUP skip `exit` handlers by default, so they get their own. */
const FATAL_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Keeps `target` on a list that is cleaned up when the process exits or is told to stop
 * with a signal, in case its owner (a test, `vigil lab`) never reached its own `destroy()`. SIGKILL cannot be
 * caught: its leftovers are for the stale-namespace sweeper.
 */
export function registerForExitCleanup(target: ExitCleanupTarget, opts: { cleanupOnSignals?: boolean } = {}): void {
  install();
  live.add(target);
  // A program that handles SIGINT/SIGTERM itself (`vigil lab` stops its daemons gracefully)
  // opts out of the signal path; the `exit` handler still covers it.
  if (opts.cleanupOnSignals ?? true) onSignals.add(target);
}

export function unregisterFromExitCleanup(target: ExitCleanupTarget): void {
  live.delete(target);
  onSignals.delete(target);
}

function cleanupAll(): void {
  cleanup(live);
}

function cleanup(targets: Set<ExitCleanupTarget>): void {
  for (const t of [...targets]) {
    live.delete(t);
    onSignals.delete(t);
    try {
      t.cleanupSync();
    } catch {
      // keep cleaning the others
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupAll);
  for (const sig of FATAL_SIGNALS) {
    const onSignal = (): void => {
      cleanup(onSignals);
      process.removeListener(sig, onSignal);
      // With no other listener left, re-raising gives the default action (terminate with
      // the signal); if someone else listens, they decide what the signal means.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}
