/**
 * A busy checker side as a function, for benches that measure something else next to it:
 * a BackendFarm of loopback listeners and a CheckerLoadProcess probing them (TCP_CHECK,
 * delay_loop 1), each in its own process, on the host. `stop()` reports what the checker
 * did and the CPU both processes used (from /proc/<pid>/stat) over the measured window.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startBackendFarm, stopBackendFarm, type BackendFarm } from './BackendFarmProcess.js';
import type { CheckerLoadCommand, CheckerLoadReply, CheckerLoadWindow } from './CheckerLoadMessages.js';
import { cpuPercentOfOneCore, readProcessCpu, type ProcessCpuTicks } from './ProcessCpuTime.js';

export interface CheckerLoadOptions {
  /** Real servers, one TCP_CHECK and one backend each (default 10,000). */
  readonly servers?: number;
  /** Real servers per virtual server (default 100). */
  readonly perVirtualServer?: number;
  /** Wait after start before the measured window opens: the engine spreads its first probes over one delay_loop. */
  readonly settleMs?: number;
}

export interface CheckerLoadReport {
  readonly windowMs: number;
  readonly servers: number;
  readonly checker: CheckerLoadWindow;
  /** Percent of one core; undefined when /proc could not be read. */
  readonly checkerCpuPercent: number | undefined;
  readonly farmCpuPercent: number | undefined;
}

export interface CheckerLoad {
  readonly checkerPid: number;
  readonly farmPid: number;
  stop(): Promise<CheckerLoadReport>;
}

function nextReply(child: ChildProcess): Promise<CheckerLoadReply> {
  return new Promise((resolve, reject) => {
    const onExit = (): void => reject(new Error('checker load process exited'));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.off('exit', onExit);
      resolve(m as CheckerLoadReply);
    });
  });
}

function send(child: ChildProcess, cmd: CheckerLoadCommand): void {
  child.send(cmd);
}

export async function startCheckerLoad(options: CheckerLoadOptions = {}): Promise<CheckerLoad> {
  const servers = options.servers ?? 10_000;
  const perVs = options.perVirtualServer ?? 100;
  const farm: BackendFarm = await startBackendFarm('tcp', servers);
  const child = fork(fileURLToPath(new URL('./CheckerLoadProcess.js', import.meta.url)), [], { stdio: 'inherit' });
  try {
    const started = nextReply(child);
    send(child, { kind: 'start', ports: farm.ports, vsCount: Math.ceil(servers / perVs), rsPerVs: perVs });
    const r = await started;
    if (r.kind !== 'started') throw new Error(`checker load did not start: ${r.kind === 'failed' ? r.message : r.kind}`);
  } catch (e) {
    child.kill('SIGKILL');
    await stopBackendFarm(farm);
    throw e;
  }
  await new Promise((r) => setTimeout(r, options.settleMs ?? 3_000));
  send(child, { kind: 'reset' });
  const checkerPid = child.pid ?? -1;
  const farmPid = farm.child.pid ?? -1;
  const cpu0: [ProcessCpuTicks | undefined, ProcessCpuTicks | undefined] = [readProcessCpu(checkerPid), readProcessCpu(farmPid)];
  const t0 = performance.now();

  return {
    checkerPid,
    farmPid,
    async stop(): Promise<CheckerLoadReport> {
      // Read CPU before asking it to stop, so engine shutdown is not in the window.
      const windowMs = performance.now() - t0;
      const cpu1 = [readProcessCpu(checkerPid), readProcessCpu(farmPid)] as const;
      const percent = (a: ProcessCpuTicks | undefined, b: ProcessCpuTicks | undefined): number | undefined =>
        a === undefined || b === undefined ? undefined : cpuPercentOfOneCore(a, b, windowMs);
      const stopped = nextReply(child);
      send(child, { kind: 'stop' });
      const r = await stopped.finally(() => stopBackendFarm(farm));
      if (r.kind !== 'stopped') throw new Error(`checker load: unexpected reply ${r.kind}`);
      return {
        windowMs,
        servers,
        checker: r.window,
        checkerCpuPercent: percent(cpu0[0], cpu1[0]),
        farmCpuPercent: percent(cpu0[1], cpu1[1]),
      };
    },
  };
}
