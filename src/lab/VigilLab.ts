import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { VigilError } from '../core/VigilError.js';
import { parseDirectorLogLine, PINO_LEVEL_WARN } from './DirectorLogLine.js';
import { InstanceStateBoard, type MasterOverlap } from './InstanceStateBoard.js';
import { LabDirector } from './LabDirector.js';
import { CLIENT_PROBE_SCRIPT, parseProbeRound, REAL_SERVER_SCRIPT, type ProbeRound } from './LabHostScripts.js';
import {
  LAB_ADVERT_INTERVAL_MS,
  LAB_DIRECTORS,
  LAB_INSTANCES,
  LAB_REAL_SERVERS,
  labTopologySpec,
  type LabDirectorName,
} from './LabPlan.js';
import { formatElapsed, formatStatusLine, formatTransitionLine } from './LabView.js';
import { runCommand, Topology, waitFor } from './netns/index.js';

export interface VigilLabOptions {
  /** The compiled CLI (`dist/src/cli/main.js`) the directors run. */
  vigilMain: string;
  /** config/lab.conf */
  configFile: string;
  /** Run the kill/restart scenario (default) or only show the live view. */
  failover: boolean;
  /** Upper bound on the whole run in ms; undefined = until interrupted (only without the scenario). */
  durationMs: number | undefined;
  /** Writes one line of output. */
  print: (line: string) => void;
  /** Aborted on Ctrl-C / SIGTERM: the lab stops and tears everything down. */
  signal: AbortSignal;
}

/** `ok` when the lab behaved; otherwise why not, with a stable code. */
export type LabOutcome = { ok: true; workDir: string } | { ok: false; error: VigilError; workDir: string | undefined };

const VIEW_INTERVAL_MS = 1_000;
const LISTEN_WAIT_MS = 10_000;
/** Both start as BACKUP; d1 waits its Master_Down_Interval (RFC 3768 §6.1: 3 × 1 s + skew) first. */
const ELECTION_WAIT_MS = 20_000;
const STABLE_MS = 3_000;
const FAILOVER_WAIT_MS = 15_000;
const AFTER_FAILOVER_MS = 3_000;
const PREEMPT_WAIT_MS = 20_000;
const AFTER_PREEMPT_MS = 2_000;
const STEP_POLL_MS = 100;

interface AddrJson {
  ifname?: string;
  addr_info?: { local?: string }[];
}

class LabInterrupted extends Error {}

/**
 * The namespace lab behind `vigil lab`: builds client, d1, d2, rs1, rs2 (see LabPlan), runs
 * an HTTP server on each real server, a probe on the client and Vigil on both directors,
 * prints a status line every second and each director's state changes as they are logged,
 * optionally runs kill -9 / restart of d1, and always tears everything down.
 */
export class VigilLab {
  private topology: Topology | undefined;
  private readonly directors = new Map<LabDirectorName, LabDirector>();
  private readonly board = new InstanceStateBoard(LAB_DIRECTORS, LAB_INSTANCES.map((i) => i.name));
  private probe: ProbeRound | undefined;
  private vipHolders = new Map<string, string[]>();
  private readonly startMs = Date.now();
  private deadlineMs = Number.POSITIVE_INFINITY;
  /** Directors the lab itself stopped; any other exit is a failure. */
  private readonly expectedDown = new Set<string>();
  /** A view refresh still running when the next tick comes is not doubled up. */
  private refreshing = false;
  /** Set once the first election is over; ending --no-failover after it is the normal way out. */
  private elected = false;

  constructor(private readonly opts: VigilLabOptions) {
    if (opts.durationMs !== undefined) this.deadlineMs = this.startMs + opts.durationMs;
  }

  async run(): Promise<LabOutcome> {
    this.printPreamble();
    const workDir = mkdtempSync(join(tmpdir(), 'vigil-lab-'));
    let outcome: LabOutcome;
    let view: NodeJS.Timeout | undefined;
    try {
      await this.build(workDir);
      view = setInterval(() => void this.refreshAndShow(), VIEW_INTERVAL_MS);
      if (this.opts.failover) await this.scenario();
      else await this.watchOnly();
      outcome = this.verdict(workDir);
    } catch (e) {
      const error =
        e instanceof LabInterrupted
          ? new VigilError('LAB_INTERRUPTED', 'interrupted before the scenario finished')
          : e instanceof VigilError
            ? e
            : new VigilError('LAB_FAILED', e instanceof Error ? e.message : String(e), {}, { cause: e });
      const normalEnd = !this.opts.failover && e instanceof LabInterrupted && this.elected;
      outcome = normalEnd ? this.verdict(workDir) : { ok: false, error, workDir };
    } finally {
      clearInterval(view);
    }
    await this.tearDown();
    // The directors' logs are worth keeping only when something went wrong.
    if (outcome.ok || outcome.error.code === 'LAB_INTERRUPTED') {
      rmSync(workDir, { recursive: true, force: true });
      this.say('lab removed: namespaces deleted, every lab process stopped');
    } else {
      this.say(`lab removed; the directors' JSON logs are kept in ${workDir}`);
    }
    return outcome;
  }

