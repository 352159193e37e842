import { describe, expect, it } from 'vitest';
import { ConcurrencyGate } from '../../../../src/checker/engine/ConcurrencyGate.js';
import { LatenessHistogram } from '../../../../src/checker/engine/LatenessHistogram.js';
import { checkerMessage } from '../../../../src/checker/engine/CheckerMessages.js';
import { probeFailure, probeSuccess } from '../../../../src/checker/probe/ProbeOutcome.js';

describe('ConcurrencyGate', () => {
  it('runs up to capacity at once and the rest in arrival order as units free up', () => {
    const g = new ConcurrencyGate(3);
    const started: string[] = [];
    g.run(1, () => started.push('a'));
    g.run(2, () => started.push('b'));
    g.run(1, () => started.push('c'));
    g.run(1, () => started.push('d'));
    expect(started).toEqual(['a', 'b']);
    expect(g.waiting).toBe(2);
    g.release(1);
    expect(started).toEqual(['a', 'b', 'c']);
    g.release(2);
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    expect(g.inUse).toBe(2);
  });

  it('does not let a small job overtake a waiting big one', () => {
    const g = new ConcurrencyGate(2);
    const started: string[] = [];
    g.run(1, () => started.push('a'));
    g.run(2, () => started.push('big'));
    g.run(1, () => started.push('small'));
    expect(started).toEqual(['a']);
    g.release(1);
    expect(started).toEqual(['a', 'big']);
  });
});

describe('LatenessHistogram', () => {
  it('reports percentiles within a bucket (about 4 %)', () => {
    const h = new LatenessHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i / 10);
    expect(h.count).toBe(1000);
    expect(h.percentileMs(50)).toBeGreaterThanOrEqual(50);
    expect(h.percentileMs(50)).toBeLessThanOrEqual(52.5);
    expect(h.percentileMs(99)).toBeGreaterThanOrEqual(99);
    expect(h.percentileMs(99)).toBeLessThanOrEqual(100);
    expect(h.maxMs).toBe(100);
  });

  it('counts early (negative) starts as on time', () => {
    const h = new LatenessHistogram();
    h.record(-5);
    expect(h.percentileMs(100)).toBe(0);
  });
});

describe('checkerMessage (keepalived 2.2.7 wording)', () => {
  const ctx = { rs: '[198.51.100.11]:tcp:80', vs: '[203.0.113.100]:tcp:80', program: '/usr/local/bin/check.sh' };
  it('TCP_CHECK', () => {
    expect(checkerMessage({ kind: 'success' }, probeSuccess('x'), { ...ctx, type: 'TCP_CHECK' })).toBe('TCP connection to [198.51.100.11]:tcp:80 success.');
    expect(checkerMessage({ kind: 'failed', retries: 3 }, probeFailure('connect-refused', ''), { ...ctx, type: 'TCP_CHECK' })).toBe('TCP_CHECK on service [198.51.100.11]:tcp:80 failed after 3 retries.');
    expect(checkerMessage({ kind: 'attempt-failed', attempt: 1, retry: 1 }, probeFailure('connect-timeout', ''), { ...ctx, type: 'TCP_CHECK' })).toBe('TCP connection to [198.51.100.11]:tcp:80 timeout.');
  });
  it('HTTP_GET', () => {
    expect(checkerMessage({ kind: 'success' }, probeSuccess('x'), { ...ctx, type: 'HTTP_GET' })).toBe('Remote Web server [198.51.100.11]:tcp:80 succeed on service.');
    expect(checkerMessage({ kind: 'failed', retries: 0 }, probeFailure('http-status', ''), { ...ctx, type: 'SSL_GET' })).toBe('HTTP_CHECK on service [198.51.100.11]:tcp:80 failed.');
    expect(checkerMessage({ kind: 'attempt-failed', attempt: 1, retry: 1 }, probeFailure('digest-mismatch', ''), { ...ctx, type: 'HTTP_GET' })).toBe('MD5 digest error to server [198.51.100.11]:tcp:80.');
  });
  it('MISC_CHECK', () => {
    expect(checkerMessage({ kind: 'success' }, probeSuccess('x', 0), { ...ctx, type: 'MISC_CHECK' })).toBe('Misc check for [[198.51.100.11]:tcp:80 VS [203.0.113.100]:tcp:80] by [/usr/local/bin/check.sh] succeeded.');
    expect(checkerMessage({ kind: 'failed', retries: 0 }, probeFailure('misc-exit', 'exit 1', 1), { ...ctx, type: 'MISC_CHECK' })).toBe('Misc check for [[198.51.100.11]:tcp:80 VS [203.0.113.100]:tcp:80] by [/usr/local/bin/check.sh] failed with retry disabled (exited with status 1).');
    expect(checkerMessage({ kind: 'failed', retries: 2 }, probeFailure('misc-timeout', 'killed'), { ...ctx, type: 'MISC_CHECK' })).toBe('Misc check for [[198.51.100.11]:tcp:80 VS [203.0.113.100]:tcp:80] by [/usr/local/bin/check.sh] timed out after 2 retries.');
    expect(checkerMessage({ kind: 'failed', retries: 1 }, probeFailure('misc-exit', 'exit 3', 3), { ...ctx, type: 'MISC_CHECK' })).toContain('failed after 1 retry (exited with status 3).');
    expect(checkerMessage({ kind: 'attempt-failed', attempt: 1, retry: 2 }, probeFailure('misc-exit', 'exit 1', 1), { ...ctx, type: 'MISC_CHECK' })).toContain('failed, will do 2 retries (exited with status 1).');
    expect(checkerMessage({ kind: 'attempt-failed', attempt: 2, retry: 2 }, probeFailure('misc-exit', 'exit 1', 1), { ...ctx, type: 'MISC_CHECK' })).toContain('failed on retry 1/2 (exited with status 1).');
  });
});
