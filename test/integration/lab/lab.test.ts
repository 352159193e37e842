import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasNetnsSupport, listNamedNamespaces } from '../../support/netns/index.js';

const support = await hasNetnsSupport();
/** Where the host kernel has IPVS the lab shows the LVS path instead of saying it cannot. */
const ipvsOnHost = existsSync('/proc/net/ip_vs');
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) console.warn(`skipping vigil lab tests: ${support.reason}`);

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const vigilMain = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
/** The lab's own bound; the test's bound sits above it, so a hanging lab is killed by the lab first. */
const LAB_DURATION_S = 60;
const CHILD_BOUND_MS = (LAB_DURATION_S + 40) * 1000;

interface LabRun {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled `vigil lab` as a child process, with a hard bound. */
function runLab(args: readonly string[], opts: { uid?: number; env?: NodeJS.ProcessEnv; interruptWhen?: RegExp } = {}): Promise<LabRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [vigilMain, 'lab', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.uid !== undefined && { uid: opts.uid }),
      ...(opts.env !== undefined && { env: opts.env }),
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      // Ctrl-C as a terminal sends it: SIGINT to the lab (its daemons lead their own groups).
      if (opts.interruptWhen !== undefined && !interrupted && opts.interruptWhen.test(stdout)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_BOUND_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ pid: child.pid ?? -1, code, signal, stdout, stderr });
    });
  });
}

const hasScriptCommand = spawnSync('script', ['--version']).status === 0;

/**
 * Runs `vigil lab` on a pseudo-terminal (script(1)), as from a person's shell, and types
 * each key once the output so far matches its `after`. Output is the terminal's (stdout and
 * stderr together, without carriage returns).
 */
function runLabOnTerminal(args: readonly string[], keys: readonly { after: RegExp; key: string }[]): Promise<LabRun> {
  return new Promise((resolvePromise, reject) => {
    const command = [process.execPath, vigilMain, 'lab', ...args].join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let next = 0;
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString().replace(/\r/g, '');
      const step = keys[next];
      if (step !== undefined && step.after.test(stdout)) {
        next++;
        child.stdin.write(step.key);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_BOUND_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ pid: child.pid ?? -1, code, signal, stdout, stderr: '' });
    });
  });
}

/** PIDs whose command line mentions/** PIDs whose command line mentions `needle` (every lab process carries `vigil-lab-`). */
function processesMentioning(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

beforeAll(() => {
  // `npm run build:ts`; type errors elsewhere in the tree do not stop tsc from emitting.
  spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    cwd: repoRoot,
    timeout: 600_000,
  });
  if (!existsSync(vigilMain)) throw new Error(`${vigilMain} is missing after compiling`);
});

