/**
 * The logging the IPVS runtime does; a pino `Logger` fits. Fields first, then a
 * keepalived-style message, as elsewhere in Vigil.
 */
export interface IpvsLog {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

const ignore = (): void => undefined;

export const SILENT_IPVS_LOG: IpvsLog = { debug: ignore, info: ignore, warn: ignore, error: ignore };
