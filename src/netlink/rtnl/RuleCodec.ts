import { HOST_IS_LITTLE_ENDIAN, viewOf } from '../HostByteOrder.js';
import { NetlinkAttributeWriter } from '../NetlinkAttributeWriter.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST } from '../NetlinkConstants.js';
import { encodeNetlinkMessage } from '../NetlinkMessage.js';
import type { RequestHeader } from './RequestHeader.js';
import {
  FIB_RULE_HDR_SIZE,
  FIB_RULE_INVERT,
  FRA_DST,
  FRA_FWMARK,
  FRA_FWMASK,
  FRA_IIFNAME,
  FRA_OIFNAME,
  FRA_PRIORITY,
  FRA_PROTOCOL,
  FRA_SRC,
  FRA_TABLE,
  FR_ACT_TO_TBL,
  FR_ACT_UNSPEC,
  RTM_DELRULE,
  RTM_NEWRULE,
  RT_TABLE_UNSPEC,
} from './RouteConstants.js';
import type { RuleRequest } from './RuleRequest.js';

/**
 * `struct fib_rule_hdr` and the attributes in the order iproute2 6.1 sends them for
 * `ip rule add [not] from S to D fwmark M/K iif I oif O table T priority P protocol N`
 * (each appended as its word is parsed). A table above 255 goes in FRA_TABLE with the
 * header's table 0, as for routes.
 */
function ruleMessage(type: number, flags: number, action: number, r: RuleRequest, header: RequestHeader): Uint8Array {
  const hdr = new Uint8Array(FIB_RULE_HDR_SIZE);
  hdr[0] = r.family;
  hdr[1] = r.destination?.prefixLength ?? 0;
  hdr[2] = r.source?.prefixLength ?? 0;
  // hdr[3] tos, hdr[5] res1, hdr[6] res2 stay 0.
  hdr[4] = r.table > 255 ? RT_TABLE_UNSPEC : r.table;
  hdr[7] = action;
  viewOf(hdr).setUint32(8, r.invert ? FIB_RULE_INVERT : 0, HOST_IS_LITTLE_ENDIAN);
  const a = new NetlinkAttributeWriter();
  if (r.source) a.bytes(FRA_SRC, r.source.address.bytes);
  if (r.destination) a.bytes(FRA_DST, r.destination.address.bytes);
  if (r.fwmark !== null) a.u32(FRA_FWMARK, r.fwmark);
  if (r.fwmask !== null) a.u32(FRA_FWMASK, r.fwmask);
  if (r.iif !== null) a.string(FRA_IIFNAME, r.iif);
  if (r.oif !== null) a.string(FRA_OIFNAME, r.oif);
  if (r.table > 255) a.u32(FRA_TABLE, r.table);
  a.u32(FRA_PRIORITY, r.priority);
  a.u8(FRA_PROTOCOL, r.protocol);
  const attributes = a.toBytes();
  const payload = new Uint8Array(hdr.length + attributes.length);
  payload.set(hdr);
  payload.set(attributes, hdr.length);
  return encodeNetlinkMessage({ type, flags, seq: header.seq, pid: header.pid ?? 0 }, payload);
}

/** RTM_NEWRULE, action FR_ACT_TO_TBL, NLM_F_CREATE|NLM_F_EXCL: an identical rule answers EEXIST. */
export function encodeAddRuleRequest(r: RuleRequest, header: RequestHeader): Uint8Array {
  return ruleMessage(RTM_NEWRULE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, FR_ACT_TO_TBL, r, header);
}

/**
 * RTM_DELRULE as `ip rule del` sends it (action FR_ACT_UNSPEC). The kernel deletes the
 * first rule matching every selector given (net/core/fib_rules.c rule_find), priority and
 * protocol included, so another daemon's rule with other fields stays.
 */
export function encodeDeleteRuleRequest(r: RuleRequest, header: RequestHeader): Uint8Array {
  return ruleMessage(RTM_DELRULE, NLM_F_REQUEST | NLM_F_ACK, FR_ACT_UNSPEC, r, header);
}
