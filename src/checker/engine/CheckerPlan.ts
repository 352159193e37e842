import { createHash } from 'node:crypto';
import type { Checker, HttpCheck, MiscCheck, TcpCheck } from '../../config/model/Checker.js';
import type { IpAddress, ScriptCommand, ScriptUser } from '../../config/model/Common.js';
import { HTTP_STATUS_CODES } from '../../config/model/KeepalivedDefaults.js';
import type { RealServer, VirtualServer } from '../../config/model/VirtualServer.js';
import type { VigilConfig } from '../../config/model/VigilConfig.js';
import type { ConnectTarget, HttpUrlSpec, ProbeSpec } from '../probe/ProbeSpec.js';
import { addressHostHeader } from '../probe/HttpRequestText.js';
import { invalidUrlRegex } from '../probe/UrlRegex.js';
import type { CycleSettings } from '../state/CheckerCycle.js';
import { checkScriptSecurity, type ScriptInspector } from '../script/ScriptSecurity.js';
import type { ScriptUserTable, UserIds } from '../script/ScriptUserTable.js';
import { formatService, formatVirtualServer } from '../state/ServiceText.js';

export type SupportedCheckerType = TcpCheck['type'] | HttpCheck['type'] | MiscCheck['type'];

/** One distinct probe: what it sends and how its results are judged over time. */
export interface ProbePlan {
  /** Dedup key: equal keys mean identical traffic and identical timing. */
  readonly key: string;
  /** A short digest of `key`, carried in snapshots to recognise the same checker after a reload or respawn. */
  readonly fingerprint: string;
  readonly type: SupportedCheckerType;
  readonly spec: ProbeSpec;
  readonly cycle: CycleSettings;
  /** keepalived `warmup`: the first probe starts at a random time in [0, warmup). */
  readonly warmupMs: number;
}

/** One checker block of one real server of one virtual server, fed by a probe. */
export interface PlannedSubscription {
  readonly vsIndex: number;
  readonly rsIndex: number;
  /** Index among the checkers Vigil runs for this real server. */
  readonly checkerIndex: number;
  readonly planKey: string;
}

/** A notify script after user resolution and the security checks; `null` when disabled. */
export interface ResolvedScript {
  readonly argv: readonly string[];
  readonly uid: number | null;
  readonly gid: number | null;
}

export interface PlanMessage {
  readonly level: 'info' | 'warn';
  readonly msg: string;
}

export interface CheckerPlanSet {
  readonly probes: ReadonlyMap<string, ProbePlan>;
  readonly subscriptions: readonly PlannedSubscription[];
  /** Per virtual server, per real server: the `alpha` of each checker that runs. */
  readonly checkerAlpha: readonly (readonly (readonly boolean[])[])[];
  /** Per virtual server, per real server: the fingerprint of each checker that runs (parallel to `checkerAlpha`). */
  readonly checkerFingerprints: readonly (readonly (readonly string[])[])[];
  readonly notifyScripts: ReadonlyMap<ScriptCommand, ResolvedScript | null>;
  readonly messages: readonly PlanMessage[];
}

export interface PlanEnvironment {
  readonly users: ScriptUserTable;
  readonly inspector: ScriptInspector;
  /** The uid/gid Vigil runs as (`process.getuid()`), the fallback script user. */
  readonly ownIds: UserIds;
  readonly maxResponseBytes: number;
}

/** notify.c get_default_script_user: this user runs scripts when it exists. */
const DEFAULT_SCRIPT_USER = 'keepalived_script';

/**
 * Turns the typed config into probe plans, one per distinct (target, checker parameters),
 * and the subscriptions that fan each probe's verdicts out to every virtual server that
 * checks the same thing the same way. Applies keepalived's start-up rules for scripts
 * (user resolution, enable_script_security).
 */
export function planCheckers(config: VigilConfig, env: PlanEnvironment): CheckerPlanSet {
  const probes = new Map<string, ProbePlan>();
  const subscriptions: PlannedSubscription[] = [];
  const messages: PlanMessage[] = [];
  const notifyScripts = new Map<ScriptCommand, ResolvedScript | null>();
  const scriptSecurity = config.global.enableScriptSecurity;
  let insecureSeen = false;

  const defaultUser = ((): UserIds | { error: string } => {
    const u = config.global.scriptUser;
    if (u) return env.users.resolve(u.user, u.group);
    const ks = env.users.resolve(DEFAULT_SCRIPT_USER, null);
    if ('uid' in ks) return ks;
    return scriptSecurity ? { error: `Unable to set default user ${DEFAULT_SCRIPT_USER} for script` } : env.ownIds;
  })();

  const resolveScript = (argv: readonly string[], user: ScriptUser | null, what: string): ResolvedScript | null => {
    const ids = user ? env.users.resolve(user.user, user.group) : defaultUser;
    if ('error' in ids) {
      messages.push({ level: 'warn', msg: `${ids.error} - disabling ${what}` });
      return null;
    }
    const verdict = checkScriptSecurity(argv, ids.uid, ids.gid, scriptSecurity, env.inspector);
    for (const m of verdict.messages) messages.push({ level: 'warn', msg: m });
    if (verdict.insecure) insecureSeen = true;
    if (!verdict.runnable) {
      messages.push({ level: 'warn', msg: `Disabling ${what} ${argv.join(' ')}` });
      return null;
    }
    const own = ids.uid === env.ownIds.uid && ids.gid === env.ownIds.gid;
    return { argv: verdict.argv, uid: own ? null : ids.uid, gid: own ? null : ids.gid };
  };

  const checkerFingerprints: string[][][] = [];
  const checkerAlpha = config.virtualServers.map((vs, vsIndex) => {
    const vsFingerprints: string[][] = [];
    checkerFingerprints.push(vsFingerprints);
    const vsText = formatVirtualServer(vs);
    for (const cmd of [vs.quorumUp, vs.quorumDown]) {
      if (cmd && !notifyScripts.has(cmd)) notifyScripts.set(cmd, resolveScript(cmd.argv, null, `quorum script for VS ${vsText}`));
    }
    return vs.realServers.map((rs, rsIndex) => {
      const rsText = formatService(rs.address, vs.protocol, rs.port ?? vsPort(vs));
      for (const cmd of [rs.notifyUp, rs.notifyDown]) {
        if (cmd && !notifyScripts.has(cmd)) notifyScripts.set(cmd, resolveScript(cmd.argv, null, `notify script for ${rsText}`));
      }
      const alphas: boolean[] = [];
      const fingerprints: string[] = [];
      vsFingerprints.push(fingerprints);
      for (const c of rs.checkers) {
        const plan = planChecker(vs, rs, c, env, rsText, messages, resolveScript);
        if (!plan) continue;
        if (!probes.has(plan.key)) probes.set(plan.key, plan);
        subscriptions.push({ vsIndex, rsIndex, checkerIndex: alphas.length, planKey: plan.key });
        alphas.push(plan.cycle.alpha);
        fingerprints.push(plan.fingerprint);
      }
      return alphas;
    });
  });
  if (insecureSeen && !scriptSecurity) {
    messages.push({ level: 'warn', msg: 'SECURITY VIOLATION - scripts are being executed but script_security not enabled.' });
  }
  return { probes, subscriptions, checkerAlpha, checkerFingerprints, notifyScripts, messages };
}

