import type { Statement, Word } from '../ConfigAst.js';
import type { IpAddress, PassThroughKeyword, ScriptCommand, WeightedRef } from './Common.js';
import type { GlobalDefs } from './GlobalDefs.js';
import * as D from './KeepalivedDefaults.js';
import type { DiagnosticSink } from './ModelDiagnostics.js';
import { walkBlock, type KeywordRules } from './KeywordRules.js';
import type { RouteSpec, RuleSpec } from './RoutingPolicy.js';
import { readRoute } from './RouteText.js';
import { RulePreferences } from './RulePreferences.js';
import { readRule } from './RuleText.js';
import { readNotify, readWeightedRefs } from './TrackReferences.js';
import { readAddress, readChoice, readInteger, readOptionalBoolean, readSeconds, readText, wordText } from './ValueReaders.js';
import { readUnicastPeer, readVirtualIpAddress } from './VirtualIpAddressText.js';
import type { UnicastPeer, UseVmac, VirtualIpAddress, VrrpAuthentication, VrrpInstance, VrrpState } from './VrrpInstance.js';

/** keepalived whole-second timer limit: UINT_MAX microseconds. */
const MAX_TIMER_SECONDS = 4294;

/** vrrp_instance keywords keepalived 2.2.7 knows that Vigil accepts without acting on them. */
export const INSTANCE_PASS_THROUGH: ReadonlySet<string> = new Set([
  'use_vmac_addr', 'use_ipvlan', 'unicast_fault_no_peer', 'old_unicast_checksum', 'track_file',
  'track_process', 'track_bfd', 'track_src_ip', 'unicast_ttl', 'mcast_dst_ip', 'promote_secondaries',
  'linkbeat_use_polling', 'notify_deleted', 'notify_priority_changes', 'lvs_sync_daemon_interface',
  'down_timer_adverts', 'garp_extra_if', 'vmac_garp_intvl', 'kernel_rx_buf_size', 'vrf',
]);

/** Everything read from the block, before defaults that depend on other settings are applied. */
interface InstanceDraft {
  state: VrrpState | null;
  stateWord: Word | null;
  interface: string | null;
  virtualRouterId: number | null;
  vridSeen: boolean;
  priority: number | null;
  priorityWord: Word | null;
  advertInt: number | null;
  advertWord: Word | null;
  version: 2 | 3 | null;
  versionWord: Word | null;
  nopreempt: Word | null;
  preemptDelay: number | null;
  preemptDelayWord: Word | null;
  authentication: VrrpAuthentication | null;
  authWord: Word | null;
  vips: VirtualIpAddress[];
  vipsWord: Word | null;
  evips: VirtualIpAddress[];
  routes: RouteSpec[];
  rules: RuleSpec[];
  /** Shared by every rule list of the file: keepalived numbers rules without a preference across it. */
  preferences: RulePreferences;
  unicastSrcIp: IpAddress | null;
  unicastPeers: UnicastPeer[];
  mcastSrcIp: IpAddress | null;
  trackInterfaces: WeightedRef[];
  trackScripts: WeightedRef[];
  notify: ScriptCommand | null;
  notifyMaster: ScriptCommand | null;
  notifyBackup: ScriptCommand | null;
  notifyFault: ScriptCommand | null;
  notifyStop: ScriptCommand | null;
  notifyMasterRxLowerPri: ScriptCommand | null;
  smtpAlert: boolean | null;
  garpMasterDelay: number | null;
  garpMasterRepeat: number | null;
  garpMasterRefresh: number | null;
  garpMasterRefreshRepeat: number | null;
  garpLowerPrioDelay: number | null;
  garpLowerPrioRepeat: number | null;
  lowerPrioNoAdvert: boolean | null;
  higherPrioSendAdvert: boolean | null;
  useVmac: UseVmac | null;
  vmacXmitBase: boolean;
  nativeIpv6: boolean;
  accept: boolean | null;
  dontTrackPrimary: boolean;
  skipCheckAdvAddr: boolean | null;
  checkUnicastSrc: boolean;
  strictMode: boolean | null;
  strictWord: Word | null;
  debug: number;
  passThrough: PassThroughKeyword[];
}


