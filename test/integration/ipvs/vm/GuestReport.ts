// The report a guest script (run inside the kernel VM) writes for its host-side test:
// named checks with details, timings, and a log excerpt, as one JSON file.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export class GuestReport {
  readonly checks: Check[] = [];
  readonly timings: Record<string, number> = {};

  check(name: string, ok: boolean, detail = ''): void {
    this.checks.push({ name, ok, detail: detail.slice(0, 4000) });
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || !detail ? '' : `\n${detail.slice(0, 2000)}`}`);
  }

  async timed<T>(name: string, run: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await run();
    } finally {
      this.timings[name] = Math.round(performance.now() - start);
    }
  }

  write(path: string, extra: Record<string, unknown> = {}): void {
    writeFileSync(path, JSON.stringify({ ...extra, checks: this.checks, timings: this.timings }, null, 1));
    const failed = this.checks.filter((c) => !c.ok).length;
    console.log(failed === 0 ? `ALL ${this.checks.length} CHECKS PASSED` : `${failed} OF ${this.checks.length} CHECKS FAILED`);
  }

  /** Called when the script dies: what it had so far, plus the stack. */
  writeCrash(path: string, e: unknown): void {
    writeFileSync(path, JSON.stringify({ crashed: String((e as Error).stack ?? e), checks: this.checks, timings: this.timings }, null, 1));
  }
}

export function ipvsadm(...args: string[]): string {
  return execFileSync('ipvsadm', args, { encoding: 'utf8', maxBuffer: 1 << 26 });
}