function vsPort(vs: VirtualServer): number | null {
  return vs.key.kind === 'address' ? vs.key.port : null;
}

function planChecker(
  vs: VirtualServer,
  rs: RealServer,
  c: Checker,
  env: PlanEnvironment,
  rsText: string,
  messages: PlanMessage[],
  resolveScript: (argv: readonly string[], user: ScriptUser | null, what: string) => ResolvedScript | null,
): ProbePlan | null {
  if (c.type !== 'TCP_CHECK' && c.type !== 'HTTP_GET' && c.type !== 'SSL_GET' && c.type !== 'MISC_CHECK') {
    messages.push({ level: 'warn', msg: `${c.type} for ${rsText} is not run by Vigil yet; the real server is judged by its other checkers` });
    return null;
  }
  let spec: ProbeSpec;
  if (c.type === 'MISC_CHECK') {
    const script = resolveScript(c.script.argv, c.user, 'misc script');
    if (!script) return null;
    // check_misc.c: without misc_timeout the script may run for the virtual server's delay_loop.
    const timeoutMs = (c.timeoutSeconds ?? vs.delayLoopSeconds) * 1000;
    spec = { kind: 'misc', argv: script.argv, uid: script.uid, gid: script.gid, timeoutMs, dynamic: c.dynamic };
  } else {
    if (c.bindInterface !== null || c.fwmark !== null) {
      messages.push({ level: 'warn', msg: `${c.type} for ${rsText}: bind_if and fwmark are not supported yet and are ignored` });
    }
    const address: IpAddress = c.connectIp ?? rs.address;
    const target: ConnectTarget = {
      host: address.address,
      port: c.connectPort ?? rs.port ?? vsPort(vs) ?? 0,
      family: address.family === 'inet6' ? 6 : 4,
      bindAddress: c.bindTo?.address ?? null,
      bindPort: c.bindPort,
      timeoutMs: c.connectTimeoutSeconds * 1000,
    };
    if (c.type === 'TCP_CHECK') spec = { kind: 'tcp', target };
    else {
      const checkerHost = c.virtualhost ?? rs.virtualhost ?? vs.virtualhost;
      const urls = c.urls.map((u): HttpUrlSpec => {
        const vhost = u.virtualhost ?? checkerHost;
        if (u.regex !== null) {
          const err = invalidUrlRegex(u.regex);
          if (err) messages.push({ level: 'warn', msg: `Invalid regex: '${u.regex}' for ${rsText}: ${err} - ignoring the regex` });
        }
        return {
          path: u.path,
          hostHeader: vhost ?? addressHostHeader(target.host, target.port),
          statusCodes: u.statusCodes.length > 0 ? u.statusCodes : HTTP_STATUS_CODES,
          digest: u.digest,
          regex: u.regex,
          regexNoMatch: u.regexNoMatch,
          // check_ssl.c ssl_connect: SNI takes the url's, the checker's or the virtual server's
          // virtualhost (not the real server's, unlike the Host header).
          serverName: c.type === 'SSL_GET' && c.enableSni ? (u.virtualhost ?? c.virtualhost ?? vs.virtualhost) : null,
        };
      });
      spec = { kind: 'http', tls: c.type === 'SSL_GET', target, protocol: c.httpProtocol, urls, maxResponseBytes: env.maxResponseBytes };
    }
  }
  const cycle: CycleSettings = {
    kind: spec.kind,
    retry: c.retry,
    delayLoopMs: c.delayLoopSeconds * 1000,
    delayBeforeRetryMs: c.delayBeforeRetrySeconds * 1000,
    alpha: c.alpha,
    fastRecovery: c.type === 'HTTP_GET' || c.type === 'SSL_GET' ? c.fastRecovery : false,
    logAllFailures: c.logAllFailures,
  };
  const warmupMs = c.warmupSeconds * 1000;
  const key = JSON.stringify([c.type, spec, cycle, warmupMs]);
  return { key, fingerprint: createHash('sha256').update(key).digest('hex').slice(0, 16), type: c.type, spec, cycle, warmupMs };
}
