import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { VigilError } from '../core/VigilError.js';
import { parseDirectorLogLine, PINO_LEVEL_WARN } from './DirectorLogLine.js';
import type { DirectorStatusView } from './DirectorStatusView.js';
import { InstanceStateBoard, type MasterOverlap } from './InstanceStateBoard.js';
import { probeIpvsKernel, type IpvsKernelSupport } from './IpvsKernelProbe.js';
import { LabDirector } from './LabDirector.js';
import { CLIENT_PROBE_SCRIPT, parseProbeRound, type ClientLoopResult, type ProbeRound } from './LabHostScripts.js';
import { LAB_KEYS_HELP, type LabKeyAction } from './LabKeys.js';
import {
  LAB_ADVERT_INTERVAL_MS,
  LAB_DIRECTORS,
  LAB_FRONT_VIP,
  LAB_INSTANCES,
  LAB_REAL_SERVERS,
  labTopologySpec,
  type LabDirectorName,
  type LabRealServer,
} from './LabPlan.js';
import { formatElapsed, formatStatusLine, formatTransitionLine, realServerVerdictText } from './LabView.js';
import { formatClientLoop, ipvsDestinations, LAB_VIRTUAL_SERVICE_URL, listIpvs, runClientLoop } from './LvsPathProbe.js';
import { runCommand, Topology, waitFor } from './netns/index.js';
import { RealServerProcess } from './RealServerProcess.js';

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
  /**
   * Every wait of the scenario is this many times longer (default 1). Inside the kernel VM
   * (`vigil lab --vm`) programs run 5-45x slower than on the host.
   */
  timeScale?: number;
  /** Set when the lab runs inside the kernel VM: the preamble says so. */
  insideKernelVm?: boolean;
  /**
   * Where the directors' JSON logs go (a fresh directory below it; default the system's temp
   * directory). Their pid files and control sockets always stay below the system's temp
   * directory: inside the kernel VM the logs go to the host-shared working directory, a 9p
   * mount, on which a unix socket cannot be bound (ENXIO).
   */
  logParent?: string;
  /** Keys pressed in the live view (watch mode on a terminal); returns an unsubscribe function. */
  keys?: (listener: (action: LabKeyAction) => void) => () => void;
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
/** Both directors' control sockets answer once their daemons are up. */
const STATUS_WAIT_MS = 15_000;
const STATUS_TIMEOUT_MS = 3_000;
/**
 * config/lab.conf's HTTP_GET: delay_loop 2, connect_timeout 2, retry 1, delay_before_retry 1;
 * a stopped server is down after two refused checks (about 3 s), a restarted one up after
 * the next check. Generous bounds for a loaded machine.
 */
const CHECK_VERDICT_WAIT_MS = 20_000;
/** The IPVS side applies a checker verdict at once; the first table appears after the first checks. */
const IPVS_TABLE_WAIT_MS = 20_000;
const CLIENT_REQUEST_TIMEOUT_MS = 2_000;
const CLIENT_LOOP_WAIT_MS = 15_000;
const IPVS_LIST_TIMEOUT_MS = 10_000;

const LAB_VIRTUAL_SERVICE = `${LAB_FRONT_VIP}:80`;
/** The name of the virtual service in the client probe's answers. */
const VIP_PROBE_NAME = 'vip';

interface AddrJson {
  ifname?: string;
  addr_info?: { local?: string }[];
}

class LabInterrupted extends Error {}

/**
 * The namespace lab behind `vigil lab`: builds client, d1, d2, rs1, rs2 (see LabPlan), runs
 * an HTTP server on each real server, a probe on the client and Vigil on both directors,
 * prints a status line every second (VRRP states from the logs, the directors' health
 * verdicts from their control sockets) and each director's state changes as they are
 * logged, runs the scenario (stop/start a real server, the LVS path where the kernel has
 * IPVS, kill -9 / restart of d1) or lets the user press keys, and always tears down.
 */
