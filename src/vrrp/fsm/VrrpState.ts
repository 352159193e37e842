/**
 * States of one VRRP instance. INIT, BACKUP and MASTER are the RFC's states (RFC 3768 §6.4,
 * RFC 5798 §6.4); FAULT is keepalived's extra state for an instance whose interface or a
 * tracked script/interface is down. A shut-down instance returns to INIT as the RFC says
 * (its notify scripts are told "STOP", as keepalived does).
 */
export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT';

/** The state word handed to notify scripts / the FIFO (keepalived's vocabulary). */
export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP';

/**
 * Why a transition happened. Stable codes: logs, metrics and tests switch on them.
 * - `startup`: Initialize → Backup (RFC 5798 §6.4.1, priority < 255).
 * - `address-owner`: priority 255 owner goes (or returns) straight to Master.
 * - `master-down-timer`: Master_Down_Timer fired after the master went silent.
 * - `priority-0-advert`: the master resigned (priority 0) and Skew_Time passed.
 * - `preempt`: we discarded lower-priority adverts (preemption) until the timer fired.
 * - `higher-priority-advert`: a master heard a higher priority.
 * - `higher-address-advert`: equal priority, the sender's primary address is higher.
 * - `link-down` / `tracker-fault`: our interface or a tracked object failed.
 * - `fault-cleared`: every fault source is healthy again.
 * - `sync-group`: a transition forced by the instance's sync group.
 * - `shutdown`: the instance was stopped.
 */
export type TransitionReason =
  | 'startup'
  | 'address-owner'
  | 'master-down-timer'
  | 'priority-0-advert'
  | 'preempt'
  | 'higher-priority-advert'
  | 'higher-address-advert'
  | 'link-down'
  | 'tracker-fault'
  | 'fault-cleared'
  | 'sync-group'
  | 'shutdown';
