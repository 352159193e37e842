import { readdirSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ETH_P_ARP, ETH_P_NONE } from '../../../src/vrrp/io/LinkLayerConstants.js';
import { networkNamespacePath } from '../../../src/vrrp/io/NetworkNamespaceScope.js';
import type { NativePacketSocket, VigilNetBinding } from '../../../src/vrrp/io/VigilNetBinding.js';
import { hasNetnsSupport, waitFor } from '../../support/netns/index.js';
import { IFNAME, MAC, NativeTestBed } from './NativeTestBed.js';
import { gratuitousArpFrame } from './TestFrames.js';

const support = await hasNetnsSupport();
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) console.warn(`skipping addon contract tests: ${support.reason}`);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const THREAD_NETNS = '/proc/thread-self/ns/net';

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

/** The exception `fn` throws, as a plain record of the properties the addon sets. */
function thrown(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (e) {
    const err = e as Error & Record<string, unknown>;
    return { name: err.name, code: err.code, errno: err.errno, syscall: err.syscall, detail: err.detail, message: err.message };
  }
  throw new Error('nothing was thrown');
}

describe.skipIf(!support.ok && !mustRun)('vigil_net addon contract (errors, namespaces, lifetime)', () => {
  let bed: NativeTestBed;
  let addon: VigilNetBinding;
  let pathB: string;
  const inB = <T>(fn: () => T): T => addon.withNetworkNamespace(pathB, fn);

  beforeAll(async () => {
    bed = await NativeTestBed.create();
    addon = bed.binding;
    pathB = networkNamespacePath(bed.netns('b'));
  });

  afterAll(async () => {
    await bed?.destroy();
  });

  it('throws Errors that carry the errno name, number and system call', () => {
    expect(thrown(() => inB(() => new addon.PacketSocket(0x7ffffff0, ETH_P_ARP)))).toMatchObject({
      code: 'ENODEV',
      errno: 19,
      syscall: 'bind',
      detail: 'AF_PACKET',
    });
    expect(thrown(() => inB(() => addon.interfaceIndex('nope0')))).toMatchObject({ code: 'ENODEV', syscall: 'if_nametoindex' });
    const v6 = inB(() => new addon.Ipv6RawSocket(112));
    try {
      expect(thrown(() => v6.joinGroup('ff02::12', 0x7ffffff0))).toMatchObject({
        code: 'ENODEV',
        syscall: 'setsockopt',
        detail: 'IPV6_ADD_MEMBERSHIP',
      });
      expect(thrown(() => v6.setIntOption('IPV6_NOPE' as 'IPV6_TCLASS', 1))).toMatchObject({ name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
      expect(thrown(() => v6.joinGroup('2001:db8::1', 1))).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
      expect(thrown(() => v6.send(Buffer.alloc(8), 'ff02::12', null, 0, 300))).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
      expect(thrown(() => v6.send('payload' as unknown as Buffer, 'ff02::12', null, 0, -1))).toMatchObject({
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_TYPE',
      });
    } finally {
      v6.close();
    }
    const construct = addon.PacketSocket as unknown as (ifindex: number, protocol: number) => unknown;
    expect(thrown(() => construct(1, 0))).toMatchObject({ code: 'ERR_CONSTRUCT_CALL_REQUIRED' });
  });

  it('closes idempotently; a closed socket throws EBADF; foreign receivers are refused', () => {
    const socket = inB(() => new addon.PacketSocket(bed.ifindex('b'), ETH_P_NONE));
    expect(socket.closed).toBe(false);
    socket.close();
    socket.close();
    expect(socket.closed).toBe(true);
    expect(thrown(() => socket.send(Buffer.alloc(60)))).toMatchObject({ code: 'EBADF' });
    expect(thrown(() => socket.startReceiving(() => undefined))).toMatchObject({ code: 'EBADF' });

    const v6 = inB(() => new addon.Ipv6RawSocket(112));
    try {
      const send = (addon.PacketSocket.prototype as NativePacketSocket).send;
      expect(() => send.call(v6 as unknown as NativePacketSocket, Buffer.alloc(60))).toThrow(TypeError);
    } finally {
      v6.close();
    }
  });

  it('returns the thread to its own namespace, also when the function throws', () => {
    const home = statSync(THREAD_NETNS).ino;
    const target = statSync(pathB).ino;
    expect(target).not.toBe(home);
    expect(addon.withNetworkNamespace(pathB, () => statSync(THREAD_NETNS).ino)).toBe(target);
    expect(statSync(THREAD_NETNS).ino).toBe(home);

    const boom = new Error('boom');
    expect(() =>
      addon.withNetworkNamespace(pathB, () => {
        throw boom;
      }),
    ).toThrow(boom);
    expect(statSync(THREAD_NETNS).ino).toBe(home);
    expect(thrown(() => addon.withNetworkNamespace('/run/netns/vgl-does-not-exist', () => 1))).toMatchObject({ code: 'ENOENT', syscall: 'open' });
    expect(statSync(THREAD_NETNS).ino).toBe(home);
  });

  it('closes the descriptors of sockets dropped without close() once collected', async () => {
    const before = openDescriptors();
    const ifindex = bed.ifindex('b');
    (() => {
      for (let i = 0; i < 64; i++) inB(() => new addon.PacketSocket(ifindex, ETH_P_NONE));
    })();
    expect(openDescriptors()).toBeGreaterThanOrEqual(before + 64);
    // Node-API runs finalizers after GC, from the event loop: collect, then let it turn.
    await waitFor(
      () => {
        gc();
        return openDescriptors() <= before;
      },
      { timeoutMs: 10_000, intervalMs: 20, description: 'the dropped sockets’ descriptors to be closed' },
    );
  });

  it('keeps a receiving socket alive without a JS reference, calling back with it as `this`', async () => {
    const before = openDescriptors();
    let seen: { closedAfter: boolean; protocol: number } | undefined;
    (() => {
      const socket = inB(() => new addon.PacketSocket(bed.ifindex('b'), ETH_P_ARP));
      socket.startReceiving(function (this: NativePacketSocket, error, _frame, info) {
        if (error !== null || info === undefined) return;
        this.close();
        seen = { closedAfter: this.closed, protocol: info.protocol };
      });
    })();
    gc();
    const tx = addon.withNetworkNamespace(networkNamespacePath(bed.netns('a')), () => new addon.PacketSocket(bed.ifindex('a'), ETH_P_NONE));
    await waitFor(
      () => {
        tx.send(gratuitousArpFrame(MAC.a, '192.0.2.110'));
        return seen;
      },
      { timeoutMs: 10_000, intervalMs: 50, description: 'the unreferenced receiving socket to get a frame' },
    );
    tx.close();
    expect(seen).toEqual({ closedAfter: true, protocol: ETH_P_ARP });
    await waitFor(
      () => {
        gc();
        return openDescriptors() <= before;
      },
      { timeoutMs: 10_000, intervalMs: 20, description: 'descriptors back to the count before' },
    );
  });

  it('signals writability once per awaitWritable and refuses overlapping waits', async () => {
    const socket = inB(() => new addon.PacketSocket(bed.ifindex('b'), ETH_P_NONE));
    try {
      const writable = new Promise<Error | null>((resolve) => socket.awaitWritable(resolve));
      expect(thrown(() => socket.awaitWritable(() => undefined))).toMatchObject({ code: 'ERR_ALREADY_WAITING' });
      expect(await writable).toBeNull();
      // The one-shot is consumed: a new wait may start.
      await new Promise<Error | null>((resolve) => socket.awaitWritable(resolve));
    } finally {
      socket.close();
    }
  });

  it('uses the interface name the namespace knows', () => {
    expect(inB(() => addon.interfaceIndex(IFNAME))).toBe(bed.ifindex('b'));
  });
});