export class VigilLab {
  private topology: Topology | undefined;
  private readonly directors = new Map<LabDirectorName, LabDirector>();
  private readonly realServers = new Map<string, RealServerProcess>();
  private readonly board = new InstanceStateBoard(LAB_DIRECTORS, LAB_INSTANCES.map((i) => i.name));
  private probe: ProbeRound | undefined;
  private vipHolders = new Map<string, string[]>();
  private directorViews = new Map<string, DirectorStatusView | undefined>();
  private ipvsKernel: IpvsKernelSupport = { ok: false, reason: 'not probed yet' };
  private readonly startMs = Date.now();
  private deadlineMs = Number.POSITIVE_INFINITY;
  private readonly timeScale: number;
  /** Directors the lab itself stopped; any other exit is a failure. */
  private readonly expectedDown = new Set<string>();
  /** A view refresh still running when the next tick comes is not doubled up. */
  private refreshing = false;
  /** Set once the first election is over; ending --no-failover after it is the normal way out. */
  private elected = false;
  /** Key actions run one after the other. */
  private keyQueue: Promise<void> = Promise.resolve();

  constructor(private readonly opts: VigilLabOptions) {
    if (opts.durationMs !== undefined) this.deadlineMs = this.startMs + opts.durationMs;
    this.timeScale = Math.max(1, opts.timeScale ?? 1);
  }