  /** Exit-handler path for a second Ctrl-C: SIGKILL everything, delete the namespaces, no waiting. */
  forceCleanup(): void {
    this.topology?.cleanupSync();
  }

  private printPreamble(): void {
    const ipvsHere = existsSync('/proc/net/ip_vs');
    const p = this.opts.print;
    p('vigil lab: client 203.0.113.10 --[front 203.0.113.0/24]-- d1, d2 --[back 198.51.100.0/24]-- rs1 .11, rs2 .12');
    p(`  directors run Vigil from ${this.opts.configFile} (d1 priority 150, d2 100; sync group LAB of FRONT and BACK)`);
    p('Not available yet, said plainly:');
    p(
      ipvsHere
        ? '  - IPVS: this kernel has IPVS, but the Vigil daemon does not start its health checkers or program IPVS yet.'
        : '  - IPVS: this host kernel has no IPVS (/proc/net/ip_vs is missing), and the Vigil daemon does not start its health checkers or program IPVS yet.',
    );
    p('    So the virtual_server 203.0.113.100:80 is not served: nothing answers on the VIP. The client reaches rs1 and rs2');
    p('    only directly, on their own addresses, routed through whichever director holds the front VIP 203.0.113.100');
    p('    (the real servers answer through the back VIP 198.51.100.1). What is real: VRRP, the VIPs, gratuitous ARP, failover.');
  }

  private async build(workDir: string): Promise<void> {
    this.say('building the namespaces (client, d1, d2, rs1, rs2 on two bridges)');
    this.topology = await Topology.create(labTopologySpec(), { cleanupOnSignals: false });
    const topo = this.topology;
    this.checkInterrupted();
    const node = process.execPath;
    const servers = LAB_REAL_SERVERS.map((rs) =>
      topo.spawn(rs.name, [node, '-e', REAL_SERVER_SCRIPT, rs.name, rs.address, String(rs.port), 'vigil-lab-rs']),
    );
    await Promise.all(servers.map((s) => s.waitForOutput(/listening on/, { timeoutMs: LISTEN_WAIT_MS })));
    this.say(`real servers answer HTTP: ${LAB_REAL_SERVERS.map((r) => `${r.name} on ${r.address}:${r.port}`).join(', ')}`);

    const targets = LAB_REAL_SERVERS.map((rs) => ({ name: rs.name, url: `http://${rs.address}:${rs.port}/` }));
    const probe = topo.spawn('client', [node, '-e', CLIENT_PROBE_SCRIPT, JSON.stringify(targets), String(VIEW_INTERVAL_MS), 'vigil-lab-probe']);
    if (probe.child.stdout !== null) {
      createInterface({ input: probe.child.stdout, crlfDelay: Infinity }).on('line', (line) => {
        this.probe = parseProbeRound(line) ?? this.probe;
      });
    }

    for (const name of LAB_DIRECTORS) {
      const argv = [
        node,
        this.opts.vigilMain,
        '-n',
        '-P',
        '-i',
        name,
        '-f',
        this.opts.configFile,
        '-p',
        join(workDir, `${name}.pid`),
        '-r',
        join(workDir, `${name}-vrrp.pid`),
      ];
      const director = new LabDirector(topo, { name, argv, logFile: join(workDir, `${name}.jsonl`), onLine: (d, l) => this.onDirectorLine(d, l) });
      this.directors.set(name, director);
    }
    for (const d of this.directors.values()) this.startDirector(d);
    this.say(`started Vigil on d1 and d2: ${this.opts.vigilMain} -n -P -i dN -f ${this.opts.configFile}`);
  }

  private startDirector(d: LabDirector): void {
    this.expectedDown.delete(d.name);
    this.board.markStarted(d.name);
    d.start();
  }

  private onDirectorLine(director: string, line: string): void {
    const e = parseDirectorLogLine(line);
    if (e === undefined) {
      if (line.trim() !== '') this.opts.print(`${formatElapsed(this.elapsed())} ${director} (raw): ${line}`);
      return;
    }
    if (e.kind === 'transition') {
      this.board.recordTransition(director, e.instance, e.to, e.timeMs);
      this.opts.print(formatTransitionLine(this.elapsed(), director, e));
    } else if (e.level >= PINO_LEVEL_WARN) {
      this.opts.print(`${formatElapsed(this.elapsed())} ${director}: ${e.msg}`);
    }
  }

