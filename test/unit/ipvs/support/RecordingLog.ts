import type { IpvsLog } from '../../../../src/ipvs/IpvsLog.js';

/** An IpvsLog that keeps "level message" lines for assertions. */
export class RecordingLog implements IpvsLog {
  readonly lines: string[] = [];
  debug(_fields: Record<string, unknown>, message: string): void {
    this.lines.push(`debug ${message}`);
  }
  info(_fields: Record<string, unknown>, message: string): void {
    this.lines.push(`info ${message}`);
  }
  warn(_fields: Record<string, unknown>, message: string): void {
    this.lines.push(`warn ${message}`);
  }
  error(_fields: Record<string, unknown>, message: string): void {
    this.lines.push(`error ${message}`);
  }
  matching(pattern: RegExp): string[] {
    return this.lines.filter((l) => pattern.test(l));
  }
}
