import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../../src/core/VigilError.js';
import { OrderedSender, type WritableNotifier } from '../../../../src/vrrp/io/OrderedSender.js';
import { errnoError } from './FakeVigilNet.js';

/** A notifier the test fires by hand, like the event loop reporting POLLOUT. */
class ManualNotifier implements WritableNotifier {
  waiters: ((e: Error | null) => void)[] = [];
  awaitWritable(callback: (error: Error | null) => void): void {
    this.waiters.push(callback);
  }
  fire(error: Error | null = null): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w(error);
  }
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('OrderedSender', () => {
  it('sends at once when the socket takes the packet', async () => {
    const sender = new OrderedSender(new ManualNotifier());
    await expect(sender.send(() => 42)).resolves.toBe(42);
  });

  it('waits for writability after EAGAIN, retries, and keeps later sends behind it', async () => {
    const notifier = new ManualNotifier();
    const sender = new OrderedSender(notifier);
    const order: string[] = [];
    let full = true;
    const first = sender.send(() => {
      if (full) throw errnoError('EAGAIN');
      order.push('first');
      return 1;
    });
    const second = sender.send(() => {
      order.push('second');
      return 2;
    });
    await settle();
    expect(order).toEqual([]);
    expect(notifier.waiters).toHaveLength(1);
    full = false;
    notifier.fire();
    await expect(first).resolves.toBe(1);
    await expect(second).resolves.toBe(2);
    expect(order).toEqual(['first', 'second']);
  });

  it('fails only the send that hit another error', async () => {
    const sender = new OrderedSender(new ManualNotifier());
    const failing = sender.send(() => {
      throw errnoError('ENETUNREACH');
    });
    const next = sender.send(() => 5);
    await expect(failing).rejects.toMatchObject({ code: 'ENETUNREACH' });
    await expect(next).resolves.toBe(5);
  });

  it('gives up after the attempt limit', async () => {
    const notifier = new ManualNotifier();
    const sender = new OrderedSender(notifier, 3);
    let attempts = 0;
    const send = sender.send(() => {
      attempts++;
      throw errnoError('EAGAIN');
    });
    for (let i = 0; i < 2; i++) {
      await settle();
      notifier.fire();
    }
    await expect(send).rejects.toMatchObject({ code: 'EAGAIN' });
    expect(attempts).toBe(3);
  });

  it('passes on a failure reported while waiting', async () => {
    const notifier = new ManualNotifier();
    const sender = new OrderedSender(notifier);
    const send = sender.send(() => {
      throw errnoError('EAGAIN');
    });
    await settle();
    notifier.fire(errnoError('ENETDOWN', 'poll'));
    await expect(send).rejects.toMatchObject({ code: 'ENETDOWN' });
  });

  it('rejects the waiting send and every later one once aborted', async () => {
    const notifier = new ManualNotifier();
    const sender = new OrderedSender(notifier);
    const waiting = sender.send(() => {
      throw errnoError('EAGAIN');
    });
    await settle();
    const closed = new VigilError('VRRP_IO_CLOSED', 'closed');
    sender.abort(closed);
    await expect(waiting).rejects.toBe(closed);
    await expect(sender.send(() => 1)).rejects.toBe(closed);
    // A late writability report after the abort changes nothing.
    notifier.fire();
  });
});