  async run(): Promise<LabOutcome> {
    await this.printPreamble();
    const workDir = mkdtempSync(join(this.opts.logParent ?? tmpdir(), 'vigil-lab-'));
    const runParent = mkdtempSync(join(tmpdir(), 'vigil-lab-run-'));
    let outcome: LabOutcome;
    let view: NodeJS.Timeout | undefined;
    let unsubscribeKeys: (() => void) | undefined;
    try {
      await this.build(workDir, runParent);
      view = setInterval(() => void this.refreshAndShow(), VIEW_INTERVAL_MS);
      if (this.opts.failover) await this.scenario();
      else {
        unsubscribeKeys = this.opts.keys?.((a) => this.queueKey(a));
        await this.watchOnly();
      }
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
      unsubscribeKeys?.();
    }
    await this.keyQueue;
    await this.tearDown();
    rmSync(runParent, { recursive: true, force: true });
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

  private async printPreamble(): Promise<void> {
    const p = this.opts.print;
    p('vigil lab: client 203.0.113.10 --[front 203.0.113.0/24]-- d1, d2 --[back 198.51.100.0/24]-- rs1 .11, rs2 .12');
    p(`  directors run Vigil from ${this.opts.configFile} (d1 priority 150, d2 100; sync group LAB of FRONT and BACK)`);
    p(`  virtual_server ${LAB_VIRTUAL_SERVICE} (rr, NAT) over rs1 and rs2, each health-checked with HTTP_GET / by both directors`);
    if (this.opts.insideKernelVm) {
      const uname = await runCommand(['uname', '-r'], { timeoutMs: 10_000 }).catch(() => undefined);
      p(
        `  running inside the kernel VM (Linux ${uname?.stdout.trim() || '?'} under qemu): programs run several times slower here, so every wait is ${this.timeScale}x longer`,
      );
    }
  }

  private async build(workDir: string, runParent: string): Promise<void> {
    this.say('building the namespaces (client, d1, d2, rs1, rs2 on two bridges)');
    this.topology = await Topology.create(labTopologySpec(), { cleanupOnSignals: false });
    const topo = this.topology;
    this.checkInterrupted();

    this.ipvsKernel = await probeIpvsKernel(topo, 'd1');
    if (this.ipvsKernel.ok) {
      this.say(`this kernel has IPVS: the directors program the virtual server ${LAB_VIRTUAL_SERVICE} and the client GETs ${LAB_VIRTUAL_SERVICE_URL}`);
    } else {
      // Said once, plainly: what is missing, why, and where to see it instead.
      this.say(
        `this kernel has no IPVS (${this.ipvsKernel.reason}): the virtual server is health-checked but not programmed; run 'vigil lab --vm' to see the LVS path inside a Debian kernel under qemu`,
      );
      this.say(
        `    so nothing answers on ${LAB_VIRTUAL_SERVICE}; the client reaches rs1 and rs2 directly, routed through whichever director holds the front VIP ${LAB_FRONT_VIP}`,
      );
    }

    for (const rs of LAB_REAL_SERVERS) this.realServers.set(rs.name, new RealServerProcess(topo, rs, this.ms(LISTEN_WAIT_MS)));
    await Promise.all([...this.realServers.values()].map((s) => s.start()));
    this.say(`real servers answer HTTP: ${LAB_REAL_SERVERS.map((r) => `${r.name} on ${r.address}:${r.port}`).join(', ')}`);

    const node = process.execPath;
    const targets: { name: string; url: string }[] = LAB_REAL_SERVERS.map((rs) => ({ name: rs.name, url: `http://${rs.address}:${rs.port}/` }));
    // In watch mode the live view is the only place the LVS path shows; the scenario runs its
    // own client loops instead, whose round robin a second client would interleave.
    if (this.probesVirtualService()) targets.push({ name: VIP_PROBE_NAME, url: LAB_VIRTUAL_SERVICE_URL });
    const probe = topo.spawn('client', [node, '-e', CLIENT_PROBE_SCRIPT, JSON.stringify(targets), String(VIEW_INTERVAL_MS), 'vigil-lab-probe']);
    if (probe.child.stdout !== null) {
      createInterface({ input: probe.child.stdout, crlfDelay: Infinity }).on('line', (line) => {
        this.probe = parseProbeRound(line) ?? this.probe;
      });
    }

    for (const name of LAB_DIRECTORS) {
      // Each director has its own run directory: pid files and, beside them, its control socket.
      const runDir = join(runParent, name);
      mkdirSync(runDir, { mode: 0o700 });
      const argv = [
        node,
        this.opts.vigilMain,
        '-n',
        '-i',
        name,
        '-f',
        this.opts.configFile,
        '-p',
        join(runDir, 'vigil.pid'),
        '-r',
        join(runDir, 'vrrp.pid'),
        '-c',
        join(runDir, 'checkers.pid'),
      ];
      const director = new LabDirector(topo, {
        name,
        argv,
        logFile: join(workDir, `${name}.jsonl`),
        runDir,
        statusTimeoutMs: this.ms(STATUS_TIMEOUT_MS),
        onLine: (d, l) => this.onDirectorLine(d, l),
      });
      this.directors.set(name, director);
    }
    for (const d of this.directors.values()) this.startDirector(d);
    this.say(`started Vigil on d1 and d2: ${this.opts.vigilMain} -n -i dN -f ${this.opts.configFile}`);
  }

  private probesVirtualService(): boolean {
    return this.ipvsKernel.ok && !this.opts.failover;
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
    } else if (e.level >= PINO_LEVEL_WARN && !this.alreadySaid(e.msg)) {
      this.opts.print(`${formatElapsed(this.elapsed())} ${director}: ${e.msg}`);
    }
  }

  /**
   * A director warning the lab has already put in its own words: with no IPVS in the kernel
   * each daemon start warns about it, and the lab says it once (the line stays in the logs).
   */
  private alreadySaid(msg: string): boolean {
    return !this.ipvsKernel.ok && /^IPVS unavailable\b/.test(msg);
  }

