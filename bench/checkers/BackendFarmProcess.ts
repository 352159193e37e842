/**
 * Starts and stops BackendFarm.ts in a child process (so its CPU is not the checker's) and
 * learns over IPC which loopback ports it bound.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CheckerLoadKind } from './CheckerLoadConfig.js';

export interface BackendFarm {
  readonly child: ChildProcess;
  readonly ports: readonly number[];
}

export async function startBackendFarm(mode: CheckerLoadKind, count: number, basePort = 20_000): Promise<BackendFarm> {
  const child = fork(fileURLToPath(new URL('./BackendFarm.js', import.meta.url)), [mode, String(count), String(basePort)], { stdio: 'inherit' });
  const ports = await new Promise<number[]>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { ports: number[] }).ports));
    child.once('exit', () => reject(new Error('backend farm exited')));
  });
  return { child, ports };
}

export async function stopBackendFarm(farm: BackendFarm): Promise<void> {
  if (farm.child.exitCode !== null || farm.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => farm.child.once('exit', () => resolve()));
  farm.child.send('stop');
  await exited;
}
