import type { Statement } from '../ConfigAst.js';
import type { GlobalDefs, LvsFlushOnStop, LvsSyncDaemon, LvsTimeouts } from './GlobalDefs.js';
import type { PassThroughKeyword } from './Common.js';
import type { Draft } from './Draft.js';
import * as D from './KeepalivedDefaults.js';
import type { DiagnosticSink } from './ModelDiagnostics.js';
import { isMulticast } from './IpAddressText.js';
import { walkBlock, type KeywordRules } from './KeywordRules.js';
import {
  checkChildProcessTuning,
  childProcessTuningRules,
  finishChildProcessTuning,
  newChildProcessTuningDraft,
  type ChildProcessTuningDraft,
} from './buildChildProcessTuning.js';
import {
  readAddress,
  readChoice,
  readInteger,
  readOptionalBoolean,
  readScriptUser,
  readSeconds,
  readText,
  wordText,
} from './ValueReaders.js';

/** keepalived's limit for whole-second timers: UINT_MAX microseconds (global_parser.c). */
const MAX_TIMER_SECONDS = 4294;
/** C INT_MAX, keepalived's bound for several counters. */
const INT_MAX = 2147483647;
/** keepalived global_data.h LVS_MAX_TIMEOUT: 31 days. */
const LVS_MAX_TIMEOUT_SECONDS = 86400 * 31;

/**
 * global_defs keywords keepalived 2.2.7 knows that Vigil accepts without acting on them
 * (keepalived/core/global_parser.c init_global_keywords).
 */
export const GLOBAL_PASS_THROUGH: ReadonlySet<string> = new Set([
  'process_names', 'process_name', 'vrrp_process_name', 'checker_process_name', 'lvs_process_name',
  'bfd_process_name', 'smtp_helo_name', 'smtp_alert', 'startup_script', 'startup_script_timeout',
  'shutdown_script', 'shutdown_script_timeout', 'min_auto_priority_delay', 'smtp_alert_vrrp',
  'smtp_alert_checker', 'checker_log_all_failures', 'no_email_faults', 'default_interface',
  'disable_local_igmp', 'vrrp_min_garp', 'vrrp_garp_extra_if', 'vrrp_vmac_garp_intvl',
  'vrrp_down_timer_adverts', 'vrrp_iptables', 'vrrp_ipsets', 'nftables', 'nftables_priority',
  'nftables_ifindex', 'nftables_ipvs', 'nftables_ipvs_priority', 'nftables_ipvs_start_fwmark',
  'nftables_counters', 'notify_fifo', 'notify_fifo_script', 'vrrp_notify_fifo', 'vrrp_notify_fifo_script',
  'vrrp_notify_priority_changes', 'lvs_notify_fifo', 'lvs_notify_fifo_script',
  'fifo_write_vrrp_states_on_reload', 'bfd_priority', 'bfd_no_swap', 'bfd_rt_priority', 'bfd_cpu_affinity', 'bfd_rlimit_rttime', 'bfd_rlimit_rtime', 'snmp_socket',
  'enable_snmp_vrrp', 'enable_snmp_keepalived', 'enable_snmp_rfc', 'enable_snmp_rfcv2',
  'enable_snmp_rfcv3', 'enable_snmp_checker', 'enable_dbus', 'dbus_service_name',
  'vrrp_netlink_cmd_rcv_bufs', 'vrrp_netlink_cmd_rcv_bufs_force', 'vrrp_netlink_monitor_rcv_bufs',
  'vrrp_netlink_monitor_rcv_bufs_force', 'process_monitor_rcv_bufs', 'process_monitor_rcv_bufs_force',
  'lvs_netlink_cmd_rcv_bufs', 'lvs_netlink_cmd_rcv_bufs_force', 'lvs_netlink_monitor_rcv_bufs',
  'lvs_netlink_monitor_rcv_bufs_force', 'rs_init_notifies', 'no_checker_emails', 'vrrp_rx_bufs_policy',
  'vrrp_rx_bufs_multiplier', 'vrrp_startup_delay', 'log_unknown_vrids', 'vmac_prefix', 'vmac_addr_prefix',
  'umask', 'random_seed', 'reload_check_config', 'reload_time_file', 'reload_repeat', 'reload_file',
  'include_check', 'config_save_dir', 'tmp_config_directory', 'data_use_instance',
]);