  private async scenario(): Promise<void> {
    const d1 = this.director('d1');
    this.say('waiting for the first election: both start as BACKUP, d1 (150) should win');
    await this.until('d1 to become MASTER of FRONT and BACK with both VIPs', ELECTION_WAIT_MS, () => this.soleMasterWithVips('d1'));
    this.say('d1 is MASTER of FRONT and BACK and holds both VIPs; d2 is BACKUP');
    await this.pause(this.ms(STABLE_MS));
    if (!(await this.soleMasterWithVips('d1'))) throw this.failure('d1 did not stay the only MASTER');

    const lvs = await this.realServerScenario('d1');

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
    if (lvs) {
      const loop = await this.clientLoopUntil('every request answered through d2', (r) => r.answers.every((a) => a === 'rs1' || a === 'rs2'));
      this.say(`client still answered after the failover, now through d2: ${formatClientLoop(loop)}`);
      await this.showIpvs('d2');
    }
    await this.pause(this.ms(AFTER_FAILOVER_MS));

    this.say('restarting Vigil on d1 (priority 150 > 100, preempt is on: d1 should take over again)');
    const restartedAt = Date.now();
    this.startDirector(d1);
    await this.until('d1 to preempt d2 on FRONT and BACK', PREEMPT_WAIT_MS, () => this.soleMasterWithVips('d1'));
    this.say(
      `PREEMPTION seen: d1 is MASTER of FRONT and BACK again and holds both VIPs, d2 is BACKUP, ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the restart`,
    );
    await this.pause(this.ms(AFTER_PREEMPT_MS));
  }

  /**
   * Stops rs1's HTTP server and starts it again, with the directors' health verdicts (from
   * their control sockets) and, where the kernel has IPVS, `ipvsadm -Ln` on the master and
   * the client's loop over the virtual server. True when the LVS path was shown.
   */
  private async realServerScenario(master: LabDirectorName): Promise<boolean> {
    const rs1 = this.realServer('rs1');
    const checking = await this.directorsRunCheckers();
    if (checking) {
      await this.until('d1 and d2 to see rs1 and rs2 up', CHECK_VERDICT_WAIT_MS, () => this.allDirectorsSee(LAB_REAL_SERVERS, 'up'));
      this.say('d1 and d2 see rs1 and rs2 up (HTTP_GET / every 2 s; from their vigil status)');
    } else {
      this.say("the directors run no health checkers (their status.checkers is null): stopping rs1 is seen by the client's probe only");
    }
    // Without the directors' verdicts to wait for, a few probe rounds show the change instead.
    const probeRounds = this.ms(3 * VIEW_INTERVAL_MS);
    const lvs = await this.lvsPathReady(master, checking);
    if (lvs) {
      await this.showIpvs(master);
      const loop = await this.clientLoopUntil('rs1 and rs2 to both answer (rr)', (r) => r.answers.includes('rs1') && r.answers.includes('rs2'));
      this.say(`client: ${loop.answers.length} x GET ${LAB_VIRTUAL_SERVICE_URL} -> ${formatClientLoop(loop)} (round robin over rs1 and rs2)`);
    }

    this.say("stopping rs1's HTTP server (its namespace and address stay: health checks get 'connection refused')");
    const stoppedAt = Date.now();
    await rs1.stop();
    if (!checking) await this.pause(probeRounds);
    if (checking) {
      await this.until('d1 and d2 to mark rs1 down', CHECK_VERDICT_WAIT_MS, () => this.allDirectorsSee([rs1.server], 'down'));
      const reason = this.directorViews.get(master)?.realServers?.find((r) => r.address === rs1.server.address)?.reason;
      this.say(`REAL SERVER DOWN seen: d1 and d2 mark rs1 down${reason ? ` (${reason})` : ''}, ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s after the stop`);
      // Long enough for the live view to show both verdicts before anything moves on.
      await this.pause(this.ms(2 * VIEW_INTERVAL_MS));
    }
    if (lvs) {
      const rs1Dest = `${rs1.server.address}:${rs1.server.port}`;
      await this.until(`rs1 to leave ${master}'s IPVS table`, IPVS_TABLE_WAIT_MS, async () => !(await this.ipvsDests(master)).includes(rs1Dest));
      await this.showIpvs(master);
      const loop = await this.clientLoopUntil('only rs2 to answer', (r) => r.answers.every((a) => a === 'rs2'));
      this.say(`client: ${loop.answers.length} x GET ${LAB_VIRTUAL_SERVICE_URL} -> ${formatClientLoop(loop)} (only rs2: rs1 is out of the pool)`);
    }

    this.say("starting rs1's HTTP server again");
    const startedAt = Date.now();
    await rs1.start();
    if (!checking) await this.pause(probeRounds);
    if (checking) {
      await this.until('d1 and d2 to mark rs1 up again', CHECK_VERDICT_WAIT_MS, () => this.allDirectorsSee([rs1.server], 'up'));
      this.say(`REAL SERVER UP seen: d1 and d2 mark rs1 up again, ${((Date.now() - startedAt) / 1000).toFixed(1)} s after the start`);
      await this.pause(this.ms(2 * VIEW_INTERVAL_MS));
    }
    if (lvs) {
      await this.until(`rs1 to be back in ${master}'s IPVS table`, IPVS_TABLE_WAIT_MS, async () => (await this.ipvsDests(master)).length === LAB_REAL_SERVERS.length);
      this.say(`rs1 is back in ${master}'s IPVS table`);
    }
    return lvs;
  }

