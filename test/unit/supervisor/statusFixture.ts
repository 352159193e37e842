import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReloadOutcome, StatusSource, VigilStatus } from '../../../src/supervisor/StatusSource.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Director 1 of a two-director setup: VI_1 MASTER, VI_6 BACKUP, one real server down. */
export function loadStatusFixture(): VigilStatus {
  return JSON.parse(readFileSync(resolve(repoRoot, 'test/fixtures/supervisor/status-director1.json'), 'utf8')) as VigilStatus;
}

/** A StatusSource over fixed data; the dump carries a config with a VRRP password, as a real one would. */
export class FakeStatusSource implements StatusSource {
  reloads = 0;
  constructor(
    public current: VigilStatus = loadStatusFixture(),
    public nextReload: ReloadOutcome = { outcome: 'applied', message: 'Reloaded', diagnostics: [] },
  ) {}

  status(): VigilStatus {
    return structuredClone(this.current);
  }

  dumpState(): Record<string, unknown> {
    return {
      status: this.status(),
      config: { vrrpInstances: [{ name: 'VI_1', authentication: { type: 'PASS', password: 's3cr3tpw' } }], nested: [{ auth_pass: 'other-secret' }] },
    };
  }

  async reload(): Promise<ReloadOutcome> {
    this.reloads++;
    return this.nextReload;
  }
}
