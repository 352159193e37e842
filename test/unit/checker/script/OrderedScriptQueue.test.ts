import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OrderedScriptQueue, type ScriptJob } from '../../../../src/checker/script/OrderedScriptQueue.js';
import type { ScriptOutcome } from '../../../../src/checker/script/ScriptProcess.js';

const job = (label: string, timeoutMs = 1000): ScriptJob => ({ argv: ['/bin/true'], uid: null, gid: null, timeoutMs, label });
const done = (code = 0): ScriptOutcome => ({ kind: 'exited', code, output: '', durationMs: 1 });

describe('OrderedScriptQueue', () => {
  it('runs the jobs of one key one after the other, in order', async () => {
    const events: string[] = [];
    const gates = new Map<string, () => void>();
    const q = new OrderedScriptQueue(undefined, (j) => {
      events.push(`start ${j.label}`);
      return new Promise((res) => gates.set(j.label, () => {
        events.push(`end ${j.label}`);
        res(done());
      }));
    });
    const a = q.enqueue('rs1', job('down'));
    const b = q.enqueue('rs1', job('up'));
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual(['start down']);
    expect(q.pending('rs1')).toBe(2);
    gates.get('down')?.();
    await a;
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual(['start down', 'end down', 'start up']);
    gates.get('up')?.();
    await b;
    expect(q.pending()).toBe(0);
  });

  it('runs different keys independently', async () => {
    const started: string[] = [];
    const q = new OrderedScriptQueue(undefined, (j) => {
      started.push(j.label);
      return new Promise<ScriptOutcome>(() => undefined);
    });
    void q.enqueue('rs1', job('a'));
    void q.enqueue('rs2', job('b'));
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['a', 'b']);
  });

  it('reports every outcome and keeps going after a failing or throwing job', async () => {
    const seen: string[] = [];
    const q = new OrderedScriptQueue(
      (key, j, o) => seen.push(`${key} ${j.label} ${o.kind}`),
      (j) => (j.label === 'boom' ? Promise.reject(new Error('boom')) : Promise.resolve(done(j.label === 'bad' ? 3 : 0))),
    );
    void q.enqueue('k', job('bad'));
    void q.enqueue('k', job('boom'));
    const last = q.enqueue('k', job('good'));
    expect(await last).toMatchObject({ kind: 'exited', code: 0 });
    expect(seen).toEqual(['k bad exited', 'k boom spawn-failed', 'k good exited']);
  });

  it('drain() waits for everything', async () => {
    const q = new OrderedScriptQueue(undefined, () => new Promise((res) => setTimeout(() => res(done()), 20)));
    void q.enqueue('a', job('1'));
    void q.enqueue('b', job('2'));
    await q.drain();
    expect(q.pending()).toBe(0);
  });

  it('with the real runner, a hanging script is timed out and the next one still runs', async () => {
    const scripts = resolve(import.meta.dirname, '../../../fixtures/checker/scripts');
    const q = new OrderedScriptQueue();
    const hung = q.enqueue('rs', { argv: [`${scripts}/hang-ignoring-term.sh`], uid: null, gid: null, timeoutMs: 200, label: 'hang' });
    const next = q.enqueue('rs', { argv: [`${scripts}/exit-with.sh`, '0'], uid: null, gid: null, timeoutMs: 1000, label: 'next' });
    expect(await hung).toMatchObject({ kind: 'signaled', timedOut: true });
    expect(await next).toMatchObject({ kind: 'exited', code: 0 });
  });
});