function vipList(target: 'vips' | 'evips') {
  return {
    block: 'required' as const,
    repeatable: true,
    apply: (s: Statement, d: InstanceDraft, sink: DiagnosticSink) => {
      if (target === 'vips' && !d.vipsWord) d.vipsWord = s.keyword;
      for (const item of s.block?.statements ?? []) {
        const vip = readVirtualIpAddress(item, s.keyword.text, sink);
        if (vip) d[target].push(vip);
      }
    },
  };
}

function intRule(min: number, max: number, set: (d: InstanceDraft, v: number) => void, keepalivedDoes?: string) {
  return {
    minArgs: 1,
    apply: (s: Statement, d: InstanceDraft, sink: DiagnosticSink) => {
      const v = readInteger(s, 0, { min, max, ...(keepalivedDoes ? { keepalivedDoes } : {}) }, sink);
      if (v !== null) set(d, v);
    },
  };
}

function wholeSecondsRule(min: number, set: (d: InstanceDraft, v: number) => void, keepalivedDoes?: string) {
  return {
    minArgs: 1,
    apply: (s: Statement, d: InstanceDraft, sink: DiagnosticSink) => {
      const v = readSeconds(s, 0, { min, max: MAX_TIMER_SECONDS, integer: true, ...(keepalivedDoes ? { keepalivedDoes } : {}) }, sink);
      if (v !== null) set(d, v);
    },
  };
}

function boolRule(set: (d: InstanceDraft, v: boolean) => void) {
  return {
    maxArgs: 1,
    apply: (s: Statement, d: InstanceDraft, sink: DiagnosticSink) => {
      const v = readOptionalBoolean(s, 0, sink);
      if (v !== null) set(d, v);
    },
  };
}

function notifyRule(key: 'notify' | 'notifyMaster' | 'notifyBackup' | 'notifyFault' | 'notifyStop' | 'notifyMasterRxLowerPri') {
  return {
    minArgs: 1,
    maxArgs: Infinity,
    repeatable: true,
    apply: (s: Statement, d: InstanceDraft, sink: DiagnosticSink) => (d[key] = readNotify(s, d[key], sink)),
  };
}

export const AUTH_RULES: KeywordRules<{ type: 'PASS' | 'AH' | null; password: string | null; typeWord: Word | null }> = {
  auth_type: {
    minArgs: 1,
    usage: 'auth_type PASS|AH',
    apply: (s, a, sink) => {
      a.type = readChoice(s, 0, ['PASS', 'AH'] as const, sink, { keepalivedDoes: 'ignores the line' });
      a.typeWord = s.keyword;
    },
  },
  auth_pass: {
    minArgs: 1,
    usage: 'auth_pass <up to 8 characters>',
    apply: (s, a, sink) => {
      const word = s.args[0];
      if (!word) return;
      let pass = wordText(word, 'auth_pass', sink);
      if (pass.length > D.VRRP_AUTH_PASS_MAX_LENGTH) {
        // RFC 3768 §5.3.10: 8 octets on the wire; keepalived truncates (and logs it), as do its peers.
        sink.warning(
          'invalid-value',
          word,
          'auth_pass',
          `auth_pass is longer than ${D.VRRP_AUTH_PASS_MAX_LENGTH} characters; only '${pass.slice(0, D.VRRP_AUTH_PASS_MAX_LENGTH)}' is used`,
          `shorten it to ${D.VRRP_AUTH_PASS_MAX_LENGTH} characters`,
        );
        pass = pass.slice(0, D.VRRP_AUTH_PASS_MAX_LENGTH);
      }
      a.password = pass;
    },
  },
};

