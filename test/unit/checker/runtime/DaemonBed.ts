import type { CheckerSnapshot } from '../../../../src/checker/CheckerOutput.js';
import type { ProbeOutcome } from '../../../../src/checker/probe/ProbeOutcome.js';
import { CheckerDaemon } from '../../../../src/checker/runtime/CheckerDaemon.js';
import type { CheckerResultEvent } from '../../../../src/checker/runtime/CheckerMetricsSink.js';
import type { HostAddressChange, HostAddressSource, HostAddressSourceOpener } from '../../../../src/checker/runtime/VirtualAddressPresence.js';
import type { ScriptJob } from '../../../../src/checker/script/OrderedScriptQueue.js';
import { VirtualTime } from '../../../../src/checker/time/VirtualTime.js';
import type { VigilConfig } from '../../../../src/config/model/VigilConfig.js';
import { ipvsServiceKey } from '../../../../src/ipvs/IpvsKey.js';
import type { IpvsTable } from '../../../../src/ipvs/IpvsModel.js';
import type { IpvsSyncPass } from '../../../../src/ipvs/IpvsSync.js';
import { FakeIpvsKernel } from '../../../../src/ipvs/testing/FakeIpvsKernel.js';
import { fakeIpvsTransport } from '../../../../src/ipvs/testing/FakeIpvsTransport.js';
import type { NetlinkTransportOpener } from '../../../../src/ipvs/GenericNetlinkSocketTransport.js';
import { ManualTimers } from '../../ipvs/support/ManualTimers.js';
import { ScriptedRunner, testUsers, trustingInspector } from '../support/EngineHarness.js';

export const FAIL: ProbeOutcome = { ok: false, reason: 'connect-refused', detail: 'refused', exitCode: null };

/** Everything the daemon logs, as "level message". */
export class DaemonLog {
  readonly lines: string[] = [];
  debug(_f: Readonly<Record<string, unknown>>, m: string): void {
    this.lines.push(`debug ${m}`);
  }
  info(_f: Readonly<Record<string, unknown>>, m: string): void {
    this.lines.push(`info ${m}`);
  }
  warn(_f: Readonly<Record<string, unknown>>, m: string): void {
    this.lines.push(`warn ${m}`);
  }
  error(_f: Readonly<Record<string, unknown>>, m: string): void {
    this.lines.push(`error ${m}`);
  }
  matching(re: RegExp): string[] {
    return this.lines.filter((l) => re.test(l));
  }
}

/** The host's addresses, changed by the test. */
export class FakeAddresses implements HostAddressSource {
  private readonly present: string[] = [];
  private readonly listeners = new Set<(change: HostAddressChange) => void>();
  stopped = false;
  opened = 0;
  readonly open: HostAddressSourceOpener = () => {
    this.opened++;
    this.stopped = false;
    return Promise.resolve(this);
  };
  addresses(): { address: string }[] {
    return this.present.map((address) => ({ address }));
  }
  onChange(listener: (change: HostAddressChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  stop(): void {
    this.stopped = true;
  }
  add(address: string): void {
    this.present.push(address);
    for (const l of this.listeners) l({ kind: 'added', address: { address } });
  }
  remove(address: string): void {
    const i = this.present.indexOf(address);
    if (i >= 0) this.present.splice(i, 1);
    for (const l of this.listeners) l({ kind: 'removed', address: { address } });
  }
}

/** Services and dests of a table as sorted `service>address|port|wWEIGHT` keys. */
export function tableKeys(table: IpvsTable): string[] {
  return table.flatMap((e) => [ipvsServiceKey(e.service), ...e.dests.map((d) => `${ipvsServiceKey(e.service)}>${d.address}|${d.port}|w${d.weight}`)]).sort();
}

export interface BedOptions {
  readonly kernel?: FakeIpvsKernel;
  readonly ipvsRegistered?: boolean;
  readonly carryOver?: CheckerSnapshot | null;
  readonly dontReleaseIpvs?: boolean;
  /** Path of the IPVS ownership record (kept across beds sharing a kernel, as across restarts). */
  readonly ipvsOwnershipRecord?: string;
  readonly addresses?: FakeAddresses;
  readonly probeWaitMs?: number;
  /** Replaces the fake kernel's socket opener (a kernel whose IPVS appears later). */
  readonly ipvsOpen?: NetlinkTransportOpener;
}

export interface DaemonBed {
  readonly daemon: CheckerDaemon;
  readonly kernel: FakeIpvsKernel;
  readonly time: VirtualTime;
  readonly runner: ScriptedRunner;
  readonly log: DaemonLog;
  /** Notify scripts run, as "argv". */
  readonly scripts: string[];
  readonly results: CheckerResultEvent[];
  readonly passes: IpvsSyncPass[];
  readonly timers: ManualTimers;
  /** Advances virtual time (probes run and settle at each wake-up), then lets IPVS catch up. */
  advanceTo(ms: number): Promise<void>;
  /** Lets queued IPVS passes reach the fake kernel (bounded). */
  settle(): Promise<void>;
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function settleRounds(rounds = 40): Promise<void> {
  for (let i = 0; i < rounds; i++) await flush();
}

export async function startBed(config: VigilConfig, options: BedOptions = {}): Promise<DaemonBed> {
  const kernel = options.kernel ?? new FakeIpvsKernel();
  const time = new VirtualTime(0);
  const runner = new ScriptedRunner(time);
  const log = new DaemonLog();
  const scripts: string[] = [];
  const results: CheckerResultEvent[] = [];
  const passes: IpvsSyncPass[] = [];
  const timers = new ManualTimers();
  const daemon = await CheckerDaemon.start({
    config,
    log,
    dontReleaseIpvs: options.dontReleaseIpvs ?? false,
    ...(options.ipvsOwnershipRecord !== undefined && { ipvsOwnershipRecord: options.ipvsOwnershipRecord }),
    carryOver: options.carryOver ?? null,
    metrics: { checkerResult: (r) => results.push(r), ipvsPass: (p) => passes.push(p) },
    ipvsClient: { open: options.ipvsOpen ?? fakeIpvsTransport(kernel, { ipvsRegistered: options.ipvsRegistered ?? true }).open },
    engineOptions: {
      clock: time,
      wakeup: time,
      runner,
      random: () => 0,
      users: testUsers,
      scriptInspector: trustingInspector,
      scriptRunner: (job: ScriptJob) => {
        scripts.push(job.argv.join(' '));
        return Promise.resolve({ kind: 'exited', code: 0, output: '', durationMs: 1 });
      },
      probeFdBudget: 1000,
    },
    timers,
    driftRepairIntervalMs: 0,
    ...(options.addresses !== undefined && { addressSource: options.addresses.open }),
    ...(options.probeWaitMs !== undefined && { probeWaitMs: options.probeWaitMs }),
  });
  const settle = (): Promise<void> => settleRounds();
  const advanceTo = async (ms: number): Promise<void> => {
    await flush();
    for (let guard = 0; guard < 100_000; guard++) {
      const next = time.nextWakeup();
      if (next === null || next > ms) break;
      time.advanceTo(next);
      await flush();
    }
    time.advanceTo(ms);
    await settle();
  };
  await settle();
  return { daemon, kernel, time, runner, log, scripts, results, passes, timers, advanceTo, settle };
}
