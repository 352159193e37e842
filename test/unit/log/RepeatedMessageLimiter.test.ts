import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/Logger.js';
import { RepeatedMessageLimiter } from '../../../src/log/RepeatedMessageLimiter.js';

describe('RepeatedMessageLimiter', () => {
  it('lets a burst through, counts the rest, and reports the count when the window closes', () => {
    let now = 0;
    const limiter = new RepeatedMessageLimiter({ windowMs: 60_000, burst: 3 }, () => now);
    const writes = Array.from({ length: 10 }, () => limiter.admit(40, 'bad advert').write);
    expect(writes).toEqual([true, true, true, false, false, false, false, false, false, false]);
    now = 59_999;
    expect(limiter.expire()).toEqual([]);
    now = 60_000;
    const next = limiter.admit(40, 'bad advert');
    expect(next.write).toBe(true);
    expect(next.closed).toEqual([{ key: '40\u0000bad advert', level: 40, msg: 'bad advert', count: 7, windowMs: 60_000 }]);
  });

  it('keeps messages and levels apart and forgets windows with nothing held back', () => {
    let now = 0;
    const limiter = new RepeatedMessageLimiter({ windowMs: 1_000, burst: 1 }, () => now);
    expect(limiter.admit(40, 'a').write).toBe(true);
    expect(limiter.admit(50, 'a').write).toBe(true);
    expect(limiter.admit(40, 'b').write).toBe(true);
    expect(limiter.admit(40, 'a').write).toBe(false);
    now = 1_000;
    expect(limiter.expire().map((h) => [h.level, h.msg, h.count])).toEqual([[40, 'a', 1]]);
    expect(limiter.tracking).toBe(0);
  });
});

describe('createLogger with the repeat limit', () => {
  const capture = (): { lines: () => Record<string, unknown>[]; stream: Writable } => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done): void {
        chunks.push(chunk.toString());
        done();
      },
    });
    return { stream, lines: () => chunks.join('').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>) };
  };

  it('limits repeated warnings but never info lines such as transitions', async () => {
    const out = capture();
    const log = createLogger({ console: false, detail: false, destination: out.stream, repeatLimit: { windowMs: 60_000, burst: 2 } });
    for (let i = 0; i < 5; i++) log.warn({ instance: 'VI_1' }, '(VI_1) bad advert');
    for (let i = 0; i < 5; i++) log.info({ instance: 'VI_1' }, '(VI_1) Entering MASTER STATE');
    await new Promise((r) => setImmediate(r));
    const lines = out.lines();
    expect(lines.filter((l) => l['msg'] === '(VI_1) bad advert')).toHaveLength(2);
    expect(lines.filter((l) => l['msg'] === '(VI_1) Entering MASTER STATE')).toHaveLength(5);
  });

  it('can be switched off', async () => {
    const out = capture();
    const log = createLogger({ console: false, detail: false, destination: out.stream, repeatLimit: null });
    for (let i = 0; i < 5; i++) log.error('same');
    await new Promise((r) => setImmediate(r));
    expect(out.lines()).toHaveLength(5);
  });
});
