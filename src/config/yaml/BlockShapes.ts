/**
 * The two facts about keepalived's grammar that a YAML rendering needs and the
 * generic statement tree does not carry.
 */

/** Blocks introduced by a keyword plus a name or address: `vrrp_instance VI_1 { … }`. */
export const NAMED_BLOCKS: ReadonlySet<string> = new Set([
  'vrrp_instance',
  'vrrp_script',
  'vrrp_sync_group',
  'vrrp_track_file',
  'vrrp_track_process',
  'virtual_server_group',
  'virtual_server',
  'real_server',
]);

/** Blocks whose body is a list of lines rather than keywords: `virtual_ipaddress { 192.0.2.1/24 dev eth0 }`. */
export const LIST_BLOCKS: ReadonlySet<string> = new Set([
  'virtual_ipaddress',
  'virtual_ipaddress_excluded',
  'virtual_routes',
  'virtual_rules',
  'static_ipaddress',
  'static_routes',
  'static_rules',
  'unicast_peer',
  'track_interface',
  'track_script',
  'track_file',
  'track_process',
  'track_bfd',
  'group',
  'notification_email',
  'virtual_server_group',
]);
