/**
 * What it means to run a keepalived keyword Vigil knows but does not implement. A note is
 * honest only for keywords whose absence changes nothing an operator relies on (SNMP
 * sockets, netlink buffer sizes, process names). The others:
 * - `warning`: a side effect is lost (no e-mail, no FIFO line, no firewall rule); the
 *   election, the wire and the IPVS table are unaffected. The message says what is lost.
 * - `error`: running without it would change who is master or what goes on the wire (a
 *   tracker that never adjusts priority, adverts to another multicast group, another
 *   network namespace): the configuration is refused, as Vigil refuses every silent
 *   change of meaning (DIFFERENCES.md).
 */
export type UnimplementedSeverity = 'note' | 'warning' | 'error';

export interface UnimplementedKeyword {
  readonly severity: UnimplementedSeverity;
  /** What happens because Vigil does not act on it (completes "Vigil does not implement 'kw': ..."). */
  readonly consequence: string;
  readonly hint?: string;
}

const NO_EFFECT = 'it only tunes keepalived internals that Vigil does not have';

const warn = (consequence: string, hint?: string): UnimplementedKeyword => ({ severity: 'warning', consequence, ...(hint !== undefined && { hint }) });
const refuse = (consequence: string, hint: string): UnimplementedKeyword => ({ severity: 'error', consequence, hint });

const TRACKER_REFUSAL = refuse(
  'the instance would never see this tracker, so its priority and FAULT state would differ from keepalived on the same file',
  'track the condition with a vrrp_script (track_script) instead',
);
const FIFO_LOSS = warn('no state lines are written to the FIFO', 'use notify scripts (notify, notify_master, ...), which Vigil runs as keepalived does');
const EMAIL_LOSS = warn('no e-mail alerts are sent', 'alert from a notify script, or from the metrics (vigil_vrrp_transitions_total)');
const SNMP_LOSS = warn('there is no SNMP agent', 'read `vigil status --json` or the Prometheus metrics instead');
const FIREWALL_LOSS = warn('Vigil adds no iptables/nftables/ipset rules for the VIPs', 'add the filtering rules with the host firewall');

