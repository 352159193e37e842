/** Vigil's two children, as keepalived's: checker load must never delay VRRP adverts. */
export type ChildRole = 'vrrp' | 'checker';

/** keepalived's names for its children, which operators grep for. */
export function childLabel(role: ChildRole): string {
  return role === 'vrrp' ? 'VRRP child' : 'Healthcheck child';
}
