import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { VigilError } from '../../core/VigilError.js';
import { runCommand } from './CommandRunner.js';
import { isProcessRunning } from './ProcessTable.js';
import { waitFor } from './waitFor.js';

/** `ip netns add` bind-mounts each namespace here (iproute2's NETNS_RUN_DIR). */
export const NETNS_RUN_DIR = '/run/netns';

const STEP_TIMEOUT_MS = 10_000;

/**
 * Removes namespaces for good. Deleting a name only unmounts it: a process still inside
 * keeps the namespace (and its veths, addresses, multicast groups) alive. So everything
 * still running inside — e.g. a daemon that forked out of the tracked process group — is
 * SIGKILLed first, and only then are the names deleted. Names already gone are fine.
 */
export async function tearDownNamespaces(names: readonly string[]): Promise<void> {
  const present = names.filter((n) => existsSync(`${NETNS_RUN_DIR}/${n}`));
  if (present.length === 0) return;
  const pids: number[] = [];
  for (const ns of present) {
    const r = await runCommand(['ip', 'netns', 'pids', ns], { timeoutMs: STEP_TIMEOUT_MS });
    pids.push(...parsePids(r.stdout));
  }
  for (const pid of pids) killQuietly(pid);
  await waitFor(() => pids.every((p) => !isProcessRunning(p)), {
    timeoutMs: STEP_TIMEOUT_MS,
    intervalMs: 20,
    description: `processes ${pids.join(', ')} in ${present.join(', ')} to die`,
  });
  // -force: keep going past a name that vanished meanwhile; the check below is what counts.
  await runCommand(['ip', '-force', '-batch', '-'], {
    timeoutMs: STEP_TIMEOUT_MS,
    input: present.map((n) => `netns del ${n}\n`).join(''),
  });
  const left = present.filter((n) => existsSync(`${NETNS_RUN_DIR}/${n}`));
  if (left.length > 0) {
    throw new VigilError('NETNS_TEARDOWN_FAILED', `could not delete namespaces ${left.join(', ')}`, { namespaces: left });
  }
}

/**
 * The same for a process `exit` handler, where nothing asynchronous runs any more:
 * best effort, no waiting beyond what the `ip` calls themselves take.
 */
export function tearDownNamespacesSync(names: readonly string[]): void {
  const present = names.filter((n) => existsSync(`${NETNS_RUN_DIR}/${n}`));
  if (present.length === 0) return;
  for (const ns of present) {
    const r = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', timeout: STEP_TIMEOUT_MS });
    for (const pid of parsePids(r.stdout ?? '')) killQuietly(pid);
  }
  spawnSync('ip', ['-force', '-batch', '-'], {
    input: present.map((n) => `netns del ${n}\n`).join(''),
    timeout: STEP_TIMEOUT_MS,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
}

function parsePids(text: string): number[] {
  return text
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number)
    .filter((pid) => pid !== process.pid);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
