import { RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_NOWHERE, RT_SCOPE_SITE, RT_SCOPE_UNIVERSE } from './RtnetlinkConstants.js';

/** Scope names keepalived and iproute2 accept (`scope global` is RT_SCOPE_UNIVERSE). */
export type AddressScopeName = 'global' | 'site' | 'link' | 'host' | 'nowhere';

const BY_NAME: ReadonlyMap<AddressScopeName, number> = new Map([
  ['global', RT_SCOPE_UNIVERSE],
  ['site', RT_SCOPE_SITE],
  ['link', RT_SCOPE_LINK],
  ['host', RT_SCOPE_HOST],
  ['nowhere', RT_SCOPE_NOWHERE],
]);

const BY_NUMBER: ReadonlyMap<number, AddressScopeName> = new Map([...BY_NAME].map(([name, value]) => [value, name]));

/** The rt_scope_t number of a name or a number 0..255; null when neither. */
export function scopeNumber(scope: AddressScopeName | number | string): number | null {
  if (typeof scope === 'number') return Number.isInteger(scope) && scope >= 0 && scope <= 255 ? scope : null;
  const named = BY_NAME.get(scope as AddressScopeName);
  if (named !== undefined) return named;
  return /^\d{1,3}$/.test(scope) && Number(scope) <= 255 ? Number(scope) : null;
}

/** `global`, `link`, ... or the number as text, as `ip addr` prints it. */
export function scopeName(scope: number): string {
  return BY_NUMBER.get(scope) ?? String(scope);
}
