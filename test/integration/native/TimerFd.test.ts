import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  loadVigilNet,
  VIGIL_NET_ABI_VERSION,
  VIGIL_NET_FUNCTIONS,
  type NativeTimerFd,
  type VigilNetBinding,
} from '../../../src/vrrp/io/VigilNetBinding.js';
import { SYSTEM_MONOTONIC_CLOCK } from '../../../src/vrrp/runtime/MonotonicClock.js';
import { SystemTimerWakeup } from '../../../src/vrrp/runtime/SystemTimerWakeup.js';
import { ensureVigilNetBuilt } from './NativeAddonBuild.js';

// The timerfd needs no privileges and no namespace: these run wherever the addon builds.
const ADDON = ensureVigilNetBuilt();
const addon: VigilNetBinding = loadVigilNet(ADDON);

const EINVAL = 22;
const EBADF = 9;
const EMFILE = 24;

/** Lets the event loop run for about `ms` (a bound on waiting, never asserted on). */
const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

/** One timerfd whose expiries are recorded with CLOCK_MONOTONIC at the time of each callback. */
function recordingTimer(): { timer: NativeTimerFd; expiries: { errno: number; expirations: number; atNs: bigint }[] } {
  const expiries: { errno: number; expirations: number; atNs: bigint }[] = [];
  const timer = addon.openTimerFd((errno, expirations) => expiries.push({ errno, expirations, atNs: addon.monotonicNowNs() }));
  if (typeof timer === 'number') throw new Error(`timerfd_create failed: errno ${timer}`);
  return { timer, expiries };
}

/** Waits (bounded) until `expiries` has `count` entries. */
async function untilExpired(expiries: readonly unknown[], count: number): Promise<void> {
  for (let i = 0; i < 500 && expiries.length < count; i++) await settle(10);
}

