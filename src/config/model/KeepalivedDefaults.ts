/**
 * keepalived 2.2.7's defaults, each with where it comes from. "dump" means the value was read
 * from `keepalived -d` (config dump) of the Debian 12 keepalived 2.2.7 package for a config that
 * does not set it; source paths are in the keepalived repository.
 */

// ---- global_defs (keepalived/core/global_data.c, init_global_data) ----
/** RFC 3768 §5.2.2 / RFC 5798 §5.1.1.2: 224.0.0.18; dump "VRRP IPv4 mcast group". */
export const VRRP_MCAST_GROUP4 = '224.0.0.18';
/** RFC 5798 §5.1.2.2: FF02:0:0:0:0:0:0:12; dump "VRRP IPv6 mcast group". */
export const VRRP_MCAST_GROUP6 = 'ff02::12';
/** dump "VRRP default protocol version = 2". */
export const VRRP_VERSION = 2;
/** dump "Gratuitous ARP delay = 5" (seconds). */
export const GARP_MASTER_DELAY_SECONDS = 5;
/** dump "Gratuitous ARP repeat = 5". */
export const GARP_MASTER_REPEAT = 5;
/** dump "Gratuitous ARP refresh timer = 0" (no periodic refresh). */
export const GARP_MASTER_REFRESH_SECONDS = 0;
/** dump "Gratuitous ARP refresh repeat = 1". */
export const GARP_MASTER_REFRESH_REPEAT = 1;
/** dump: vrrp_garp_interval / vrrp_gna_interval 0 (no pause between gratuitous packets). */
export const GARP_INTERVAL_SECONDS = 0;
export const GNA_INTERVAL_SECONDS = 0;
/** global_data.c: smtp_connect_timeout defaults to 30 s (keepalived.conf(5)). */
export const SMTP_CONNECT_TIMEOUT_SECONDS = 30;
/** keepalived.conf(5): smtp_server port defaults to 25. */
export const SMTP_PORT = 25;
// vrrp_garp_lower_prio_delay / _repeat default to vrrp_garp_master_delay / _repeat: dump showed
// "lower priority delay = 9" for a config with only `vrrp_garp_master_delay 9`.

// ---- vrrp_instance (keepalived/vrrp/vrrp_parser.c, vrrp_data.c alloc_vrrp) ----
/** vrrp_parser.c vrrp_prio_handler: "Priority not valid! ... Using default 100"; dump "Priority = 100". */
export const VRRP_PRIORITY = 100;
/**
 * RFC 5798 §5.2.4: 255 is reserved for the address owner. keepalived (vrrp.c) makes an instance
 * with `state MASTER` and no priority the owner, and one with priority 255 and no state a MASTER.
 */
export const VRRP_PRIORITY_OWNER = 255;
/** RFC 3768 §5.3.7 default Advertisement_Interval 1 s; dump "Advert interval = 1 sec". */
export const VRRP_ADVERT_INT_SECONDS = 1;
/** RFC 5798 §5.2.7: 12-bit field in centiseconds, so at most 40.95 s. */
export const VRRP_V3_MAX_ADVERT_INT_SECONDS = 40.95;
/** RFC 3768 §5.3.7: 8-bit field in seconds. */
export const VRRP_V2_MAX_ADVERT_INT_SECONDS = 255;
/** vrrp_parser.c: preempt_delay must be in [0, TIMER_MAX_SEC = 1000] ("must be between 0-1000"). */
export const VRRP_PREEMPT_DELAY_MAX_SECONDS = 1000;
/** RFC 3768 §5.3.10: the authentication data field is 8 octets ("Truncating auth_pass to 8"). */
export const VRRP_AUTH_PASS_MAX_LENGTH = 8;
/** vrrp_parser.c: track_interface/track_script weights must be in [-253, 253]. */
export const VRRP_TRACK_WEIGHT_LIMIT = 253;

// ---- vrrp_script (keepalived/vrrp/vrrp_parser.c vrrp_script_handler; dump "VRRP Scripts") ----
export const VRRP_SCRIPT_INTERVAL_SECONDS = 1;
export const VRRP_SCRIPT_WEIGHT = 0;
export const VRRP_SCRIPT_RISE = 1;
export const VRRP_SCRIPT_FALL = 1;

// ---- virtual_server / real_server (keepalived/check/check_data.c, check_parser.c) ----
/** check_data.c alloc_vs: delay_loop 60 s; dump "delay_loop = 60.000000". */
export const VS_DELAY_LOOP_SECONDS = 60;
/** check_data.c: "no scheduler set, setting default 'wlc'" (IPVS_DEF_SCHED). */
export const VS_LVS_SCHEDULER = 'wlc';
/** check_data.c: "no forwarding method set, setting default NAT". */
export const VS_LVS_METHOD = 'NAT';
/**
 * check_data.c validate_check_config: "no protocol set - defaulting to UDP" (an IPVS service with
 * protocol 0 is UDP in the kernel, so keepalived makes it explicit). Surprising, so Vigil warns.
 */
export const VS_PROTOCOL = 'UDP';
/** check_data.c: quorum 1, hysteresis 0; dump "quorum = 1, hysteresis = 0". */
export const VS_QUORUM = 1;
export const VS_HYSTERESIS = 0;
/** ip_vs.h IPVS_SVC_PERSISTENT_TIMEOUT (6 * 60 s): `persistence_timeout` with no value. */
export const VS_PERSISTENCE_TIMEOUT_SECONDS = 360;
/** check_parser.c: real server weight defaults to 1; dump "WEIGHT = 1". */
export const RS_WEIGHT = 1;
/**
 * Real server weight limit: the kernel keeps weights in an `int` (ip_vs.h), and keepalived 2.2.7
 * checks against INT_MAX ("Real server weight %s is outside range 0-2147483647", verified).
 */
export const IPVS_WEIGHT_LIMIT = 2147483647;

// ---- checkers (keepalived/check/check_api.c, check_tcp.c, check_http.c, check_misc.c) ----
/** check_api.c: connect_timeout 5 s; dump "Timeout = 5.000000". */
export const CHECKER_CONNECT_TIMEOUT_SECONDS = 5;
/** check_tcp.c: retry 1, delay_before_retry 1 s; dump "Retries = 1", "Delay before retry = 1000000 us". */
export const TCP_CHECK_RETRY = 1;
export const TCP_CHECK_DELAY_BEFORE_RETRY_SECONDS = 1;
/** check_http.c: retry 1, delay_before_retry 3 s; dump "Retries = 1", "3000000 us" (HTTP_GET and SSL_GET). */
export const HTTP_CHECK_RETRY = 1;
export const HTTP_CHECK_DELAY_BEFORE_RETRY_SECONDS = 3;
/** check_misc.c: retry 0 (a failed script marks the server down at once); dump "Retries = 0". */
export const MISC_CHECK_RETRY = 0;
export const MISC_CHECK_DELAY_BEFORE_RETRY_SECONDS = 1;
/** check_http.c: status codes 200-299 when none given; dump "HTTP Status Code(s) 200-299". */
export const HTTP_STATUS_CODES = [{ from: 200, to: 299 }] as const;
/** check_http.c: HTTP/1.0 requests unless `http_protocol` says otherwise. */
export const HTTP_PROTOCOL = '1.0';
