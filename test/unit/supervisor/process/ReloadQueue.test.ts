import { describe, expect, it } from 'vitest';
import { ReloadQueue } from '../../../../src/supervisor/process/ReloadQueue.js';

/** A reload whose completion the test controls. */
function controlledRuns(): { run: () => Promise<number>; finish: (i: number) => void; started: () => number } {
  const resolvers: ((v: number) => void)[] = [];
  return {
    run: () => new Promise<number>((resolve) => resolvers.push(() => resolve(resolvers.length))),
    finish: (i) => resolvers[i]?.(i),
    started: () => resolvers.length,
  };
}

describe('ReloadQueue', () => {
  it('never runs two reloads at once; requests during a run share the one next run', async () => {
    const c = controlledRuns();
    const q = new ReloadQueue(c.run);
    const first = q.request();
    const waiting = [q.request(), q.request(), q.request()];
    expect(c.started()).toBe(1);
    c.finish(0);
    await first;
    await new Promise((r) => setImmediate(r));
    expect(c.started()).toBe(2);
    c.finish(1);
    const outcomes = await Promise.all(waiting);
    expect(new Set(outcomes).size).toBe(1);
    expect(c.started()).toBe(2);
  });

  it('a failed run does not block the next one, and idle() waits for the queue', async () => {
    let calls = 0;
    const q = new ReloadQueue(async () => {
      calls++;
      if (calls === 1) throw new Error('boom');
      return calls;
    });
    const a = q.request();
    const b = q.request();
    await expect(a).rejects.toThrow('boom');
    await expect(b).resolves.toBe(2);
    await q.idle();
    await expect(q.request()).resolves.toBe(3);
  });
});
