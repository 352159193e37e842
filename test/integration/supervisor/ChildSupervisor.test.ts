import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { VigilConfig } from '../../../src/config/model/VigilConfig.js';
import { createLogger } from '../../../src/log/Logger.js';
import type { ChildMessage } from '../../../src/supervisor/process/ChildMessages.js';
import { ChildSupervisor } from '../../../src/supervisor/process/ChildSupervisor.js';
import { waitFor } from '../../support/netns/index.js';

const FAKE_CHILD = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/supervisor/fakeChild.mjs');
const work = mkdtempSync(join(tmpdir(), 'vigil-child-sup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let serial = 0;
function supervisor(mode: string, opts: { respawn?: boolean; onGaveUp?: (why: string) => void } = {}) {
  const record = join(work, `record-${++serial}.ndjson`);
  const lines: string[] = [];
  const messages: ChildMessage[] = [];
  const log = createLogger({ console: false, detail: true, destination: { write: (l: string) => lines.push(l) } as unknown as NodeJS.WritableStream, repeatLimit: null });
  let config = { mode, record, netNamespace: null } as unknown as VigilConfig;
  const sup = new ChildSupervisor({
    role: 'checker',
    runOptions: { logConsole: false, logDetail: false, dontReleaseVrrp: false, dontReleaseIpvs: false, pidFile: join(work, `c${serial}.pid`), runDir: work },
    config: () => config,
    log,
    respawn: opts.respawn ?? true,
    policy: { firstDelayMs: 0, baseDelayMs: 50, maxDelayMs: 200, healthyRunMs: 60_000 },
    onMessage: (m) => messages.push(m),
    onGaveUp: opts.onGaveUp ?? (() => undefined),
    modulePath: FAKE_CHILD,
  });
  const starts = (): { pid: number; carryOver: unknown }[] =>
    readFileSync(record, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { pid: number; carryOver: unknown });
  return { sup, lines, messages, starts, setMode: (m: string) => (config = { mode: m, record, netNamespace: null } as unknown as VigilConfig) };
}

describe('ChildSupervisor with a real child process', () => {
  it('starts a child, relays its status, answers reloads and stops it', async () => {
    const { sup, messages } = supervisor('ok');
    expect(await sup.start()).toEqual({ ok: true });
    expect(sup.status()).toMatchObject({ role: 'checker', running: true, restarts: 0, lastExit: null });
    const fresh = await sup.refreshStatus(5_000);
    expect(fresh).toMatchObject({ role: 'checker', checkers: { from: sup.pid, fresh: true } });
    const reloaded = await sup.reload({ mode: 'next', netNamespace: null } as unknown as VigilConfig);
    expect(reloaded).toEqual({ ok: true, summary: { changes: ['reloaded next'] } });
    expect(messages.some((m) => m.type === 'status')).toBe(true);
    await sup.stop(5_000);
    expect(sup.status()).toMatchObject({ running: false, pid: null, lastExit: 'exit 0' });
  });

  it('reports a start-up failure with the child’s own errors and does not respawn it', async () => {
    const { sup, starts } = supervisor('fail-start');
    const result = await sup.start();
    expect(result).toEqual({ ok: false, errors: [{ code: 'FAKE_START_FAILED', message: 'no such interface' }] });
    await new Promise((r) => setTimeout(r, 300));
    expect(starts()).toHaveLength(1);
    await sup.stop(1_000);
  });

  it('respawns a crashed child with backoff and hands it the last checker states', async () => {
    const { sup, starts, lines, setMode } = supervisor('crash-after-start');
    expect((await sup.start()).ok).toBe(true);
    await waitFor(() => starts().length >= 3, { timeoutMs: 20_000, description: 'two restarts' });
    // Let the next one live, and wait for it to be up.
    setMode('ok');
    await waitFor(() => sup.status().running && starts().length >= 4, { timeoutMs: 20_000, description: 'a healthy restart' });
    const all = starts();
    // Each restart resumes from what its predecessor reported last.
    for (let i = 1; i < all.length; i++) expect(all[i]?.carryOver).toMatchObject({ from: all[i - 1]?.pid });
    expect(all[0]?.carryOver).toBeNull();
    expect(sup.status().restarts).toBe(all.length - 1);
    expect(sup.status().lastExit).toBe('exit 3');
    const text = lines.join('');
    expect(text).toMatch(/Healthcheck child \(pid \d+\) exited unexpectedly \(exit 3\)/);
    expect(text).toMatch(/Restarting Healthcheck child in 0 ms/);
    expect(text).toMatch(/Restarting Healthcheck child in 50 ms/);
    await sup.stop(5_000);
  });

  it('with --dont-respawn a crash is handed to the daemon instead', async () => {
    const gaveUp: string[] = [];
    const { sup, starts } = supervisor('crash-after-start', { respawn: false, onGaveUp: (why) => gaveUp.push(why) });
    expect((await sup.start()).ok).toBe(true);
    await waitFor(() => gaveUp.length === 1, { timeoutMs: 10_000, description: 'the give-up' });
    expect(gaveUp[0]).toMatch(/Healthcheck child exited \(exit 3\) and --dont-respawn is set/);
    expect(starts()).toHaveLength(1);
    await sup.stop(1_000);
  });

  it('kills a child that does not stop within its bound', async () => {
    const { sup, lines } = supervisor('hang-on-stop');
    expect((await sup.start()).ok).toBe(true);
    await sup.stop(300);
    expect(sup.status()).toMatchObject({ running: false, lastExit: 'signal SIGKILL' });
    expect(lines.join('')).toMatch(/did not stop within 300 ms - killing it/);
  });
});
