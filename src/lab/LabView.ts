import type { BoardState } from './InstanceStateBoard.js';
import type { DirectorLogEvent } from './DirectorLogLine.js';
import type { DirectorStatusView } from './DirectorStatusView.js';
import type { ProbeRound } from './LabHostScripts.js';

/** Everything one line of the live view shows. */
export interface LabSnapshot {
  elapsedMs: number;
  /** instance name -> director -> state */
  instances: readonly { name: string; vip: string; states: readonly { director: string; state: BoardState }[] }[];
  /** vip -> directors whose interface carries it (a killed director may still carry one) */
  vipHolders: ReadonlyMap<string, readonly string[]>;
  /** The last probe round from the client; undefined before the first. */
  probe: ProbeRound | undefined;
  realServers: readonly { name: string; address: string }[];
  /**
   * Each director's own view from its control socket (`vigil status --json`), in director
   * order; undefined for a director that does not answer. Not shown when absent.
   */
  directorViews?: readonly { director: string; view: DirectorStatusView | undefined }[];
  /** The virtual service the client probe also GETs (only where the kernel has IPVS). */
  virtualService?: { probeName: string; address: string };
}

/**
 * How `director` judges the real server at `address`: `up`/`down`, `unchecked` when the
 * daemon runs no health checkers, `?` when it does not answer or has not checked it yet.
 */
export function realServerVerdictText(view: DirectorStatusView | undefined, address: string): string {
  if (view === undefined) return '?';
  if (view.realServers === null) return 'unchecked';
  const rs = view.realServers.find((r) => r.address === address);
  return rs === undefined ? '?' : rs.up ? 'up' : 'down';
}

export function formatElapsed(elapsedMs: number): string {
  return `[${(elapsedMs / 1000).toFixed(1).padStart(5)}s]`;
}

/**
 * One status line:
 * `[ 12.0s] FRONT d1=MASTER d2=BACKUP | BACK d1=MASTER d2=BACKUP | 203.0.113.100 on d1 | ... | rs1 198.51.100.11 answers "rs1" | ...`
 * A VIP still configured on a director whose Vigil is down (kill -9 leaves it) is shown as such.
 */
export function formatStatusLine(s: LabSnapshot): string {
  const parts: string[] = [];
  for (const inst of s.instances) {
    parts.push(`${inst.name} ${inst.states.map((x) => `${x.director}=${x.state}`).join(' ')}`);
  }
  for (const inst of s.instances) {
    const holders = s.vipHolders.get(inst.vip) ?? [];
    const down = new Set(inst.states.filter((x) => x.state === 'DOWN').map((x) => x.director));
    const live = holders.filter((h) => !down.has(h));
    const stale = holders.filter((h) => down.has(h));
    const staleText = `${stale.join('+')}, whose Vigil is down`;
    if (live.length === 0) parts.push(stale.length === 0 ? `${inst.vip} on nobody` : `${inst.vip} only on ${staleText}`);
    else parts.push(`${inst.vip} on ${live.join('+')}${stale.length > 0 ? ` (and still on ${staleText})` : ''}`);
  }
  for (const rs of s.realServers) {
    if (s.probe === undefined) {
      parts.push(`${rs.name} not probed yet${checksText(s, rs.address)}`);
      continue;
    }
    const answer = s.probe.answers[rs.name];
    parts.push(
      (typeof answer === 'string' ? `${rs.name} ${rs.address} answers "${answer}"` : `${rs.name} ${rs.address} ${s.probe.errors[rs.name] ?? 'no answer'}`) +
        checksText(s, rs.address),
    );
  }
  const vs = s.virtualService;
  if (vs !== undefined && s.probe !== undefined) {
    const answer = s.probe.answers[vs.probeName];
    parts.push(typeof answer === 'string' ? `${vs.address} answered by "${answer}"` : `${vs.address} ${s.probe.errors[vs.probeName] ?? 'no answer'}`);
  }
  return `${formatElapsed(s.elapsedMs)} ${parts.join(' | ')}`;
}

/** ` (checks d1=up d2=down)`: the directors' health verdicts on one real server. */
function checksText(s: LabSnapshot, address: string): string {
  if (s.directorViews === undefined || s.directorViews.length === 0) return '';
  return ` (checks ${s.directorViews.map((d) => `${d.director}=${realServerVerdictText(d.view, address)}`).join(' ')})`;
}

/** A director's state change in keepalived's words: `[  4.1s] d1: (FRONT) Entering MASTER STATE (reason: sync-group)`. */
export function formatTransitionLine(elapsedMs: number, director: string, e: Extract<DirectorLogEvent, { kind: 'transition' }>): string {
  return `${formatElapsed(elapsedMs)} ${director}: ${e.msg}${e.reason ? ` (reason: ${e.reason})` : ''}`;
}
