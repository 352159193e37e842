/**
 * The logging the VRRP runtime, trackers and notify queue do; a pino `Logger` fits.
 * Fields first (`instance`, `vrid`, `from`, `to`, `reason`, ...), then a
 * keepalived-familiar message.
 */
export interface VrrpLog {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

const ignore = (): void => undefined;

export const SILENT_VRRP_LOG: VrrpLog = { debug: ignore, info: ignore, warn: ignore, error: ignore };