  /**
   * Whether the LVS path can be shown: the kernel has IPVS and the master's daemon programs
   * it (its status.ipvs is neither null nor "unavailable"). Says plainly why not, otherwise.
   * Then waits until the master's table lists both real servers.
   */
  private async lvsPathReady(master: LabDirectorName, checking: boolean): Promise<boolean> {
    if (!this.ipvsKernel.ok) return false;
    const ipvs = this.directorViews.get(master)?.ipvs;
    if (ipvs === undefined || ipvs.kind === 'absent') {
      this.say(`the directors do not program IPVS (${master}'s status.ipvs is null): no LVS path to show, although this kernel has IPVS`);
      return false;
    }
    if (ipvs.kind === 'unavailable') {
      this.say(`${master} cannot program IPVS (${ipvs.reason}): no LVS path to show`);
      return false;
    }
    if (!checking) {
      this.say('the directors program IPVS but run no health checkers: no LVS path to show');
      return false;
    }
    await this.until(`${master}'s IPVS table to list rs1 and rs2`, IPVS_TABLE_WAIT_MS, async () => (await this.ipvsDests(master)).length === LAB_REAL_SERVERS.length);
    return true;
  }

  private async showIpvs(director: LabDirectorName): Promise<void> {
    const topo = this.topology;
    if (topo === undefined) return;
    const listing = await listIpvs(topo, director, this.opts.vigilMain, this.ms(IPVS_LIST_TIMEOUT_MS));
    if (listing === undefined) {
      this.say(`cannot list ${director}'s IPVS table (neither ipvsadm -Ln nor vigil ipvs list ran)`);
      return;
    }
    const role = this.board.state(director, 'FRONT') === 'MASTER' ? 'the MASTER' : this.board.state(director, 'FRONT');
    this.say(`${listing.command} on ${director} (${role}):`);
    for (const line of listing.text.split('\n')) this.opts.print(`          | ${line.trimEnd()}`);
  }

  /** The real servers (`ADDRESS:PORT`) of the lab's virtual service in `director`'s IPVS table. */
  private async ipvsDests(director: LabDirectorName): Promise<string[]> {
    const topo = this.topology;
    if (topo === undefined) return [];
    const listing = await listIpvs(topo, director, this.opts.vigilMain, this.ms(IPVS_LIST_TIMEOUT_MS));
    return listing === undefined ? [] : ipvsDestinations(listing.text, LAB_FRONT_VIP, 80);
  }

