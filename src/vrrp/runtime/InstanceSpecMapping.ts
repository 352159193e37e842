import type { VrrpInstance } from '../../config/model/VrrpInstance.js';
import { canonicalIp } from '../codec/IpAddressBytes.js';
import type { InstanceSpec } from '../fsm/InstanceSpec.js';
import { instanceFamily } from './InstanceAddressing.js';

const MS_PER_SECOND = 1000;
const CS_PER_SECOND = 100;

/**
 * The state machine's view of a configured `vrrp_instance`. The config model has already
 * applied keepalived's global defaults (`vrrp_garp_*`, `vrrp_lower_prio_no_advert`,
 * `vrrp_higher_prio_send_advert`, `vrrp_version`); this converts units and names.
 * `primaryAddress` is the advert source chosen by `resolveInstanceAddressing`.
 */
export function instanceSpecFromConfig(instance: VrrpInstance, primaryAddress: string): InstanceSpec {
  const downTimerAdverts = downTimerAdvertsOf(instance);
  return {
    name: instance.name,
    vrid: instance.virtualRouterId,
    version: instance.version,
    family: instanceFamily(instance),
    basePriority: instance.priority,
    // RFC 5798 §5.2.7: centiseconds; v2 intervals are whole seconds, so this stays a multiple of 100.
    advertIntervalCs: Math.round(instance.advertIntervalSeconds * CS_PER_SECOND),
    preempt: instance.preempt,
    preemptDelayMs: Math.round(instance.preemptDelaySeconds * MS_PER_SECOND),
    // An unwritten `state` lets the machine derive it from the priority (255 = owner = MASTER).
    ...(instance.stateConfigured ? { initialState: instance.state } : {}),
    primaryAddress,
    vips: instance.virtualIpAddresses.map((v) => canonicalIp(v.address) ?? v.address),
    accept: instance.accept,
    garp: {
      masterDelayMs: Math.round(instance.garpMasterDelaySeconds * MS_PER_SECOND),
      masterRepeat: instance.garpMasterRepeat,
      masterRefreshMs: Math.round(instance.garpMasterRefreshSeconds * MS_PER_SECOND),
      refreshRepeat: instance.garpMasterRefreshRepeat,
      lowerPrioDelayMs: Math.round(instance.garpLowerPrioDelaySeconds * MS_PER_SECOND),
      lowerPrioRepeat: instance.garpLowerPrioRepeat,
    },
    lowerPrioNoAdvert: instance.lowerPrioNoAdvert,
    higherPrioSendAdvert: instance.higherPrioSendAdvert,
    ...(downTimerAdverts !== undefined ? { downTimerAdverts } : {}),
  };
}

/** `down_timer_adverts N` is carried as a pass-through keyword by the config model. */
function downTimerAdvertsOf(instance: VrrpInstance): number | undefined {
  const keyword = instance.passThrough.find((p) => p.keyword === 'down_timer_adverts');
  const value = keyword?.args[0] === undefined ? Number.NaN : Number(keyword.args[0]);
  return Number.isInteger(value) ? value : undefined;
}