export const INSTANCE_RULES: KeywordRules<InstanceDraft> = {
  state: {
    minArgs: 1,
    usage: 'state MASTER|BACKUP',
    apply: (s, d, sink) => {
      const v = readChoice(s, 0, ['MASTER', 'BACKUP'] as const, sink, { keepalivedDoes: 'starts as BACKUP' });
      if (v) {
        d.state = v;
        d.stateWord = s.args[0] ?? null;
      }
    },
  },
  interface: { minArgs: 1, usage: 'interface <name>', apply: (s, d, sink) => (d.interface = readText(s, 0, sink)) },
  virtual_router_id: {
    minArgs: 1,
    usage: 'virtual_router_id <1-255>',
    apply: (s, d, sink) => {
      d.vridSeen = true;
      // RFC 5798 §5.2.3: VRID is 1..255 (keepalived: "VRID '%s' not valid - must be between 1 & 255").
      d.virtualRouterId = readInteger(s, 0, { min: 1, max: 255, keepalivedDoes: 'then refuses the instance' }, sink);
    },
  },
  priority: {
    minArgs: 1,
    usage: 'priority <1-255>',
    apply: (s, d, sink) => {
      // RFC 5798 §5.2.4: 1..254 for backups, 255 for the address owner; keepalived falls back to 100.
      d.priority = readInteger(s, 0, { min: 1, max: D.VRRP_PRIORITY_OWNER, keepalivedDoes: `silently uses ${D.VRRP_PRIORITY} instead` }, sink);
      d.priorityWord = s.args[0] ?? null;
    },
  },
  advert_int: {
    minArgs: 1,
    usage: 'advert_int <seconds>',
    apply: (s, d, sink) => {
      d.advertInt = readSeconds(s, 0, { min: 0.01, max: D.VRRP_V2_MAX_ADVERT_INT_SECONDS, keepalivedDoes: 'ignores the line' }, sink);
      d.advertWord = s.args[0] ?? null;
    },
  },
  version: {
    minArgs: 1,
    usage: 'version 2|3',
    apply: (s, d, sink) => {
      const v = readInteger(s, 0, { min: 2, max: 3, keepalivedDoes: 'ignores the line' }, sink);
      if (v === 2 || v === 3) {
        d.version = v;
        d.versionWord = s.args[0] ?? null;
      }
    },
  },
  nopreempt: { apply: (s, d) => (d.nopreempt = s.keyword) },
  // `preempt` restores the default; keepalived accepts it.
  preempt: { apply: (_s, d) => (d.nopreempt = null) },
  preempt_delay: {
    minArgs: 1,
    apply: (s, d, sink) => {
      d.preemptDelay = readSeconds(s, 0, { min: 0, max: D.VRRP_PREEMPT_DELAY_MAX_SECONDS, keepalivedDoes: 'ignores the line' }, sink);
      d.preemptDelayWord = s.keyword;
    },
  },
  authentication: {
    block: 'required',
    apply: (s, d, sink) => {
      const a: { type: 'PASS' | 'AH' | null; password: string | null; typeWord: Word | null } = { type: null, password: null, typeWord: null };
      walkBlock(s.block?.statements ?? [], AUTH_RULES, a, sink, { blockName: 'authentication' });
      d.authWord = s.keyword;
      if (a.type && a.password !== null) d.authentication = { type: a.type, password: a.password, pos: s.keyword.pos };
      else if (a.type && a.password === null) {
        sink.error('missing-required', s.keyword, 'authentication', 'authentication has auth_type but no auth_pass (keepalived then ignores authentication)', 'add: auth_pass <password>');
      } else if (!a.type) {
        sink.error('missing-required', s.keyword, 'authentication', 'authentication needs auth_type PASS or AH', 'add: auth_type PASS');
      }
    },
  },
  virtual_ipaddress: vipList('vips'),
  virtual_ipaddress_excluded: vipList('evips'),
  virtual_routes: {
    block: 'required',
    repeatable: true,
    apply: (s, d, sink) => {
      for (const item of s.block?.statements ?? []) {
        const route = readRoute(item, 'virtual_routes', sink);
        if (route) d.routes.push(route);
      }
    },
  },
  virtual_rules: {
    block: 'required',
    repeatable: true,
    apply: (s, d, sink) => {
      for (const item of s.block?.statements ?? []) {
        const rule = readRule(item, 'virtual_rules', sink);
        if (rule) d.rules.push(d.preferences.complete(rule, 'virtual_rules', sink));
      }
    },
  },
  unicast_src_ip: { minArgs: 1, apply: (s, d, sink) => (d.unicastSrcIp = readAddress(s, 0, sink)) },
  mcast_src_ip: { minArgs: 1, apply: (s, d, sink) => (d.mcastSrcIp = readAddress(s, 0, sink)) },
  unicast_peer: {
    block: 'required',
    repeatable: true,
    apply: (s, d, sink) => {
      for (const item of s.block?.statements ?? []) {
        const p = readUnicastPeer(item, sink);
        if (p) d.unicastPeers.push(p);
      }
    },
  },
  track_interface: { block: 'required', repeatable: true, apply: (s, d, sink) => (d.trackInterfaces = readWeightedRefs(s, sink, d.trackInterfaces)) },
  track_script: { block: 'required', repeatable: true, apply: (s, d, sink) => (d.trackScripts = readWeightedRefs(s, sink, d.trackScripts)) },
  notify: notifyRule('notify'),
  notify_master: notifyRule('notifyMaster'),
  notify_backup: notifyRule('notifyBackup'),
  notify_fault: notifyRule('notifyFault'),
  notify_stop: notifyRule('notifyStop'),
  notify_master_rx_lower_pri: notifyRule('notifyMasterRxLowerPri'),
  smtp_alert: boolRule((d, v) => (d.smtpAlert = v)),
  garp_master_delay: wholeSecondsRule(0, (d, v) => (d.garpMasterDelay = v), 'ignores the line'),
  garp_master_repeat: intRule(1, 0xffffffff, (d, v) => (d.garpMasterRepeat = v), 'uses 1 for 0'),
  // vrrp_parser.c: refresh is whole seconds up to UINT_MAX; the delays stop at UINT_MAX / TIMER_HZ.
  garp_master_refresh: intRule(0, 0xffffffff, (d, v) => (d.garpMasterRefresh = v), 'ignores the line'),
  garp_master_refresh_repeat: intRule(1, 0xffffffff, (d, v) => (d.garpMasterRefreshRepeat = v), 'uses 1 for 0'),
  garp_lower_prio_delay: wholeSecondsRule(0, (d, v) => (d.garpLowerPrioDelay = v), 'ignores the line'),
  garp_lower_prio_repeat: intRule(0, 2147483647, (d, v) => (d.garpLowerPrioRepeat = v), 'ignores the line'),
  lower_prio_no_advert: boolRule((d, v) => (d.lowerPrioNoAdvert = v)),
  higher_prio_send_advert: boolRule((d, v) => (d.higherPrioSendAdvert = v)),
  use_vmac: {
    maxArgs: 1,
    apply: (s, d, sink) => {
      const name = readText(s, 0, sink);
      // IFNAMSIZ (linux/if.h) is 16 including the terminating NUL.
      if (name !== null && name.length > 15 && s.args[0]) {
        sink.error('invalid-value', s.args[0], 'use_vmac', `interface name '${name}' is longer than 15 characters (IFNAMSIZ)`, 'use a shorter name');
        return;
      }
      d.useVmac = { name, pos: s.keyword.pos };
    },
  },
  vmac_xmit_base: { apply: (_s, d) => (d.vmacXmitBase = true) },
  native_ipv6: { apply: (_s, d) => (d.nativeIpv6 = true) },
  accept: { apply: (_s, d) => (d.accept = true) },
  no_accept: { apply: (_s, d) => (d.accept = false) },
  dont_track_primary: { apply: (_s, d) => (d.dontTrackPrimary = true) },
  skip_check_adv_addr: boolRule((d, v) => (d.skipCheckAdvAddr = v)),
  check_unicast_src: { apply: (_s, d) => (d.checkUnicastSrc = true) },
  strict_mode: {
    maxArgs: 1,
    apply: (s, d, sink) => {
      const v = readOptionalBoolean(s, 0, sink);
      if (v !== null) {
        d.strictMode = v;
        d.strictWord = s.keyword;
      }
    },
  },
  debug: intRule(0, 4, (d, v) => (d.debug = v), 'ignores the line'),
};

