import type { VrrpAuthentication } from '../../config/model/VrrpInstance.js';
import { passwordAuthData, type AdvertFields } from '../codec/VrrpAdvert.js';
import { VRRP_AUTH_NONE, VRRP_AUTH_PASS } from '../codec/VrrpProtocol.js';
import { VigilError } from '../../core/VigilError.js';

/** What goes into every advert of one instance besides the priority. */
export interface AdvertTemplate {
  readonly version: 2 | 3;
  readonly vrid: number;
  /** The advert's addresses: `virtual_ipaddress`, never the excluded ones. */
  readonly addresses: readonly string[];
  readonly authentication: VrrpAuthentication | null;
}

const CS_PER_SECOND = 100;

/**
 * The fields of one advert: VRRPv2 carries whole seconds and the auth type/data (RFC 3768
 * §5.3.6-7, PASS padded per RFC 2338 §5.3.6.2), VRRPv3 centiseconds and no auth
 * (RFC 5798 §5.2.7). AH adverts are not sent (the codec refuses them).
 */
export function advertFields(template: AdvertTemplate, priority: number, advertIntervalCs: number): AdvertFields {
  if (template.version === 3) {
    return { version: 3, vrid: template.vrid, priority, maxAdverIntCs: advertIntervalCs, addresses: template.addresses };
  }
  const auth = template.authentication;
  if (auth !== null && auth.type === 'AH') {
    throw new VigilError('VRRP_RUNTIME_UNSUPPORTED', 'sending IPsec-AH authenticated VRRPv2 adverts is not supported', { vrid: template.vrid });
  }
  return {
    version: 2,
    vrid: template.vrid,
    priority,
    adverIntSec: Math.round(advertIntervalCs / CS_PER_SECOND),
    authType: auth === null ? VRRP_AUTH_NONE : VRRP_AUTH_PASS,
    ...(auth !== null ? { authData: passwordAuthData(auth.password) } : {}),
    addresses: template.addresses,
  };
}