/** Runs `body` in a fresh node with the addon as `addon`; returns its exit status and output. */
function inChild(body: string, wrapper: readonly string[] = []): { status: number | null; stdout: string; stderr: string } {
  const script = `const addon = require(${JSON.stringify(ADDON)});\n${body}`;
  const argv = [...wrapper, process.execPath, '-e', script];
  const [command, ...args] = argv;
  const r = spawnSync(command ?? process.execPath, args, { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('vigil_net timerfd', () => {
  it('is the ABI the TypeScript expects, exporting exactly the functions the typed binding declares', () => {
    expect(addon.abiVersion).toBe(VIGIL_NET_ABI_VERSION);
    const exported = Object.entries(addon)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name);
    expect(new Set(exported)).toEqual(new Set(VIGIL_NET_FUNCTIONS));
  });

  it('reads CLOCK_MONOTONIC, the clock process.hrtime.bigint() and performance.now() read', async () => {
    for (let i = 0; i < 5; i++) {
      const before = process.hrtime.bigint();
      const native = addon.monotonicNowNs();
      const after = process.hrtime.bigint();
      expect(native >= before && native <= after).toBe(true);
    }
    // performance.now() is uv_hrtime() minus a fixed origin: the origin bracketed now and
    // after the loop has run a while must overlap (1 µs for the double's rounding).
    const origin = (): [bigint, bigint] => {
      const before = process.hrtime.bigint();
      const ms = performance.now();
      const after = process.hrtime.bigint();
      const msNs = BigInt(Math.round(ms * 1e6));
      return [before - msNs - 1000n, after - msNs + 1000n];
    };
    const [low1, high1] = origin();
    await settle(30);
    const [low2, high2] = origin();
    expect(low1 <= high2 && low2 <= high1).toBe(true);
  });

  it('fires once, on the event loop, at or after its absolute deadline', async () => {
    const { timer, expiries } = recordingTimer();
    const deadline = addon.monotonicNowNs() + 15_300_000n; // 15.3 ms: not a whole millisecond
    expect(timer.arm(deadline)).toBe(0);
    expect(expiries).toEqual([]);
    await untilExpired(expiries, 1);
    await settle(50);
    expect(expiries).toHaveLength(1);
    const [expiry] = expiries;
    expect(expiry?.errno).toBe(0);
    expect(expiry?.expirations).toBe(1);
    expect((expiry?.atNs ?? 0n) >= deadline).toBe(true);
    timer.close();
  });

  it('fires at once (never inside arm) for a deadline already passed, and can be armed again from its callback', async () => {
    const expiries: bigint[] = [];
    const deadlines: bigint[] = [];
    let rearm: (deadline: bigint) => number = () => EBADF;
    const timer = addon.openTimerFd(() => {
      expiries.push(addon.monotonicNowNs());
      if (expiries.length < 3) {
        const next = addon.monotonicNowNs() + 2_000_000n;
        deadlines.push(next);
        expect(rearm(next)).toBe(0);
      }
    });
    if (typeof timer === 'number') throw new Error(`timerfd_create failed: errno ${timer}`);
    rearm = (deadline) => timer.arm(deadline);
    const past = addon.monotonicNowNs() - 5_000_000n;
    deadlines.push(past);
    expect(timer.arm(past)).toBe(0);
    expect(expiries).toEqual([]);
    await untilExpired(expiries, 3);
    await settle(30);
    expect(expiries).toHaveLength(3);
    expiries.forEach((at, i) => expect(at >= (deadlines[i] ?? at + 1n)).toBe(true));
    timer.close();
  });

  it('disarms: nothing fires, and re-arming replaces the earlier deadline', async () => {
    const { timer, expiries } = recordingTimer();
    expect(timer.arm(addon.monotonicNowNs() + 10_000_000n)).toBe(0);
    expect(timer.disarm()).toBe(0);
    expect(timer.disarm()).toBe(0);
    await settle(60);
    expect(expiries).toEqual([]);

    expect(timer.arm(addon.monotonicNowNs() + 10_000_000_000n)).toBe(0); // 10 s away
    const soon = addon.monotonicNowNs() + 5_000_000n;
    expect(timer.arm(soon)).toBe(0);
    await untilExpired(expiries, 1);
    await settle(30);
    expect(expiries).toHaveLength(1);
    expect((expiries[0]?.atNs ?? 0n) >= soon).toBe(true);
    timer.close();
  });

  it('closes idempotently: the descriptor goes, a pending expiry never comes, arm says EBADF', async () => {
    const before = openDescriptors();
    const { timer, expiries } = recordingTimer();
    expect(openDescriptors()).toBe(before + 1);
    expect(timer.closed).toBe(false);
    expect(timer.arm(addon.monotonicNowNs() + 5_000_000n)).toBe(0);
    timer.close();
    timer.close();
    expect(timer.closed).toBe(true);
    expect(openDescriptors()).toBe(before);
    expect(timer.arm(addon.monotonicNowNs() + 1_000_000n)).toBe(EBADF);
    expect(timer.disarm()).toBe(0);
    await settle(40);
    expect(expiries).toEqual([]);
  });

  it('answers errnos for bad deadlines and throws only for programming errors', () => {
    const { timer } = recordingTimer();
    expect(timer.arm(0n)).toBe(EINVAL); // an all-zero it_value would disarm instead
    expect(timer.arm(-1n)).toBe(EINVAL);
    expect(timer.arm(2n ** 70n)).toBe(EINVAL);
    expect(() => (timer.arm as (d: unknown) => number)(5)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => timer.arm.call({}, 1n)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_THIS' }));
    expect(() => (addon.openTimerFd as (cb: unknown) => unknown)('not a function')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    timer.close();
  });

  it.skipIf(!existsSync('/usr/bin/prlimit'))('answers EMFILE from timerfd_create instead of throwing', () => {
    const r = inChild(
      `const timers = []; let r;
       for (let i = 0; i < 1000; i++) { r = addon.openTimerFd(() => {}); if (typeof r === 'number') break; timers.push(r); }
       console.log(JSON.stringify({ result: r, opened: timers.length }));`,
      ['/usr/bin/prlimit', '--nofile=64'],
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { result: unknown; opened: number };
    expect(out.result).toBe(EMFILE);
    expect(out.opened).toBeGreaterThan(0);
  });

  it('keeps the process alive while armed, and not while idle (like setTimeout)', () => {
    const armed = inChild(
      `const t = addon.openTimerFd((errno, n) => { console.log('fired', errno, n); });
       t.arm(addon.monotonicNowNs() + 30000000n);`,
    );
    expect(armed).toMatchObject({ status: 0, stdout: 'fired 0 1\n' });
    const idle = inChild(
      `const t = addon.openTimerFd(() => console.log('fired'));
       t.arm(addon.monotonicNowNs() + 60000000000n); t.disarm(); console.log('idle');`,
    );
    expect(idle).toMatchObject({ status: 0, stdout: 'idle\n' });
  });
});

describe('SystemTimerWakeup with the addon', () => {
  it('uses the timerfd and wakes once, never before the due time on performance.now()', async () => {
    const woken: number[] = [];
    const wakeup = new SystemTimerWakeup(SYSTEM_MONOTONIC_CLOCK, () => woken.push(SYSTEM_MONOTONIC_CLOCK.nowMs));
    expect(wakeup.mechanism).toBe('timerfd');
    const due = SYSTEM_MONOTONIC_CLOCK.nowMs + 12.345;
    wakeup.wakeAt(due);
    expect(woken).toEqual([]);
    await untilExpired(woken, 1);
    await settle(30);
    expect(woken).toHaveLength(1);
    expect(woken[0] ?? 0).toBeGreaterThanOrEqual(due);
    wakeup.close();
  });
});
