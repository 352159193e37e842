import { REDACTED, redactSecrets } from '../config/redactSecrets.js';
import type { StatusSource } from './StatusSource.js';

/** Format marker and version of the dump, so tools can tell what they read. */
export const STATE_DUMP_FORMAT = 'vigil-state-dump';
export const STATE_DUMP_VERSION = 1;

/** SIGUSR1 writes here (keepalived writes /tmp/keepalived.json, which PrivateTmp would hide). */
export const DEFAULT_STATE_DUMP_PATH = '/run/vigil/state.json';

/**
 * Secrets shorter than this are only redacted by key: replacing every occurrence of a
 * one- or two-character string would mangle the whole dump.
 */
const MIN_SCRUBBED_SECRET_LENGTH = 3;

export interface StateDump {
  readonly format: typeof STATE_DUMP_FORMAT;
  readonly version: typeof STATE_DUMP_VERSION;
  readonly dumpedAt: number;
  readonly state: Record<string, unknown>;
}

/**
 * The complete state with secrets removed twice: values under secret keys
 * (`redactSecrets`), then every other occurrence of those values, because diagnostics and
 * log lines quote configuration text (e.g. "only 'abcdefgh' is used" for a long auth_pass).
 */
export function buildStateDump(source: StatusSource, now: () => number = Date.now): StateDump {
  const raw = source.dumpState();
  const redacted = redactSecrets(raw);
  const secrets = new Set<string>();
  // The same JSON round trip redactSecrets makes, so both trees line up (toJSON, undefined).
  collectRedactedValues(JSON.parse(JSON.stringify(raw)) as unknown, redacted, secrets);
  const scrubbable = [...secrets].filter((s) => s.length >= MIN_SCRUBBED_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  const state = scrubbable.length === 0 ? redacted : (scrubStrings(redacted, scrubbable) as Record<string, unknown>);
  return { format: STATE_DUMP_FORMAT, version: STATE_DUMP_VERSION, dumpedAt: now(), state };
}

/** Walks the original and its redacted copy together; where a string became REDACTED, the original was a secret. */
function collectRedactedValues(original: unknown, redacted: unknown, into: Set<string>): void {
  if (typeof original === 'string') {
    if (redacted === REDACTED && original !== REDACTED) into.add(original);
    return;
  }
  if (typeof original !== 'object' || original === null || typeof redacted !== 'object' || redacted === null) return;
  const o = original as Record<string, unknown>;
  const r = redacted as Record<string, unknown>;
  for (const key of Object.keys(o)) collectRedactedValues(o[key], r[key], into);
}

function scrubStrings(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return secrets.reduce((text, secret) => text.split(secret).join(REDACTED), value);
  if (Array.isArray(value)) return value.map((v) => scrubStrings(v, secrets));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubStrings(v, secrets)]));
  return value;
}
