/**
 * The logging the checker needs: a subset of pino's `Logger` (`logger.info(fields, msg)`), so
 * the daemon passes its pino child logger and tests pass a recorder.
 */
export interface CheckerLog {
  info(fields: Readonly<Record<string, unknown>>, msg: string): void;
  warn(fields: Readonly<Record<string, unknown>>, msg: string): void;
}

export const silentCheckerLog: CheckerLog = {
  info: () => undefined,
  warn: () => undefined,
};
