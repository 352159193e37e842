import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PacketCapture, runCommand, Topology, waitFor, type NetnsProcess, type TopologySpec } from '../../support/netns/index.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const VIGIL_MAIN = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

/** Newest modification time under `dir` of files ending in `suffix`. */
function newestMtime(dir: string, suffix: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path, suffix));
    else if (entry.name.endsWith(suffix)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Compiles the project when dist/ is missing or older than src/ (what `npm run build`
 * does for TypeScript), so these suites run the code under test. Type errors elsewhere
 * in the tree do not stop tsc from emitting.
 */
export function ensureVigilBuilt(): void {
  const stale = !existsSync(VIGIL_MAIN) || newestMtime(join(REPO_ROOT, 'src'), '.ts') > statSync(VIGIL_MAIN).mtimeMs;
  if (stale) {
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 600_000 });
  }
  if (!existsSync(VIGIL_MAIN)) throw new Error(`${VIGIL_MAIN} is missing after compiling; run npm run build`);
  const addon = join(REPO_ROOT, 'native', 'build', 'Release', 'vigil_net.node');
  if (!existsSync(addon)) throw new Error(`${addon} is missing; run npm run build:native`);
}

export const HAVE_KEEPALIVED = spawnSync('keepalived', ['--version'], { encoding: 'utf8' }).status === 0;

/** Directors d1, d2, ... on segment `lan` (and `aux` for a second leg): 192.0.2.N, 2001:db8::N, MAC 02:00:00:00:00:0N. */
export function directorsSpec(count: number, withAuxLink = false): TopologySpec {
  const hosts = [];
  for (let n = 1; n <= count; n++) {
    const hex = n.toString(16).padStart(2, '0');
    hosts.push({
      name: `d${n}`,
      links: [
        { segment: 'lan', ipv4: [`192.0.2.${n}/24`], ipv6: [`2001:db8::${n}/64`], mac: `02:00:00:00:00:${hex}` },
        ...(withAuxLink ? [{ segment: 'aux', ipv4: [`198.51.100.${n}/24`], mac: `02:00:00:00:01:${hex}` }] : []),
      ],
    });
  }
  return { segments: withAuxLink ? ['lan', 'aux'] : ['lan'], hosts };
}

/** EUI-64 link-local address of director N (RFC 4291 Appendix A, from 02:00:00:00:00:0N). */
export function linkLocalOf(n: number): string {
  return `fe80::ff:fe00:${n.toString(16)}`;
}

export interface DaemonHandle {
  readonly host: string;
  readonly kind: 'vigil' | 'keepalived';
  readonly process: NetnsProcess;
  readonly configFile: string;
  readonly pidFile: string;
  readonly vrrpPidFile: string;
}

interface AddrJson {
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

/**
 * A namespace LAN of directors running real Vigil (`node dist/src/cli/main.js`) and
 * keepalived processes, with helpers to read who holds a VIP. `destroy()` stops every
 * process group and removes the namespaces and the work directory.
 */
export class DirectorBed {
  private readonly daemons: DaemonHandle[] = [];
  private serial = 0;

  private constructor(
    readonly topology: Topology,
    readonly workDir: string,
  ) {}

  static async create(count: number, withAuxLink = false): Promise<DirectorBed> {
    ensureVigilBuilt();
    const workDir = mkdtempSync(join(tmpdir(), 'vigil-vrrp-it-'));
    // Scripts run as an unprivileged `user` must be able to reach their files.
    chmodSync(workDir, 0o755);
    try {
      return new DirectorBed(await Topology.create(directorsSpec(count, withAuxLink)), workDir);
    } catch (e) {
      rmSync(workDir, { recursive: true, force: true });
      throw e;
    }
  }

  /** Starts Vigil in `host` with `config` (`-n -l -D -P`, own pid files). */
  startVigil(host: string, config: string, extraArgs: readonly string[] = []): DaemonHandle {
    const { file, pid, vrrpPid } = this.files(host, 'vigil', config);
    const proc = this.topology.spawn(host, [process.execPath, VIGIL_MAIN, '-n', '-l', '-D', '-P', '-f', file, '-p', pid, '-r', vrrpPid, ...extraArgs]);
    return this.track({ host, kind: 'vigil', process: proc, configFile: file, pidFile: pid, vrrpPidFile: vrrpPid });
  }

  /** Starts keepalived in `host` (`-n -l -D -P`: it refuses IPVS on this kernel). */
  startKeepalived(host: string, config: string): DaemonHandle {
    const { file, pid, vrrpPid } = this.files(host, 'keepalived', config);
    const checkers = join(this.workDir, `${host}-${this.serial}-checkers.pid`);
    const proc = this.topology.spawn(host, ['keepalived', '-n', '-l', '-D', '-P', '-f', file, '-p', pid, '-r', vrrpPid, '-c', checkers]);
    return this.track({ host, kind: 'keepalived', process: proc, configFile: file, pidFile: pid, vrrpPidFile: vrrpPid });
  }

  /** SIGTERM to the daemon's group, waiting (bounded) for it to finish its graceful stop. */
  async stop(daemon: DaemonHandle, graceMs = 10_000): Promise<void> {
    await daemon.process.stop({ graceMs });
  }

  /**
   * SIGTERM to every daemon this bed started whose group still has processes (a test's
   * afterEach); daemons a test already stopped or crashed are skipped.
   */
  async stopAll(graceMs = 5_000): Promise<void> {
    const live = this.daemons.splice(0).filter((d) => !d.process.groupIsEmpty());
    await Promise.all(live.map((d) => this.stop(d, graceMs).catch(() => undefined)));
  }