export const VRRP_INSTANCE_KEYWORDS: readonly string[] = Object.keys(INSTANCE_RULES);

function newDraft(preferences: RulePreferences): InstanceDraft {
  return {
    state: null, stateWord: null, interface: null, virtualRouterId: null, vridSeen: false, priority: null,
    priorityWord: null, advertInt: null, advertWord: null, version: null, versionWord: null, nopreempt: null,
    preemptDelay: null, preemptDelayWord: null, authentication: null, authWord: null, vips: [], vipsWord: null,
    evips: [], routes: [], rules: [], preferences, unicastSrcIp: null, unicastPeers: [], mcastSrcIp: null, trackInterfaces: [],
    trackScripts: [], notify: null, notifyMaster: null, notifyBackup: null, notifyFault: null, notifyStop: null,
    notifyMasterRxLowerPri: null, smtpAlert: null, garpMasterDelay: null, garpMasterRepeat: null,
    garpMasterRefresh: null, garpMasterRefreshRepeat: null, garpLowerPrioDelay: null, garpLowerPrioRepeat: null,
    lowerPrioNoAdvert: null, higherPrioSendAdvert: null, useVmac: null, vmacXmitBase: false, nativeIpv6: false,
    accept: null, dontTrackPrimary: false, skipCheckAdvAddr: null, checkUnicastSrc: false, strictMode: null,
    strictWord: null, debug: 0, passThrough: [],
  };
}