  private async scenario(): Promise<void> {
    const d1 = this.director('d1');
    this.say('waiting for the first election: both start as BACKUP, d1 (150) should win');
    await this.until('d1 to become MASTER of FRONT and BACK with both VIPs', ELECTION_WAIT_MS, () => this.soleMasterWithVips('d1'));
    this.say('d1 is MASTER of FRONT and BACK and holds both VIPs; d2 is BACKUP');
    await this.pause(STABLE_MS);
    if (!(await this.soleMasterWithVips('d1'))) throw this.failure('d1 did not stay the only MASTER');

    this.say('kill -9 of Vigil on d1 (no goodbye advert: d2 must notice the silence after its Master_Down_Interval, about 3.6 s)');
    const killedAt = Date.now();
    this.expectedDown.add('d1');
    await d1.crash();
    this.board.markDown('d1', killedAt);
    this.say("only Vigil died, not the machine: d1's kernel keeps the VIPs it had and keeps forwarding until d2 takes over and its gratuitous ARPs move the neighbours");
    await this.until('d2 to take FRONT and BACK with both VIPs', FAILOVER_WAIT_MS, () => this.soleMasterWithVips('d2'));
    this.say(
      `FAILOVER seen: d2 is MASTER of FRONT and BACK and holds both VIPs, ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill (the sync group moved them together)`,
    );
    await this.pause(AFTER_FAILOVER_MS);

    this.say('restarting Vigil on d1 (priority 150 > 100, preempt is on: d1 should take over again)');
    const restartedAt = Date.now();
    this.startDirector(d1);
    await this.until('d1 to preempt d2 on FRONT and BACK', PREEMPT_WAIT_MS, () => this.soleMasterWithVips('d1'));
    this.say(
      `PREEMPTION seen: d1 is MASTER of FRONT and BACK again and holds both VIPs, d2 is BACKUP, ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the restart`,
    );
    await this.pause(AFTER_PREEMPT_MS);
  }

  private async watchOnly(): Promise<void> {
    this.say('waiting for the first election (no scenario: --no-failover; Ctrl-C ends the lab)');
    await this.until('a single MASTER of FRONT and BACK', ELECTION_WAIT_MS, async () => (await this.soleMasterWithVips('d1')) || (await this.soleMasterWithVips('d2')));
    this.elected = true;
    this.say(`${this.board.mastersOf('FRONT').join('')} is MASTER of FRONT and BACK and holds both VIPs`);
    await this.pause(this.deadlineMs - Date.now());
  }

  private verdict(workDir: string): LabOutcome {
    const overlaps = this.board.overlaps(Date.now());
    const worst = overlaps.reduce<MasterOverlap | undefined>((m, o) => (m === undefined || o.durationMs > m.durationMs ? o : m), undefined);
    // A preemption hands over within one advert: the new master's first advert is what makes
    // the old one step down (RFC 3768 §6.4.3). Longer than that is a split brain.
    if (worst !== undefined && worst.durationMs > LAB_ADVERT_INTERVAL_MS) {
      return {
        ok: false,
        workDir,
        error: new VigilError(
          'LAB_TWO_MASTERS',
          `two masters at once: ${worst.directors.join(' and ')} were both MASTER of ${worst.instance} for ${worst.durationMs} ms (more than one advert interval)`,
          { overlaps },
        ),
      };
    }
    const handover = worst !== undefined ? ` (longest handover overlap ${worst.durationMs} ms, under one advert interval)` : '';
    this.say(`one master at a time: yes${handover}`);
    return { ok: true, workDir };
  }

  /** True when `d` alone is MASTER of both instances (others BACKUP) and alone, among running directors, carries both VIPs. */
  private async soleMasterWithVips(d: LabDirectorName): Promise<boolean> {
    const running = LAB_DIRECTORS.filter((x) => !this.expectedDown.has(x));
    const others = running.filter((x) => x !== d);
    const statesOk = LAB_INSTANCES.every(
      (i) => this.board.state(d, i.name) === 'MASTER' && others.every((o) => this.board.state(o, i.name) === 'BACKUP'),
    );
    if (!statesOk) return false;
    await this.refreshVipHolders();
    return LAB_INSTANCES.every((i) => {
      const live = (this.vipHolders.get(i.vip) ?? []).filter((h) => running.includes(h as LabDirectorName));
      return live.length === 1 && live[0] === d;
    });
  }