/** Keyed by the block's name as the walker reports it, then the keyword. */
const TABLE: Readonly<Record<string, Readonly<Record<string, UnimplementedKeyword>>>> = {
  global_defs: {
    notify_fifo: FIFO_LOSS,
    notify_fifo_script: FIFO_LOSS,
    vrrp_notify_fifo: FIFO_LOSS,
    vrrp_notify_fifo_script: FIFO_LOSS,
    lvs_notify_fifo: FIFO_LOSS,
    lvs_notify_fifo_script: FIFO_LOSS,
    fifo_write_vrrp_states_on_reload: FIFO_LOSS,
    smtp_alert: EMAIL_LOSS,
    smtp_alert_vrrp: EMAIL_LOSS,
    smtp_alert_checker: EMAIL_LOSS,
    smtp_helo_name: EMAIL_LOSS,
    no_email_faults: EMAIL_LOSS,
    no_checker_emails: EMAIL_LOSS,
    enable_snmp_vrrp: SNMP_LOSS,
    enable_snmp_keepalived: SNMP_LOSS,
    enable_snmp_rfc: SNMP_LOSS,
    enable_snmp_rfcv2: SNMP_LOSS,
    enable_snmp_rfcv3: SNMP_LOSS,
    enable_snmp_checker: SNMP_LOSS,
    snmp_socket: SNMP_LOSS,
    enable_dbus: warn('there is no D-Bus interface', 'read `vigil status --json` instead'),
    dbus_service_name: warn('there is no D-Bus interface', 'read `vigil status --json` instead'),
    vrrp_iptables: FIREWALL_LOSS,
    vrrp_ipsets: FIREWALL_LOSS,
    nftables: FIREWALL_LOSS,
    nftables_priority: FIREWALL_LOSS,
    nftables_ifindex: FIREWALL_LOSS,
    nftables_counters: FIREWALL_LOSS,
    nftables_ipvs: FIREWALL_LOSS,
    nftables_ipvs_priority: FIREWALL_LOSS,
    nftables_ipvs_start_fwmark: FIREWALL_LOSS,
    startup_script: warn('the script is not run when Vigil starts', 'run it from an ExecStartPre= drop-in of vigil.service'),
    startup_script_timeout: warn('no startup script is run', 'use an ExecStartPre= drop-in of vigil.service'),
    shutdown_script: warn('the script is not run when Vigil stops', 'run it from an ExecStopPost= drop-in of vigil.service'),
    shutdown_script_timeout: warn('no shutdown script is run', 'use an ExecStopPost= drop-in of vigil.service'),
    vrrp_startup_delay: warn('instances start at once instead of waiting', 'delay the unit with a systemd drop-in (ExecStartPre=/bin/sleep N)'),
    vrrp_down_timer_adverts: warn('Master_Down_Interval stays the RFC\'s 3 advert intervals (plus skew)'),
    vrrp_min_garp: warn('gratuitous ARP/NA counts follow vrrp_garp_master_repeat / _refresh instead'),
    vrrp_garp_extra_if: warn('no gratuitous ARP is sent on extra interfaces'),
    vrrp_vmac_garp_intvl: warn('no periodic gratuitous ARP on vmacs beyond vrrp_garp_master_refresh'),
    vmac_prefix: warn('vmacs are named vrrp.VRID (or by use_vmac NAME), not with this prefix', 'name the vmac explicitly: use_vmac NAME'),
    vmac_addr_prefix: warn('vmacs are named vrrp.VRID (or by use_vmac NAME), not with this prefix', 'name the vmac explicitly: use_vmac NAME'),
    default_interface: warn('static addresses and instances without `interface` do not default to it', 'give each instance its interface'),
    rs_init_notifies: warn('no notify is run for real servers at start'),
    vrrp_notify_priority_changes: warn('no notify is run on priority changes'),
    log_unknown_vrids: { severity: 'note', consequence: 'adverts for unknown VRIDs are counted in the receive statistics instead of logged' },
  },
  vrrp_instance: {
    track_file: TRACKER_REFUSAL,
    track_process: TRACKER_REFUSAL,
    track_bfd: TRACKER_REFUSAL,
    track_src_ip: refuse('the instance would not go to FAULT when its source address disappears', 'track the address with a vrrp_script instead'),
    mcast_dst_ip: refuse('adverts would go to the default group (224.0.0.18 / ff02::12) while the peers listen elsewhere: a split brain', 'use the default group, or vrrp_mcast_group4 / vrrp_mcast_group6 in global_defs'),
    old_unicast_checksum: refuse('adverts would carry the RFC checksum that peers expecting the old one drop: a split brain', 'upgrade the peers so that all use the RFC checksum'),
    use_ipvlan: refuse('the VIPs would sit on the parent interface instead of an ipvlan', 'use use_vmac, or no virtual interface'),
    use_vmac_addr: warn('the vmac keeps its virtual MAC as link address'),
    vrf: refuse('the instance would run in the default VRF instead', 'remove the VRF from the instance'),
    unicast_fault_no_peer: warn('an instance without reachable unicast peers does not go to FAULT'),
    unicast_ttl: warn('unicast adverts are sent with TTL/hop limit 255 (RFC 5798 §5.1.1.3)'),
    promote_secondaries: warn('Vigil does not set promote_secondaries on the interface: removing a primary address may remove its secondaries', 'set net.ipv4.conf.IFACE.promote_secondaries=1 with sysctl'),
    notify_deleted: warn('no notify is run when the instance is deleted by a reload'),
    notify_priority_changes: warn('no notify is run on priority changes'),
    down_timer_adverts: warn('Master_Down_Interval stays the RFC\'s 3 advert intervals (plus skew)'),
    garp_extra_if: warn('no gratuitous ARP is sent on extra interfaces'),
    vmac_garp_intvl: warn('no periodic gratuitous ARP on the vmac beyond garp_master_refresh'),
    lvs_sync_daemon_interface: warn('this deprecated keyword does not start the sync daemon', 'use lvs_sync_daemon in global_defs'),
    linkbeat_use_polling: { severity: 'note', consequence: 'Vigil follows links through rtnetlink events' },
    kernel_rx_buf_size: { severity: 'note', consequence: NO_EFFECT },
  },
  vrrp_sync_group: {
    track_file: TRACKER_REFUSAL,
    track_process: TRACKER_REFUSAL,
    track_bfd: TRACKER_REFUSAL,
    notify_priority_changes: warn('no notify is run on priority changes'),
  },
  'the top level of the configuration': {
    static_ipaddress: warn('these addresses are not configured', 'configure them with the host network configuration'),
    net_namespace_ipvs: warn('IPVS is programmed in Vigil\'s own network namespace'),
    namespace_with_ipsets: warn('no ipsets are used'),
    SSL: warn('SSL_GET checks present no client certificate and do not check the server\'s against a CA file', 'check the endpoint with a MISC_CHECK script if it needs client certificates'),
    interface_up_down_delays: warn('link changes take effect at once'),
    linkbeat_interfaces: { severity: 'note', consequence: 'Vigil follows links through rtnetlink events' },
  },
  url: {
    regex_options: warn('the regex is matched with JavaScript defaults instead of these PCRE options'),
    regex_min_offset: warn('the regex is matched over the whole body'),
    regex_max_offset: warn('the regex is matched over the whole body'),
    regex_stack: { severity: 'note', consequence: NO_EFFECT },
  },
};

/** Everything else Vigil passes through changes nothing an operator relies on. */
export function unimplementedKeyword(blockName: string, keyword: string): UnimplementedKeyword {
  return TABLE[blockName]?.[keyword] ?? { severity: 'note', consequence: NO_EFFECT };
}

/** For tests and the documentation: every keyword with a rule of its own. */
export function unimplementedKeywordTable(): Readonly<Record<string, Readonly<Record<string, UnimplementedKeyword>>>> {
  return TABLE;
}