/** `vrrp_instance NAME { ... }` with defaults from keepalived and from `global_defs`. */
export function buildVrrpInstance(
  stmt: Statement,
  global: GlobalDefs,
  sink: DiagnosticSink,
  preferences: RulePreferences = new RulePreferences(),
): VrrpInstance | null {
  const nameWord = stmt.args[0];
  const name = nameWord ? wordText(nameWord, 'vrrp_instance', sink) : '';
  const where = `vrrp_instance ${name}`;
  const d = newDraft(preferences);
  walkBlock(stmt.block?.statements ?? [], INSTANCE_RULES, d, sink, {
    blockName: 'vrrp_instance',
    passThrough: INSTANCE_PASS_THROUGH,
    onPassThrough: (p) => d.passThrough.push({ keyword: p.keyword.text, args: p.args.map((a) => a.text), pos: p.keyword.pos }),
  });
  if (!nameWord) return null;

  // Family: from the VIPs, else from the unicast/mcast source address (keepalived vrrp_parser.c).
  const family = d.vips[0]?.family ?? d.unicastSrcIp?.family ?? d.unicastPeers[0]?.family ?? 'inet';
  // One VRRP advert carries addresses of one family (RFC 5798 §5.2.9); keepalived drops the others.
  const firstVip = d.vips[0];
  const vips = d.vips.filter((v) => {
    if (!firstVip || v.family === firstVip.family) return true;
    sink.error(
      'mixed-family',
      { pos: v.pos, length: v.address.length },
      'virtual_ipaddress',
      `${where}: ${v.address} is ${v.family === 'inet' ? 'IPv4' : 'IPv6'} but the first VIP ${firstVip.address} is ${firstVip.family === 'inet' ? 'IPv4' : 'IPv6'} (keepalived ignores it)`,
      'put addresses of the other family in virtual_ipaddress_excluded or in a second vrrp_instance',
    );
    return false;
  });
  for (const [label, addr] of [['unicast_src_ip', d.unicastSrcIp], ['mcast_src_ip', d.mcastSrcIp]] as const) {
    if (addr && firstVip && addr.family !== family) {
      sink.error('mixed-family', stmt.keyword, label, `${where}: ${label} ${addr.address} is not of the VIPs' family (keepalived skips it)`, 'use a source address of the same family');
    }
  }
  for (const p of d.unicastPeers) {
    if (p.family !== family) {
      sink.error('mixed-family', { pos: p.pos, length: p.address.length }, 'unicast_peer', `${where}: unicast peer ${p.address} is not of the instance's family (keepalived skips it)`, 'use peers of the same family');
    }
  }
  // keepalived: "cannot use IPv6 with VRRP version 2; setting version 3" — IPv6 VRRP exists only in RFC 5798.
  let version: 2 | 3 = d.version ?? global.vrrpVersion;
  if (family === 'inet6' && version === 2) {
    if (d.versionWord) {
      sink.error('conflicting-options', d.versionWord, 'version', `${where}: VRRP version 2 cannot carry IPv6 addresses (RFC 3768 is IPv4-only)`, 'remove "version 2"; IPv6 instances use version 3');
    }
    version = 3;
  }
  const strict = d.strictMode ?? global.vrrpStrict;

  const advert = d.advertInt ?? D.VRRP_ADVERT_INT_SECONDS;
  if (d.advertWord && d.advertInt !== null) {
    if (version === 2 && !Number.isInteger(d.advertInt)) {
      sink.error(
        'fractional-advert-v2',
        d.advertWord,
        'advert_int',
        `${where}: advert_int ${d.advertWord.text} is fractional, but VRRPv2 carries whole seconds (RFC 3768 §5.3.7); keepalived would round it`,
        "use a whole number of seconds, or add 'version 3' (centisecond intervals, RFC 5798 §5.2.7)",
      );
    } else if (version === 3 && d.advertInt > D.VRRP_V3_MAX_ADVERT_INT_SECONDS) {
      sink.error('out-of-range', d.advertWord, 'advert_int', `${where}: advert_int ${d.advertWord.text} exceeds VRRPv3's maximum of 40.95 s (RFC 5798 §5.2.7); keepalived would use 40.95`, 'use at most 40.95');
    } else if (version === 3 && Math.abs(Math.round(d.advertInt * 100) - d.advertInt * 100) > 1e-6) {
      sink.error('invalid-value', d.advertWord, 'advert_int', `${where}: advert_int ${d.advertWord.text} is not a multiple of 10 ms (RFC 5798 §5.2.7 centiseconds); keepalived would round it`, 'use at most two decimal places');
    }
  }

  let ok = true;
  if (!d.vridSeen) {
    sink.error('missing-required', stmt.keyword, 'virtual_router_id', `${where} has no virtual_router_id (keepalived refuses the instance)`, 'add: virtual_router_id <1-255>');
    ok = false;
  }
  if (d.interface === null && !(d.unicastSrcIp && d.unicastPeers.length > 0)) {
    sink.error('missing-required', stmt.keyword, 'interface', `${where} has no interface`, 'add: interface <name> (or unicast_src_ip and unicast_peer)');
    ok = false;
  }
  if (vips.length === 0) {
    // vrrp.c: "No VIP specified; at least one is required" (v3 / strict: instance refused), else "... sensible".
    if (version === 3 || strict) {
      sink.error('missing-required', stmt.keyword, 'virtual_ipaddress', `${where} has no virtual_ipaddress, which VRRPv3 and strict mode require (keepalived refuses the instance)`, 'add: virtual_ipaddress { <address> }');
      ok = false;
    } else {
      sink.warning('missing-required', stmt.keyword, 'virtual_ipaddress', `${where} has no virtual_ipaddress; it will only take part in elections`, 'add: virtual_ipaddress { <address> }');
    }
  }

  // vrrp.c vrrp_complete_instance: with no priority, state MASTER means the address owner (255);
  // with no state, priority 255 means MASTER (dump-verified: "Priority = 255", "Wantstate = MASTER").
  const priority = d.priority ?? (d.state === 'MASTER' ? D.VRRP_PRIORITY_OWNER : D.VRRP_PRIORITY);
  const state: VrrpState = d.state ?? (priority === D.VRRP_PRIORITY_OWNER ? 'MASTER' : 'BACKUP');
  if (strict && d.stateWord && (state === 'MASTER') !== (priority === D.VRRP_PRIORITY_OWNER)) {
    sink.error(
      'conflicting-options',
      d.stateWord,
      'state',
      `${where}: in strict mode state MASTER must go with priority 255 (the address owner) and only with it; keepalived overrides the state`,
      state === 'MASTER' ? 'use state BACKUP, or priority 255' : 'use state MASTER with priority 255',
    );
  }
  // Settings keepalived silently (or with a log line) drops: Vigil refuses them instead.
  if (d.nopreempt && state === 'MASTER' && d.stateWord) {
    sink.error('conflicting-options', d.nopreempt, 'nopreempt', `${where}: nopreempt has no effect with state MASTER (keepalived clears it)`, 'use state BACKUP on every node with nopreempt');
  } else if (d.nopreempt && priority === D.VRRP_PRIORITY_OWNER) {
    sink.error('conflicting-options', d.nopreempt, 'nopreempt', `${where}: nopreempt cannot apply to the address owner (priority 255); keepalived clears it`, 'lower the priority or remove nopreempt');
  }
  if (d.preemptDelayWord && d.preemptDelay) {
    if (state === 'MASTER') {
      sink.error('conflicting-options', d.preemptDelayWord, 'preempt_delay', `${where}: preempt_delay has no effect on an instance that starts as MASTER (keepalived clears it)`, 'use state BACKUP and a priority below 255');
    } else if (strict) {
      sink.error('conflicting-options', d.preemptDelayWord, 'preempt_delay', `${where}: preempt_delay is not allowed in strict mode (keepalived clears it)`, 'remove preempt_delay or strict mode');
    } else if (d.nopreempt) {
      sink.error('conflicting-options', d.preemptDelayWord, 'preempt_delay', `${where}: preempt_delay has no effect with nopreempt (keepalived clears it)`, 'remove one of them');
    }
  }
  // vrrp.c: strict mode forces these; an explicit contrary value is reset ("Strict mode requires ...").
  if (strict) {
    const forced: [boolean, string, string][] = [
      [(d.garpLowerPrioRepeat ?? 0) !== 0, 'garp_lower_prio_repeat', 'strict mode sends no repeated gratuitous ARPs at lower priority'],
      [(d.garpLowerPrioDelay ?? 0) !== 0, 'garp_lower_prio_delay', 'strict mode has no lower-priority gratuitous ARP delay'],
      [d.lowerPrioNoAdvert === false, 'lower_prio_no_advert', 'strict mode never answers a lower-priority advert'],
      [d.higherPrioSendAdvert === true, 'higher_prio_send_advert', 'strict mode does not send an advert on seeing a higher priority'],
      [d.accept === true && priority !== D.VRRP_PRIORITY_OWNER && version === 2, 'accept', 'accept mode in VRRPv2 does not comply with RFC 3768'],
    ];
    for (const [bad, keyword, why] of forced) {
      if (bad) sink.error('conflicting-options', d.strictWord ?? stmt.keyword, keyword, `${where}: ${why}; keepalived resets ${keyword}`, `remove ${keyword} or strict mode`);
    }
  }
  let authentication = d.authentication;
  if (authentication && d.authWord) {
    if (version === 3) {
      sink.error('conflicting-options', d.authWord, 'authentication', `${where}: VRRPv3 has no authentication (RFC 5798 §9); keepalived ignores it`, 'remove the authentication block');
      authentication = null;
    } else if (strict) {
      sink.error('conflicting-options', d.authWord, 'authentication', `${where}: strict mode does not allow authentication; keepalived ignores it`, 'remove the authentication block or strict mode');
      authentication = null;
    } else if (authentication.type === 'AH' && state === 'MASTER' && d.stateWord) {
      sink.error('conflicting-options', d.stateWord, 'state', `${where}: initial state MASTER is incompatible with AH authentication; keepalived starts it as BACKUP`, 'use state BACKUP with auth_type AH');
    }
  }
  if (strict && d.unicastPeers.length > 0) {
    sink.error('conflicting-options', d.strictWord ?? stmt.keyword, 'strict_mode', `${where}: unicast peers are not allowed in strict mode`, 'remove unicast_peer or strict mode');
  }
  if (!ok || d.virtualRouterId === null) return null;

  return {
    name,
    pos: stmt.keyword.pos,
    state,
    stateConfigured: d.state !== null,
    interface: d.interface ?? '',
    virtualRouterId: d.virtualRouterId,
    priority,
    advertIntervalSeconds: version === 2 ? Math.round(advert) : advert,
    version,
    family,
    preempt: d.nopreempt === null,
    preemptDelaySeconds: d.preemptDelay ?? 0,
    authentication,
    virtualIpAddresses: vips,
    virtualIpAddressesExcluded: d.evips,
    virtualRoutes: d.routes,
    virtualRules: d.rules,
    unicastSrcIp: d.unicastSrcIp,
    unicastPeers: d.unicastPeers,
    mcastSrcIp: d.mcastSrcIp,
    trackInterfaces: d.trackInterfaces,
    trackScripts: d.trackScripts,
    notify: d.notify,
    notifyMaster: d.notifyMaster,
    notifyBackup: d.notifyBackup,
    notifyFault: d.notifyFault,
    notifyStop: d.notifyStop,
    notifyMasterRxLowerPri: d.notifyMasterRxLowerPri,
    smtpAlert: d.smtpAlert,
    // Instance GARP settings default to the global ones (dump-verified, vrrp_data.c alloc_vrrp).
    garpMasterDelaySeconds: d.garpMasterDelay ?? global.vrrpGarpMasterDelaySeconds,
    garpMasterRepeat: d.garpMasterRepeat ?? global.vrrpGarpMasterRepeat,
    garpMasterRefreshSeconds: d.garpMasterRefresh ?? global.vrrpGarpMasterRefreshSeconds,
    garpMasterRefreshRepeat: d.garpMasterRefreshRepeat ?? global.vrrpGarpMasterRefreshRepeat,
    // vrrp.c: strict mode defaults (and forces) no lower-priority GARPs and no reaction adverts.
    garpLowerPrioDelaySeconds: strict ? 0 : (d.garpLowerPrioDelay ?? global.vrrpGarpLowerPrioDelaySeconds),
    garpLowerPrioRepeat: strict ? 0 : (d.garpLowerPrioRepeat ?? global.vrrpGarpLowerPrioRepeat),
    lowerPrioNoAdvert: strict ? true : (d.lowerPrioNoAdvert ?? global.vrrpLowerPrioNoAdvert),
    higherPrioSendAdvert: strict ? false : (d.higherPrioSendAdvert ?? global.vrrpHigherPrioSendAdvert),
    useVmac: d.useVmac,
    vmacXmitBase: d.vmacXmitBase,
    nativeIpv6: d.nativeIpv6,
    // vrrp.c: accept mode defaults on for the address owner, else on unless strict mode
    // (dump "Accept = enabled"); strict VRRPv2 turns it off for non-owners.
    accept: strict && version === 2 && priority !== D.VRRP_PRIORITY_OWNER ? false : (d.accept ?? (priority === D.VRRP_PRIORITY_OWNER || !strict)),
    dontTrackPrimary: d.dontTrackPrimary,
    skipCheckAdvAddr: d.skipCheckAdvAddr ?? global.vrrpSkipCheckAdvAddr,
    checkUnicastSrc: d.checkUnicastSrc || global.vrrpCheckUnicastSrc,
    strictMode: strict,
    debug: d.debug,
    passThrough: d.passThrough,
  };
}