/** Mutable state while reading one or more `global_defs` blocks. */
interface GlobalDraft extends Omit<Draft<GlobalDefs>, 'vrrpProcess' | 'checkerProcess'> {
  vrrpProcess: ChildProcessTuningDraft;
  checkerProcess: ChildProcessTuningDraft;
  lowerPrioDelaySet: boolean;
  lowerPrioRepeatSet: boolean;
  passThroughList: PassThroughKeyword[];
  emails: string[];
}

export function defaultGlobalDefs(): GlobalDefs {
  const draft = newDraft();
  return finish(draft);
}

function newDraft(): GlobalDraft {
  return {
    pos: null,
    routerId: null,
    vrrpVersion: D.VRRP_VERSION,
    vrrpMcastGroup4: D.VRRP_MCAST_GROUP4,
    vrrpMcastGroup6: D.VRRP_MCAST_GROUP6,
    vrrpStrict: false,
    vrrpGarpMasterDelaySeconds: D.GARP_MASTER_DELAY_SECONDS,
    vrrpGarpMasterRepeat: D.GARP_MASTER_REPEAT,
    vrrpGarpMasterRefreshSeconds: D.GARP_MASTER_REFRESH_SECONDS,
    vrrpGarpMasterRefreshRepeat: D.GARP_MASTER_REFRESH_REPEAT,
    vrrpGarpLowerPrioDelaySeconds: D.GARP_MASTER_DELAY_SECONDS,
    vrrpGarpLowerPrioRepeat: D.GARP_MASTER_REPEAT,
    vrrpGarpIntervalSeconds: D.GARP_INTERVAL_SECONDS,
    vrrpGnaIntervalSeconds: D.GNA_INTERVAL_SECONDS,
    vrrpLowerPrioNoAdvert: false,
    vrrpHigherPrioSendAdvert: false,
    vrrpCheckUnicastSrc: false,
    vrrpSkipCheckAdvAddr: false,
    scriptUser: null,
    enableScriptSecurity: false,
    lvsSyncDaemon: null,
    lvsTimeouts: null,
    lvsFlush: false,
    lvsFlushOnStop: 'disabled',
    notificationEmail: [],
    notificationEmailFrom: null,
    smtpServer: null,
    smtpConnectTimeoutSeconds: D.SMTP_CONNECT_TIMEOUT_SECONDS,
    enableTraps: false,
    dynamicInterfaces: false,
    dynamicInterfacesAllowIfChanges: false,
    maxAutoPriority: null,
    vrrpProcess: newChildProcessTuningDraft(),
    checkerProcess: newChildProcessTuningDraft(),
    passThrough: [],
    lowerPrioDelaySet: false,
    lowerPrioRepeatSet: false,
    passThroughList: [],
    emails: [],
  };
}