describe('vigil lab (argument and privilege checks)', () => {
  it('refuses a bad --duration with exit 2 and the usage', async () => {
    const r = await runLab(['--duration', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--duration needs a positive number of seconds, not 'soon'");
    expect(r.stderr).toContain('Usage: vigil lab');
  });

  it.skipIf(process.getuid?.() !== 0)('says plainly that it needs root, and exits 2, when run as an ordinary user', async () => {
    const r = await runLab([], { uid: 65534 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('vigil lab: needs root');
  });

  it('refuses --vm with --no-failover: the VM runs the scripted lab only', async () => {
    const r = await runLab(['--vm', '--no-failover']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--vm runs the scripted scenario; --no-failover cannot go with it');
  });

  it.skipIf(process.getuid?.() !== 0)("--vm without the VM's kernel cached says how to get it (--prepare) and exits 2, booting nothing", async () => {
    const emptyCache = mkdtempSync(join(tmpdir(), 'vgl-lab-vm-cache-'));
    try {
      const r = await runLab(['--vm'], { env: { ...process.env, VM_CACHE: emptyCache } });
      expect(r.code, r.stderr).toBe(2);
      // Where qemu or busybox-static are missing the runner says that instead, also exit 2.
      expect(r.stderr).toMatch(/vigil lab --vm: (the kernel VM's assets are not here yet .*run-in-kernel\.sh --prepare'|kernel VM unavailable: )/);
      expect(r.stdout).not.toContain('booting');
      expect(readdirSync(emptyCache)).toEqual([]);
    } finally {
      rmSync(emptyCache, { recursive: true, force: true });
    }
  });

  it.skipIf(process.getuid?.() !== 0)('says that network namespaces do not work, and exits 2, when `ip` cannot be run', async () => {
    const r = await runLab([], { env: { ...process.env, PATH: '/nonexistent' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/vigil lab: network namespaces do not work here: cannot run iproute2/);
  });
});

describe.skipIf(!support.ok && !mustRun)('vigil lab (the whole scenario, as root)', () => {
  let run: LabRun;
  let out = '';
  beforeAll(async () => {
    run = await runLab(['--duration', String(LAB_DURATION_S)]);
    out = run.stdout;
  }, CHILD_BOUND_MS + 10_000);

  it('shows failover to d2 and preemption back to d1, exits 0, and leaves no namespace or process behind', () => {
    expect(run.code, `stdout:\n${out}\nstderr:\n${run.stderr}`).toBe(0);

    // Says what is not available instead of pretending (this host kernel has no IPVS), once.
    if (!ipvsOnHost) {
      expect(out).toMatch(/this kernel has no IPVS \(modprobe ip_vs: [^)]*\): the virtual server is health-checked but not programmed; run 'vigil lab --vm'/);
      expect(out.split('this kernel has no IPVS').length - 1).toBe(1);
      expect(out).toMatch(/the client reaches rs1 and rs2 directly/);
    }

    // The first election, read from the directors' logs in keepalived's wording.
    expect(out).toMatch(/d1: \(FRONT\) Entering MASTER STATE/);
    expect(out).toMatch(/d1: \(BACK\) Entering MASTER STATE/);
    // kill -9 of d1: d2 takes both instances of the sync group.
    expect(out).toMatch(/d2: \(FRONT\) Entering MASTER STATE \(reason: master-down-timer\)|d2: \(BACK\) Entering MASTER STATE \(reason: master-down-timer\)/);
    expect(out).toMatch(/FAILOVER seen: d2 is MASTER of FRONT and BACK and holds both VIPs/);
    // Restarted d1 preempts; d2 steps down.
    expect(out).toMatch(/d1: \(BACK\) Entering MASTER STATE \(reason: preempt\)|d1: \(FRONT\) Entering MASTER STATE \(reason: preempt\)/);
    expect(out).toMatch(/d2: \((FRONT|BACK)\) Entering BACKUP STATE \(reason: higher-priority-advert\)/);
    expect(out).toMatch(/PREEMPTION seen: d1 is MASTER of FRONT and BACK again/);
    expect(out.indexOf('FAILOVER seen')).toBeLessThan(out.indexOf('PREEMPTION seen'));
    expect(out).toContain('one master at a time: yes');
    // The live view showed the real servers answering on their own addresses.
    expect(out).toMatch(/rs1 198\.51\.100\.11 answers "rs1"/);
    expect(out).toMatch(/rs2 198\.51\.100\.12 answers "rs2"/);
    expect(out).toContain('vigil lab: PASS');

    // Nothing left: the lab's namespaces carry its PID (vgl-<pid>-...), its processes `vigil-lab-`.
    expect(listNamedNamespaces().filter((n) => n.startsWith(`vgl-${run.pid}-`))).toEqual([]);
    expect(processesMentioning('vigil-lab-')).toEqual([]);
  });

  it("stops rs1's HTTP server before the kill: the client's probe is refused, then answered again", () => {
    const stop = out.indexOf("stopping rs1's HTTP server");
    const start = out.indexOf("starting rs1's HTTP server again");
    expect(stop, out).toBeGreaterThan(-1);
    expect(start).toBeGreaterThan(stop);
    expect(start).toBeLessThan(out.indexOf('kill -9 of Vigil on d1'));
    const whileStopped = out.slice(stop, start);
    expect(whileStopped).toMatch(/rs1 198\.51\.100\.11 (connect ECONNREFUSED|no answer)/);
    expect(out.slice(start)).toMatch(/rs1 198\.51\.100\.11 answers "rs1"/);
  });

  it("shows the directors' own view of rs1 (vigil status --json): both mark it down, then up again", (ctx) => {
    // The directors' status carries checkers only once the daemon runs its checker side.
    if (out.includes('their status.checkers is null')) ctx.skip('the directors report status.checkers = null: they run no health checkers in this build');
    const stop = out.indexOf("stopping rs1's HTTP server");
    const down = out.indexOf('REAL SERVER DOWN seen: d1 and d2 mark rs1 down');
    const start = out.indexOf("starting rs1's HTTP server again");
    const up = out.indexOf('REAL SERVER UP seen: d1 and d2 mark rs1 up again');
    expect(out).toContain('d1 and d2 see rs1 and rs2 up');
    expect(down, out).toBeGreaterThan(stop);
    expect(start).toBeGreaterThan(down);
    expect(up).toBeGreaterThan(start);
    // The live view put each director's verdict next to the VRRP states, from their control sockets.
    expect(out.slice(stop, start)).toMatch(/rs1 198\.51\.100\.11 [^|]*\(checks d1=down d2=down\)/);
    expect(out.slice(up)).toMatch(/rs1 198\.51\.100\.11 answers "rs1" \(checks d1=up d2=up\)/);
    expect(out.slice(0, stop)).toMatch(/rs2 198\.51\.100\.12 answers "rs2" \(checks d1=up d2=up\)/);
  });

  it.skipIf(!hasScriptCommand)('--no-failover on a terminal: 1 stops and starts rs1, k kills the master, r restarts it, q ends the lab', async () => {
    const r = await runLabOnTerminal(['--no-failover', '--duration', String(LAB_DURATION_S)], [
      // Each key waits for what the previous one should have shown.
      { after: /keys: k = kill -9/, key: '1' },
      { after: /rs1 198\.51\.100\.11 [^|\n]*\(checks d1=down d2=down\)/, key: '1' },
      { after: /starting rs1's HTTP server again \(key 1\)[^]*rs1 198\.51\.100\.11 answers "rs1" \(checks d1=up d2=up\)/, key: 'k' },
      { after: /kill -9 of Vigil on d1 \(key k\)[^]*FRONT d1=DOWN d2=MASTER \| BACK d1=DOWN d2=MASTER/, key: 'r' },
      { after: /restarting Vigil on d1 \(key r\)[^]*FRONT d1=MASTER d2=BACKUP \| BACK d1=MASTER d2=BACKUP/, key: 'q' },
    ]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain("stopping rs1's HTTP server (key 1)");
    expect(r.stdout).toMatch(/d2: \(FRONT\) Entering MASTER STATE \(reason: master-down-timer\)/);
    expect(r.stdout).toMatch(/d1: \((FRONT|BACK)\) Entering MASTER STATE \(reason: preempt\)/);
    expect(r.stdout).toContain('vigil lab: q: stopping the lab');
    expect(r.stdout).toContain('vigil lab: PASS (one master at a time)');
    expect(processesMentioning('vigil-lab-')).toEqual([]);
  });

  it('Ctrl-C in the middle of the scenario stops the directors, removes the lab and exits 130', async () => {
    const r = await runLab(['--duration', String(LAB_DURATION_S)], { interruptWhen: /d1 is MASTER of FRONT and BACK/ });
    expect(r.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(130);
    expect(r.stderr).toContain('SIGINT: stopping the lab');
    expect(r.stdout).not.toContain('FAILOVER seen');
    expect(r.stdout).toContain('vigil lab: interrupted');
    expect(listNamedNamespaces().filter((n) => n.startsWith(`vgl-${r.pid}-`))).toEqual([]);
    expect(processesMentioning('vigil-lab-')).toEqual([]);
  });

  it('--no-failover only watches: one master for the --duration, no kill, exit 0', async () => {
    const r = await runLab(['--no-failover', '--duration', '12']);
    expect(r.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('d1 is MASTER of FRONT and BACK');
    expect(r.stdout).not.toContain('kill -9');
    expect(r.stdout).toContain('vigil lab: PASS (one master at a time)');
    expect(listNamedNamespaces().filter((n) => n.startsWith(`vgl-${r.pid}-`))).toEqual([]);
    expect(processesMentioning('vigil-lab-')).toEqual([]);
  });
});
