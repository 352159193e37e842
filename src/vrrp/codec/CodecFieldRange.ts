import { VigilError } from '../../core/VigilError.js';

/**
 * Encoders take numbers from callers and write them into fixed-width wire fields; a value
 * that does not fit is a caller bug, reported as `VRRP_CODEC_FIELD_RANGE` rather than
 * silently truncated into a different packet.
 */
export function requireFieldRange(what: string, field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new VigilError('VRRP_CODEC_FIELD_RANGE', `${what} ${field} ${value} is outside ${min}..${max}`, { field, value });
  }
}
