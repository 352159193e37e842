import type { RealServerDesiredState, SorryServerDesiredState } from '../checker/CheckerOutput.js';
import type { VirtualServer } from '../config/model/VirtualServer.js';

/** The real server's configured weight, clamped as keepalived's real_weight() does (check_data.h). */
function clampedWeight(weight: number): number {
  return Math.max(0, Math.min(weight, 0x7fffffff));
}

/** check_data.c: a sorry server gets the default real server weight. */
const SORRY_SERVER_WEIGHT = 1;

/** The parts of a VirtualServerDesiredState the IPVS table is built from. */
export interface PoolState {
  readonly realServers: readonly Pick<RealServerDesiredState, 'inPool' | 'weight' | 'address' | 'port'>[];
  readonly sorryServer: Pick<SorryServerDesiredState, 'inPool' | 'weight'> | null;
}

/**
 * The pool a virtual server has before any checker has reported, as keepalived 2.2.7
 * starts it (ipwrapper.c init_service_vs, check_data.c set_quorum_states):
 *
 * - a real server is up unless one of its checkers has `alpha` (then it waits for a
 *   first success); a real server without checkers is always up;
 * - a down server is out of the pool, or in it at weight 0 with inhibit_on_failure;
 * - when the weight of the up servers misses quorum + hysteresis and there is a sorry
 *   server, the sorry server stands in and the real servers leave the pool (weight 0 for
 *   inhibited ones); a sorry server with sorry_server_inhibit is always there, at weight 0
 *   when not needed.
 *
 * Used when no checker output exists for a virtual server (start-up, `vigil ipvs diff`).
 */
export function initialPoolState(vs: VirtualServer): PoolState {
  const up = vs.realServers.map((rs) => !rs.checkers.some((c) => 'alpha' in c && c.alpha));
  const total = vs.realServers.reduce((sum, rs) => sum + clampedWeight(rs.weight), 0);
  // validate_check_config: a quorum above the total weight is lowered to it, and hysteresis kept below quorum.
  const quorum = Math.min(vs.quorum, total);
  const hysteresis = quorum === 0 ? 0 : Math.min(vs.hysteresis, quorum - 1);
  const liveWeight = vs.realServers.reduce((sum, rs, i) => sum + (up[i] ? clampedWeight(rs.weight) : 0), 0);
  const quorumUp = liveWeight >= quorum + hysteresis;
  const sorryActive = !quorumUp && vs.sorryServer !== null;
  const realServers = vs.realServers.map((rs, i) => {
    const alive = up[i] === true && !sorryActive;
    return {
      address: rs.address,
      port: rs.port,
      inPool: alive || rs.inhibitOnFailure,
      weight: alive ? clampedWeight(rs.weight) : 0,
    };
  });
  const sorry = vs.sorryServer;
  return {
    realServers,
    sorryServer: sorry === null ? null : { inPool: sorryActive || sorry.inhibit, weight: sorryActive ? SORRY_SERVER_WEIGHT : 0 },
  };
}

