/** Keys whose values are secrets: VRRP PASS passwords (keepalived's dump prints them in clear). */
const SECRET_KEYS = new Set(['password', 'authPass', 'auth_pass']);

export const REDACTED = '<redacted>';

/** A deep copy with every secret value replaced, for dumps, status and logs. */
export function redactSecrets<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (key, v: unknown) => (SECRET_KEYS.has(key) && typeof v === 'string' ? REDACTED : v)) as T;
}