function finish(d: GlobalDraft): GlobalDefs {
  return {
    pos: d.pos,
    routerId: d.routerId,
    vrrpVersion: d.vrrpVersion,
    vrrpMcastGroup4: d.vrrpMcastGroup4,
    vrrpMcastGroup6: d.vrrpMcastGroup6,
    vrrpStrict: d.vrrpStrict,
    vrrpGarpMasterDelaySeconds: d.vrrpGarpMasterDelaySeconds,
    vrrpGarpMasterRepeat: d.vrrpGarpMasterRepeat,
    vrrpGarpMasterRefreshSeconds: d.vrrpGarpMasterRefreshSeconds,
    vrrpGarpMasterRefreshRepeat: d.vrrpGarpMasterRefreshRepeat,
    // keepalived: the lower-priority GARP settings default to the master ones (dump-verified).
    vrrpGarpLowerPrioDelaySeconds: d.lowerPrioDelaySet ? d.vrrpGarpLowerPrioDelaySeconds : d.vrrpGarpMasterDelaySeconds,
    vrrpGarpLowerPrioRepeat: d.lowerPrioRepeatSet ? d.vrrpGarpLowerPrioRepeat : d.vrrpGarpMasterRepeat,
    vrrpGarpIntervalSeconds: d.vrrpGarpIntervalSeconds,
    vrrpGnaIntervalSeconds: d.vrrpGnaIntervalSeconds,
    vrrpLowerPrioNoAdvert: d.vrrpLowerPrioNoAdvert,
    vrrpHigherPrioSendAdvert: d.vrrpHigherPrioSendAdvert,
    vrrpCheckUnicastSrc: d.vrrpCheckUnicastSrc,
    vrrpSkipCheckAdvAddr: d.vrrpSkipCheckAdvAddr,
    scriptUser: d.scriptUser,
    enableScriptSecurity: d.enableScriptSecurity,
    lvsSyncDaemon: d.lvsSyncDaemon,
    lvsTimeouts: d.lvsTimeouts,
    lvsFlush: d.lvsFlush,
    lvsFlushOnStop: d.lvsFlushOnStop,
    notificationEmail: d.emails,
    notificationEmailFrom: d.notificationEmailFrom,
    smtpServer: d.smtpServer,
    smtpConnectTimeoutSeconds: d.smtpConnectTimeoutSeconds,
    enableTraps: d.enableTraps,
    dynamicInterfaces: d.dynamicInterfaces,
    dynamicInterfacesAllowIfChanges: d.dynamicInterfacesAllowIfChanges,
    maxAutoPriority: d.maxAutoPriority,
    vrrpProcess: finishChildProcessTuning(d.vrrpProcess),
    checkerProcess: finishChildProcessTuning(d.checkerProcess),
    passThrough: d.passThroughList,
  };
}

function flag(set: (d: GlobalDraft, v: boolean) => void): KeywordRules<GlobalDraft>[string] {
  return { maxArgs: 0, apply: (_s, d) => set(d, true) };
}

function optionalFlag(set: (d: GlobalDraft, v: boolean) => void): KeywordRules<GlobalDraft>[string] {
  return {
    maxArgs: 1,
    apply: (s, d, sink) => {
      const v = readOptionalBoolean(s, 0, sink);
      if (v !== null) set(d, v);
    },
  };
}