  /** Runs the client loop until `ok` holds for one whole loop, bounded; the last loop is the answer. */
  private async clientLoopUntil(what: string, ok: (r: ClientLoopResult) => boolean): Promise<ClientLoopResult> {
    const topo = this.topology;
    if (topo === undefined) throw this.failure('no lab');
    let last: ClientLoopResult | undefined;
    await this.until(`the client loop: ${what}`, CLIENT_LOOP_WAIT_MS, async () => {
      last = await runClientLoop(topo, this.ms(CLIENT_REQUEST_TIMEOUT_MS));
      return ok(last);
    }).catch((e: unknown) => {
      if (e instanceof VigilError && last !== undefined) throw this.failure(`${e.message}; the last loop got: ${formatClientLoop(last)}`);
      throw e;
    });
    if (last === undefined) throw this.failure(`the client loop did not run (${what})`);
    return last;
  }

  /** Asks both directors for their status until both answer; true when one runs health checkers. */
  private async directorsRunCheckers(): Promise<boolean> {
    await this.until('both directors to answer on their control sockets', STATUS_WAIT_MS, async () => {
      await this.refreshDirectorViews();
      return LAB_DIRECTORS.every((d) => this.directorViews.get(d) !== undefined);
    });
    return LAB_DIRECTORS.some((d) => this.directorViews.get(d)?.realServers != null);
  }

  /** True when every running director's checkers judge every one of `servers` to be `verdict`. */
  private async allDirectorsSee(servers: readonly LabRealServer[], verdict: 'up' | 'down'): Promise<boolean> {
    await this.refreshDirectorViews();
    const running = LAB_DIRECTORS.filter((d) => !this.expectedDown.has(d));
    return running.every((d) => servers.every((rs) => realServerVerdictText(this.directorViews.get(d), rs.address) === verdict));
  }

  private async watchOnly(): Promise<void> {
    const interactive = this.opts.keys !== undefined;
    this.say(`waiting for the first election (no scenario: --no-failover; ${interactive ? 'q or Ctrl-C' : 'Ctrl-C'} ends the lab)`);
    await this.until('a single MASTER of FRONT and BACK', ELECTION_WAIT_MS, async () => (await this.soleMasterWithVips('d1')) || (await this.soleMasterWithVips('d2')));
    this.elected = true;
    this.say(`${this.board.mastersOf('FRONT').join('')} is MASTER of FRONT and BACK and holds both VIPs`);
    if (interactive) this.say(LAB_KEYS_HELP);
    await this.pause(this.deadlineMs - Date.now());
  }

  private queueKey(action: LabKeyAction): void {
    this.keyQueue = this.keyQueue.then(() => this.onKey(action)).catch((e: unknown) => this.say(`that did not work: ${e instanceof Error ? e.message : String(e)}`));
  }

  private async onKey(action: LabKeyAction): Promise<void> {
    if (this.topology === undefined || this.topology.destroyed || this.opts.signal.aborted) return;
    switch (action.kind) {
      case 'kill-master': {
        const master = LAB_DIRECTORS.find((d) => !this.expectedDown.has(d) && this.board.state(d, 'FRONT') === 'MASTER');
        if (master === undefined) {
          this.say('no running director is MASTER right now: nothing to kill');
          return;
        }
        this.say(`kill -9 of Vigil on ${master} (key k); r starts it again`);
        const at = Date.now();
        this.expectedDown.add(master);
        await this.director(master).crash();
        this.board.markDown(master, at);
        return;
      }
      case 'restart-killed': {
        const killed = LAB_DIRECTORS.filter((d) => this.expectedDown.has(d));
        if (killed.length === 0) this.say('every director runs Vigil: nothing to restart');
        for (const d of killed) {
          this.say(`restarting Vigil on ${d} (key r)`);
          this.startDirector(this.director(d));
        }
        return;
      }
      case 'toggle-real-server': {
        const rs = this.realServer(action.name);
        if (rs.running) {
          this.say(`stopping ${rs.name}'s HTTP server (key ${rs.name.slice(2)}): watch the directors' checks mark it down`);
          await rs.stop();
        } else {
          this.say(`starting ${rs.name}'s HTTP server again (key ${rs.name.slice(2)})`);
          await rs.start();
        }
        return;
      }
      case 'quit':
        // The command turns quit into the same abort as Ctrl-C.
        return;
    }
  }

