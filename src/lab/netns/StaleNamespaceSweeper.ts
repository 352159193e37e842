import { readdirSync } from 'node:fs';
import { ownerPidOf } from './NamespaceName.js';
import { NETNS_RUN_DIR, tearDownNamespaces } from './NamespaceTeardown.js';
import { pidExists } from './ProcessTable.js';

/** Names in /run/netns; none when the directory does not exist yet. */
export function listNamedNamespaces(): string[] {
  try {
    return readdirSync(NETNS_RUN_DIR);
  } catch {
    return [];
  }
}

/**
 * Deletes harness namespaces (`vgl-<pid>-...`) whose creating process no longer exists —
 * leftovers of a run that was SIGKILLed or crashed before its cleanup ran. Namespaces of
 * live runs, including parallel ones, are left alone. Returns the names it removed.
 */
export async function sweepStaleNamespaces(): Promise<string[]> {
  const stale = listNamedNamespaces().filter((name) => {
    const owner = ownerPidOf(name);
    return owner !== undefined && owner !== process.pid && !pidExists(owner);
  });
  await tearDownNamespaces(stale);
  return stale;
}