export const GLOBAL_RULES: KeywordRules<GlobalDraft> = {
  router_id: { minArgs: 1, usage: 'router_id <name>', apply: (s, d, sink) => (d.routerId = readText(s, 0, sink)) },
  vrrp_version: {
    minArgs: 1,
    usage: 'vrrp_version 2|3',
    apply: (s, d, sink) => {
      const v = readInteger(s, 0, { min: 2, max: 3, keepalivedDoes: 'ignores the line' }, sink);
      if (v === 2 || v === 3) d.vrrpVersion = v;
    },
  },
  vrrp_mcast_group4: { minArgs: 1, apply: (s, d, sink) => readMcastGroup(s, 'inet', sink, (a) => (d.vrrpMcastGroup4 = a)) },
  vrrp_mcast_group6: { minArgs: 1, apply: (s, d, sink) => readMcastGroup(s, 'inet6', sink, (a) => (d.vrrpMcastGroup6 = a)) },
  vrrp_strict: flag((d) => (d.vrrpStrict = true)),
  vrrp_garp_master_delay: {
    minArgs: 1,
    apply: (s, d, sink) => {
      const v = readSeconds(s, 0, { min: 0, max: MAX_TIMER_SECONDS, integer: true, keepalivedDoes: 'ignores the line' }, sink);
      if (v !== null) d.vrrpGarpMasterDelaySeconds = v;
    },
  },
  vrrp_garp_master_repeat: {
    minArgs: 1,
    apply: (s, d, sink) => {
      const v = readInteger(s, 0, { min: 1, max: 0xffffffff, keepalivedDoes: 'uses 1 for 0' }, sink);
      if (v !== null) d.vrrpGarpMasterRepeat = v;
    },
  },
  vrrp_garp_master_refresh: {
    minArgs: 1,
    apply: (s, d, sink) => {
      // global_parser.c: whole seconds, 0..UINT_MAX (unlike the delays, not bounded by TIMER_HZ).
      const v = readSeconds(s, 0, { min: 0, max: 0xffffffff, integer: true }, sink);
      if (v !== null) d.vrrpGarpMasterRefreshSeconds = v;
    },
  },
  vrrp_garp_master_refresh_repeat: {
    minArgs: 1,
    apply: (s, d, sink) => {
      const v = readInteger(s, 0, { min: 1, max: 0xffffffff, keepalivedDoes: 'uses 1 for 0' }, sink);
      if (v !== null) d.vrrpGarpMasterRefreshRepeat = v;
    },
  },
  vrrp_garp_lower_prio_delay: {
    minArgs: 1,
    apply: (s, d, sink) => {
      const v = readSeconds(s, 0, { min: 0, max: MAX_TIMER_SECONDS, integer: true, keepalivedDoes: 'ignores the line' }, sink);
      if (v !== null) {
        d.vrrpGarpLowerPrioDelaySeconds = v;
        d.lowerPrioDelaySet = true;
      }
    },
  },
  vrrp_garp_lower_prio_repeat: {
    minArgs: 1,
    apply: (s, d, sink) => {
      const v = readInteger(s, 0, { min: 0, max: INT_MAX }, sink);
      if (v !== null) {
        d.vrrpGarpLowerPrioRepeat = v;
        d.lowerPrioRepeatSet = true;
      }
    },
  },
  // keepalived 2.2.7 rejects 0 here ("vrrp_garp_interval '0' is invalid"): range [0.000001, 4294.967295].
  vrrp_garp_interval: {
    minArgs: 1,
    apply: (s, d, sink) => {
      const v = readInterval(s, sink);
      if (v !== null) d.vrrpGarpIntervalSeconds = v;
    },
  },
  vrrp_gna_interval: {
    minArgs: 1,
    apply: (s, d, sink) => {
      const v = readInterval(s, sink);
      if (v !== null) d.vrrpGnaIntervalSeconds = v;
    },
  },
  vrrp_lower_prio_no_advert: optionalFlag((d, v) => (d.vrrpLowerPrioNoAdvert = v)),
  vrrp_higher_prio_send_advert: optionalFlag((d, v) => (d.vrrpHigherPrioSendAdvert = v)),
  vrrp_check_unicast_src: flag((d) => (d.vrrpCheckUnicastSrc = true)),
  vrrp_skip_check_adv_addr: flag((d) => (d.vrrpSkipCheckAdvAddr = true)),
  script_user: { minArgs: 1, maxArgs: 2, usage: 'script_user <user> [group]', apply: (s, d, sink) => (d.scriptUser = readScriptUser(s, sink)) },
  enable_script_security: flag((d) => (d.enableScriptSecurity = true)),
  lvs_sync_daemon: {
    minArgs: 2,
    maxArgs: 14,
    usage: 'lvs_sync_daemon <interface> <vrrp_instance> [id N] [maxlen N] [port N] [ttl N] [group ADDR]',
    apply: (s, d, sink) => {
      const v = readLvsSyncDaemon(s, sink);
      if (v) d.lvsSyncDaemon = v;
    },
  },
  lvs_timeouts: {
    minArgs: 2,
    maxArgs: 6,
    usage: 'lvs_timeouts [tcp N] [tcpfin N] [udp N]',
    apply: (s, d, sink) => {
      const v = readLvsTimeouts(s, sink);
      if (v) d.lvsTimeouts = v;
    },
  },
  lvs_flush: flag((d) => (d.lvsFlush = true)),
  lvs_flush_on_stop: {
    maxArgs: 1,
    apply: (s, d, sink) => {
      if (s.args.length === 0) {
        d.lvsFlushOnStop = 'all';
        return;
      }
      // global_parser.c: only the exact word "VS" narrows the flush to configured services.
      const v = readChoice(s, 0, ['VS'] as const, sink, { keepalivedDoes: 'ignores the line' });
      if (v) d.lvsFlushOnStop = 'vs' satisfies LvsFlushOnStop;
    },
  },
  lvs_flush_onstop: { maxArgs: 1, deprecatedFor: 'lvs_flush_on_stop', apply: (s, d, sink) => GLOBAL_RULES['lvs_flush_on_stop']?.apply(s, d, sink) },
  notification_email: {
    block: 'required',
    repeatable: true,
    apply: (s, d, sink) => {
      for (const item of s.block?.statements ?? []) {
        d.emails.push(wordText(item.keyword, 'notification_email', sink));
        for (const extra of item.args) d.emails.push(wordText(extra, 'notification_email', sink));
      }
    },
  },
  notification_email_from: { minArgs: 1, apply: (s, d, sink) => (d.notificationEmailFrom = readText(s, 0, sink)) },
  smtp_server: {
    minArgs: 1,
    maxArgs: 2,
    usage: 'smtp_server <address|name> [port]',
    apply: (s, d, sink) => {
      const host = readText(s, 0, sink);
      const port = s.args.length > 1 ? readInteger(s, 1, { min: 1, max: 65535 }, sink) : D.SMTP_PORT;
      if (host !== null && port !== null) d.smtpServer = { host, port, pos: s.keyword.pos };
    },
  },
  smtp_connect_timeout: {
    minArgs: 1,
    apply: (s, d, sink) => {
      const v = readSeconds(s, 0, { min: 1, max: MAX_TIMER_SECONDS, integer: true, keepalivedDoes: 'uses 1 for 0 and ignores larger values' }, sink);
      if (v !== null) d.smtpConnectTimeoutSeconds = v;
    },
  },
  enable_traps: flag((d) => (d.enableTraps = true)),
  dynamic_interfaces: {
    maxArgs: 1,
    apply: (s, d, sink) => {
      d.dynamicInterfaces = true;
      if (s.args.length > 0 && readChoice(s, 0, ['allow_if_changes'] as const, sink)) d.dynamicInterfacesAllowIfChanges = true;
    },
  },
  max_auto_priority: {
    maxArgs: 1,
    apply: (s, d, sink) => {
      // global_parser.c: no value means the highest real-time priority keepalived allows (99); -1 disables.
      if (s.args.length === 0) {
        d.maxAutoPriority = 99;
        return;
      }
      const v = readInteger(s, 0, { min: -1, max: 99, keepalivedDoes: 'ignores the line' }, sink);
      if (v !== null) d.maxAutoPriority = v === -1 ? null : v;
    },
  },
  ...childProcessTuningRules<GlobalDraft>('vrrp', (d) => d.vrrpProcess),
  ...childProcessTuningRules<GlobalDraft>('checker', (d) => d.checkerProcess),
};