  /** kill -9 of the whole process group: no priority-0 advert, VIPs left behind. */
  async crash(daemon: DaemonHandle): Promise<void> {
    daemon.process.signal('SIGKILL');
    await waitFor(() => daemon.process.groupIsEmpty(), { timeoutMs: 10_000, description: `${daemon.kind} in ${daemon.host} to die` });
  }

  /** Addresses (without prefix) on `ifname` of `host`. */
  async addresses(host: string, ifname = 'eth0'): Promise<string[]> {
    const r = await runCommand(['ip', '-n', this.topology.namespaceOf(host), '-j', 'addr', 'show', 'dev', ifname], { timeoutMs: 10_000 });
    if (r.code !== 0) throw new Error(`ip addr show in ${host}: ${r.stderr}`);
    const parsed = JSON.parse(r.stdout) as AddrJson[];
    return (parsed[0]?.addr_info ?? []).map((a) => a.local ?? '').filter((a) => a !== '');
  }

  /** The hosts (among `hosts`) that hold `vip` on eth0. */
  async holders(vip: string, hosts: readonly string[]): Promise<string[]> {
    const held = await Promise.all(hosts.map(async (h) => ((await this.addresses(h)).includes(vip) ? h : undefined)));
    return held.filter((h): h is string => h !== undefined);
  }

  /** Waits until exactly `expected` (one host) holds `vip` among `hosts`. */
  async waitSoleHolder(vip: string, expected: string, hosts: readonly string[], timeoutMs = 30_000): Promise<void> {
    await waitFor(
      async () => {
        const h = await this.holders(vip, hosts);
        return h.length === 1 && h[0] === expected;
      },
      { timeoutMs, intervalMs: 100, description: `${expected} alone to hold ${vip}` },
    );
  }

  /** Records, until stopped, the longest stretch during which more than one host held `vip`. */
  watchHolders(vip: string, hosts: readonly string[]): HolderWatch {
    return new HolderWatch(this, vip, hosts);
  }

  /** Writes an executable script into the work directory; returns its path. */
  script(name: string, body: string): string {
    const path = join(this.workDir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return path;
  }

  path(name: string): string {
    return join(this.workDir, name);
  }

  capture(name: string, filter: readonly string[]): Promise<PacketCapture> {
    return PacketCapture.start(this.topology, { segment: 'lan' }, { file: join(this.workDir, `${name}.pcap`), filter });
  }

  async destroy(): Promise<void> {
    try {
      await this.topology.destroy();
    } finally {
      rmSync(this.workDir, { recursive: true, force: true });
    }
  }

  /**
   * Each daemon gets its own directory: Vigil puts its control socket and state dump beside
   * its pid file, and two daemons sharing one would answer each other's `vigil status`.
   */
  private files(host: string, kind: string, config: string): { file: string; pid: string; vrrpPid: string } {
    const dir = join(this.workDir, `${host}-${kind}-${++this.serial}`);
    mkdirSync(dir, { mode: 0o755 });
    const base = join(dir, kind);
    const file = `${base}.conf`;
    writeFileSync(file, config);
    return { file, pid: `${base}.pid`, vrrpPid: `${base}-vrrp.pid` };
  }

  private track(d: DaemonHandle): DaemonHandle {
    this.daemons.push(d);
    return d;
  }
}

/** Polls VIP holders in the background; `stop()` returns the longest overlap seen. */
export class HolderWatch {
  private longestOverlapMs = 0;
  private overlapSince: number | undefined;
  private samples = 0;
  private readonly done: Promise<void>;
  private running = true;

  constructor(bed: DirectorBed, vip: string, hosts: readonly string[]) {
    this.done = (async () => {
      while (this.running) {
        const held = await bed.holders(vip, hosts).catch(() => []);
        this.samples++;
        const now = Date.now();
        if (held.length > 1) {
          this.overlapSince ??= now;
          this.longestOverlapMs = Math.max(this.longestOverlapMs, now - this.overlapSince);
        } else {
          this.overlapSince = undefined;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
  }

  async stop(): Promise<{ longestOverlapMs: number; samples: number }> {
    this.running = false;
    await this.done;
    return { longestOverlapMs: this.longestOverlapMs, samples: this.samples };
  }
}

/** A VRRP instance block for tests. */
export interface InstanceText {
  readonly name?: string;
  readonly priority: number;
  readonly vrid?: number;
  readonly vip?: string;
  readonly version?: 2 | 3;
  readonly advertInt?: string;
  readonly pass?: string | null;
  readonly state?: 'MASTER' | 'BACKUP';
  readonly extra?: string;
}

export function instanceText(o: InstanceText): string {
  const v3 = o.version === 3;
  const pass = o.pass === undefined ? 'vigil' : o.pass;
  return `
vrrp_instance ${o.name ?? 'VI_1'} {
    state ${o.state ?? 'BACKUP'}
    interface eth0
    virtual_router_id ${o.vrid ?? 51}
    priority ${o.priority}
    advert_int ${o.advertInt ?? '1'}
    ${v3 ? 'version 3' : ''}
    ${!v3 && pass !== null ? `authentication {\n        auth_type PASS\n        auth_pass ${pass}\n    }` : ''}
    virtual_ipaddress {
        ${o.vip ?? '192.0.2.100/24'}
    }
    ${o.extra ?? ''}
}
`;
}

export function configText(instances: string, globalExtra = ''): string {
  // garp_master_delay 1: the second GARP burst comes 1 s after taking over, so captures see it.
  return `global_defs {\n    router_id vigil_it\n    vrrp_garp_master_delay 1\n    ${globalExtra}\n}\n${instances}`;
}
