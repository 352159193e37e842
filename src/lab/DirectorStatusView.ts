/** One real server as a director's health checkers judge it. */
export interface RealServerVerdict {
  /** The real server's address (e.g. `198.51.100.11`). */
  address: string;
  port: number | null;
  up: boolean;
  /** Why it is down (`connection-refused`, ...); null while up. */
  reason: string | null;
}

/** What a director's IPVS side says, reduced to what the lab shows. */
export type DirectorIpvsView =
  /** The daemon does not run (or report) an IPVS side. */
  | { kind: 'absent' }
  /** The kernel could not be programmed; `reason` is the daemon's `CODE: message`. */
  | { kind: 'unavailable'; reason: string }
  | { kind: 'programmed'; running: boolean; services: number; dests: number; lastError: string | null };

/** The part of `vigil status --json` the lab shows next to the VRRP states it reads from the logs. */
export interface DirectorStatusView {
  /** null when the daemon runs no health checkers (`status.checkers` is null). */
  realServers: RealServerVerdict[] | null;
  ipvs: DirectorIpvsView;
}

/**
 * Reads the `result` of a control-socket `status` answer (src/supervisor/StatusSource.ts,
 * `VigilStatus`) defensively: the lab only displays it, so an unknown or partial shape gives
 * "nothing known" rather than an exception.
 */
export function readDirectorStatus(result: unknown): DirectorStatusView {
  const o = asRecord(result);
  return { realServers: readRealServers(o?.checkers), ipvs: readIpvs(o?.ipvs) };
}

function readRealServers(checkers: unknown): RealServerVerdict[] | null {
  const c = asRecord(checkers);
  if (c === undefined || !Array.isArray(c.virtualServers)) return null;
  const found: RealServerVerdict[] = [];
  for (const vs of c.virtualServers) {
    const rsList = asRecord(vs)?.realServers;
    if (!Array.isArray(rsList)) continue;
    for (const rs of rsList) {
      const r = asRecord(rs);
      const address = asRecord(r?.address)?.address;
      if (r === undefined || typeof address !== 'string' || typeof r.up !== 'boolean') continue;
      found.push({
        address,
        port: typeof r.port === 'number' ? r.port : null,
        up: r.up,
        reason: typeof r.reason === 'string' ? r.reason : null,
      });
    }
  }
  return found;
}

function readIpvs(ipvs: unknown): DirectorIpvsView {
  const o = asRecord(ipvs);
  if (o === undefined) return { kind: 'absent' };
  if (typeof o.unavailable === 'string') return { kind: 'unavailable', reason: o.unavailable };
  return {
    kind: 'programmed',
    running: o.running === true,
    services: typeof o.ownedServices === 'number' ? o.ownedServices : 0,
    dests: typeof o.ownedDests === 'number' ? o.ownedDests : 0,
    lastError: typeof o.lastError === 'string' ? o.lastError : null,
  };
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