/** Keywords valid in global_defs, for did-you-mean and documentation. */
export const GLOBAL_KEYWORDS: readonly string[] = Object.keys(GLOBAL_RULES);

function readInterval(s: Statement, sink: DiagnosticSink): number | null {
  const word = s.args[0];
  if (word && wordText(word, s.keyword.text, sink) === '0') {
    sink.error(
      'invalid-value',
      word,
      s.keyword.text,
      `${s.keyword.text} 0 is invalid (keepalived 2.2.7 rejects it: "${s.keyword.text} '0' is invalid")`,
      `remove the line for no delay between gratuitous packets, or use a value in 0.000001..4294.967295`,
    );
    return null;
  }
  return readSeconds(s, 0, { min: 0.000001, max: 4294.967295 }, sink);
}

function readMcastGroup(s: Statement, family: 'inet' | 'inet6', sink: DiagnosticSink, set: (a: string) => void): void {
  const addr = readAddress(s, 0, sink);
  if (!addr) return;
  const word = s.args[0];
  if (!word) return;
  const kw = s.keyword.text;
  if (addr.family !== family) {
    sink.error('invalid-address', word, kw, `${kw} must be an ${family === 'inet' ? 'IPv4' : 'IPv6'} address`, family === 'inet' ? 'the default is 224.0.0.18' : 'the default is ff02::12');
    return;
  }
  if (!isMulticast(addr)) {
    sink.error('invalid-address', word, kw, `${kw} ${addr.address} is not a multicast address (keepalived skips it)`, family === 'inet' ? 'use an address in 224.0.0.0/4' : 'use an address in ff00::/8');
    return;
  }
  set(addr.address);
}