  private checkDirectorsAlive(): void {
    for (const d of this.directors.values()) {
      const exit = d.exitStatus;
      if (exit !== undefined && !this.expectedDown.has(d.name)) {
        throw this.failure(`Vigil on ${d.name} exited by itself (${exit.code !== null ? `exit ${exit.code}` : `signal ${exit.signal ?? '?'}`})`);
      }
    }
  }

  private async refreshVipHolders(): Promise<void> {
    const topo = this.topology;
    if (topo === undefined || topo.destroyed) return;
    const holders = new Map<string, string[]>();
    await Promise.all(
      LAB_DIRECTORS.map(async (d) => {
        const r = await runCommand(['ip', '-n', topo.namespaceOf(d), '-j', 'addr', 'show'], { timeoutMs: 5_000 });
        if (r.code !== 0) return;
        const links = JSON.parse(r.stdout) as AddrJson[];
        for (const l of links) {
          for (const a of l.addr_info ?? []) {
            const inst = LAB_INSTANCES.find((i) => i.vip === a.local && i.ifname === l.ifname);
            if (inst !== undefined) holders.set(inst.vip, [...(holders.get(inst.vip) ?? []), d]);
          }
        }
      }),
    );
    this.vipHolders = holders;
  }

  private async refreshAndShow(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      await this.refreshVipHolders();
      this.opts.print(
        formatStatusLine({
          elapsedMs: this.elapsed(),
          instances: LAB_INSTANCES.map((i) => ({
            name: i.name,
            vip: i.vip,
            states: LAB_DIRECTORS.map((d) => ({ director: d, state: this.board.state(d, i.name) })),
          })),
          vipHolders: this.vipHolders,
          probe: this.probe,
          realServers: LAB_REAL_SERVERS,
        }),
      );
    } catch {
      // the view is best effort; the scenario's own checks decide the outcome
    } finally {
      this.refreshing = false;
    }
  }

  /** A bounded wait on `probe`, also bounded by --duration and ended early by an interrupt. */
  private async until(what: string, boundMs: number, probe: () => Promise<boolean>): Promise<void> {
    const left = this.deadlineMs - Date.now();
    const timeoutMs = Math.max(0, Math.min(boundMs, left));
    let failure: VigilError | undefined;
    const outcome = await waitFor(
      async () => {
        if (this.opts.signal.aborted) return 'interrupted';
        try {
          this.checkDirectorsAlive();
        } catch (e) {
          failure = e instanceof VigilError ? e : this.failure(String(e));
          return 'failed';
        }
        return (await probe()) ? 'done' : false;
      },
      { timeoutMs, intervalMs: STEP_POLL_MS, description: what },
    ).catch((e: unknown) => {
      if (e instanceof VigilError && e.code === 'HARNESS_WAIT_TIMEOUT') {
        const why = left < boundMs ? `the --duration bound ran out` : `not within ${boundMs / 1000} s`;
        const last = e.cause instanceof Error ? ` (${e.cause.message})` : '';
        throw this.failure(`waited for ${what}: ${why}${last}`);
      }
      throw e;
    });
    if (outcome === 'interrupted') throw new LabInterrupted();
    if (failure !== undefined) throw failure;
  }

  private async pause(ms: number): Promise<void> {
    if (ms <= 0) return;
    try {
      await sleep(Math.min(ms, 2 ** 31 - 1), undefined, { signal: this.opts.signal });
    } catch {
      throw new LabInterrupted();
    }
  }

  private checkInterrupted(): void {
    if (this.opts.signal.aborted) throw new LabInterrupted();
  }

  private async tearDown(): Promise<void> {
    this.say('stopping: SIGTERM to both directors (they give up their VIPs), then removing the lab');
    for (const d of this.directors.values()) this.expectedDown.add(d.name);
    await Promise.all([...this.directors.values()].map((d) => d.stop().catch(() => undefined)));
    for (const d of LAB_DIRECTORS) this.board.markDown(d, Date.now());
    try {
      await this.topology?.destroy();
    } catch (e) {
      this.say(`teardown problem: ${e instanceof Error ? e.message : String(e)}; the exit handler will retry`);
    }
    await Promise.all([...this.directors.values()].map((d) => d.close()));
  }

  private director(name: LabDirectorName): LabDirector {
    const d = this.directors.get(name);
    if (d === undefined) throw new VigilError('LAB_FAILED', `no director ${name}`);
    return d;
  }

  private failure(message: string): VigilError {
    return new VigilError('LAB_SCENARIO_FAILED', message);
  }

  private elapsed(): number {
    return Date.now() - this.startMs;
  }

  private say(text: string): void {
    this.opts.print(`${formatElapsed(this.elapsed())} >>> ${text}`);
  }
}