  private verdict(workDir: string): LabOutcome {
    const overlaps = this.board.overlaps(Date.now());
    const worst = overlaps.reduce<MasterOverlap | undefined>((m, o) => (m === undefined || o.durationMs > m.durationMs ? o : m), undefined);
    // A preemption hands over within one advert: the new master's first advert is what makes
    // the old one step down (RFC 3768 §6.4.3). Longer than that is a split brain. Inside the
    // kernel VM a slowed old master may log its step down late: two intervals there.
    const tolerance = LAB_ADVERT_INTERVAL_MS * (this.timeScale > 1 ? 2 : 1);
    if (worst !== undefined && worst.durationMs > tolerance) {
      return {
        ok: false,
        workDir,
        error: new VigilError(
          'LAB_TWO_MASTERS',
          `two masters at once: ${worst.directors.join(' and ')} were both MASTER of ${worst.instance} for ${worst.durationMs} ms (more than ${this.timeScale === 1 ? 'one advert interval' : `${tolerance} ms`})`,
          { overlaps },
        ),
      };
    }
    const handover = worst !== undefined ? ` (longest handover overlap ${worst.durationMs} ms, under ${this.timeScale === 1 ? 'one advert interval' : `${tolerance} ms`})` : '';
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
        const r = await runCommand(['ip', '-n', topo.namespaceOf(d), '-j', 'addr', 'show'], { timeoutMs: this.ms(5_000) });
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

  /** Each director's `vigil status` over its control socket (undefined for one that does not answer). */
  private async refreshDirectorViews(): Promise<void> {
    const views = new Map<string, DirectorStatusView | undefined>();
    await Promise.all(LAB_DIRECTORS.map(async (d) => views.set(d, await this.director(d).status().catch(() => undefined))));
    this.directorViews = views;
  }

  private async refreshAndShow(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      await Promise.all([this.refreshVipHolders(), this.refreshDirectorViews()]);
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
          directorViews: LAB_DIRECTORS.map((d) => ({ director: d, view: this.directorViews.get(d) })),
          ...(this.probesVirtualService() && { virtualService: { probeName: VIP_PROBE_NAME, address: LAB_VIRTUAL_SERVICE } }),
        }),
      );
    } catch {
      // the view is best effort; the scenario's own checks decide the outcome
    } finally {
      this.refreshing = false;
    }
  }

  /** A bounded wait on `probe` (`boundMs` scaled), also bounded by --duration and ended early by an interrupt. */
  private async until(what: string, boundMs: number, probe: () => Promise<boolean>): Promise<void> {
    const scaledMs = this.ms(boundMs);
    const left = this.deadlineMs - Date.now();
    const timeoutMs = Math.max(0, Math.min(scaledMs, left));
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
        const why = left < scaledMs ? `the --duration bound ran out` : `not within ${scaledMs / 1000} s`;
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

  private realServer(name: string): RealServerProcess {
    const rs = this.realServers.get(name);
    if (rs === undefined) throw new VigilError('LAB_FAILED', `no real server ${name}`);
    return rs;
  }

  private failure(message: string): VigilError {
    return new VigilError('LAB_SCENARIO_FAILED', message);
  }

  /** A wait of the scenario, stretched inside the kernel VM. */
  private ms(hostMs: number): number {
    return hostMs * this.timeScale;
  }

  private elapsed(): number {
    return Date.now() - this.startMs;
  }

  private say(text: string): void {
    this.opts.print(`${formatElapsed(this.elapsed())} >>> ${text}`);
  }
}