function readLvsSyncDaemon(s: Statement, sink: DiagnosticSink): LvsSyncDaemon | null {
  const iface = s.args[0];
  const inst = s.args[1];
  if (!iface || !inst) return null;
  const kw = s.keyword.text;
  const result: Draft<LvsSyncDaemon> = {
    interface: wordText(iface, kw, sink),
    vrrpInstance: wordText(inst, kw, sink),
    syncId: null,
    maxlen: null,
    port: null,
    ttl: null,
    group: null,
    pos: s.keyword.pos,
  };
  for (let i = 2; i < s.args.length; i += 2) {
    const opt = s.args[i];
    if (!opt) break;
    const name = wordText(opt, kw, sink);
    if (i + 1 >= s.args.length) {
      sink.error('missing-argument', opt, kw, `lvs_sync_daemon option '${name}' needs a value`, `write '${name} <value>'`);
      break;
    }
    switch (name) {
      case 'id':
        result.syncId = readInteger(s, i + 1, { min: 0, max: 255 }, sink);
        break;
      case 'maxlen':
        // keepalived: 1..65507 (largest UDP payload over IPv4).
        result.maxlen = readInteger(s, i + 1, { min: 1, max: 65507 }, sink);
        break;
      case 'port':
        result.port = readInteger(s, i + 1, { min: 1, max: 65535 }, sink);
        break;
      case 'ttl':
        result.ttl = readInteger(s, i + 1, { min: 1, max: 255 }, sink);
        break;
      case 'group': {
        const g = readAddress(s, i + 1, sink);
        const w = s.args[i + 1];
        if (g && w && !isMulticast(g)) sink.error('invalid-address', w, kw, `lvs_sync_daemon group ${g.address} is not multicast`, 'use a multicast address');
        else result.group = g;
        break;
      }
      default:
        sink.error('invalid-value', opt, kw, `unknown lvs_sync_daemon option '${name}'`, 'options are id, maxlen, port, ttl, group');
    }
  }
  return result;
}

function readLvsTimeouts(s: Statement, sink: DiagnosticSink): LvsTimeouts {
  const result: Draft<LvsTimeouts> = { tcpSeconds: null, tcpFinSeconds: null, udpSeconds: null, pos: s.keyword.pos };
  const kw = s.keyword.text;
  for (let i = 0; i < s.args.length; i += 2) {
    const opt = s.args[i];
    if (!opt) break;
    const name = wordText(opt, kw, sink);
    if (i + 1 >= s.args.length) {
      sink.error('missing-argument', opt, kw, `lvs_timeouts option '${name}' needs a value`, `write '${name} <seconds>'`);
      break;
    }
    const range = { min: 0, max: LVS_MAX_TIMEOUT_SECONDS, integer: true };
    if (name === 'tcp') result.tcpSeconds = readSeconds(s, i + 1, range, sink);
    else if (name === 'tcpfin') result.tcpFinSeconds = readSeconds(s, i + 1, range, sink);
    else if (name === 'udp') result.udpSeconds = readSeconds(s, i + 1, range, sink);
    else sink.error('invalid-value', opt, kw, `unknown lvs_timeouts option '${name}'`, 'options are tcp, tcpfin, udp');
  }
  return result;
}

/** Reads every `global_defs` block (keepalived merges repeated blocks) into one GlobalDefs. */
export function buildGlobalDefs(blocks: readonly Statement[], sink: DiagnosticSink): GlobalDefs {
  const draft = newDraft();
  for (const stmt of blocks) {
    if (draft.pos === null) draft.pos = stmt.keyword.pos;
    walkBlock(stmt.block?.statements ?? [], GLOBAL_RULES, draft, sink, {
      blockName: 'global_defs',
      passThrough: GLOBAL_PASS_THROUGH,
      onPassThrough: (p) => draft.passThroughList.push({ keyword: p.keyword.text, args: p.args.map((a) => a.text), pos: p.keyword.pos }),
    });
  }
  checkChildProcessTuning('vrrp', draft.vrrpProcess, sink);
  checkChildProcessTuning('checker', draft.checkerProcess, sink);
  return finish(draft);
}
