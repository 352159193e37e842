import { randomBytes } from 'node:crypto';

/**
 * Every namespace the harness creates is named `vgl-<pid>-<tag>-<role>`:
 * - `pid` is the creating process, so a sweeper can tell a live run's namespaces from
 *   leftovers of a crashed one;
 * - `tag` is random per topology, so two topologies in one process never collide;
 * - `role` is `br` for the bridge namespace or `h-<host>` for a host.
 */
export const NAMESPACE_PREFIX = 'vgl-';

const NAME_PATTERN = /^vgl-(\d+)-([0-9a-f]+)-(br|h-.+)$/;

export function newTopologyTag(): string {
  return randomBytes(3).toString('hex');
}

export function bridgeNamespaceName(pid: number, tag: string): string {
  return `${NAMESPACE_PREFIX}${pid}-${tag}-br`;
}

export function hostNamespaceName(pid: number, tag: string, host: string): string {
  return `${NAMESPACE_PREFIX}${pid}-${tag}-h-${host}`;
}

/** The creating PID encoded in a harness namespace name, or undefined for other names. */
export function ownerPidOf(namespace: string): number | undefined {
  const m = NAME_PATTERN.exec(namespace);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}
