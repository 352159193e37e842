import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../../src/core/VigilError.js';
import { isWouldBlock, systemErrorCodeOf, vrrpIoError } from '../../../../src/vrrp/io/VrrpIoError.js';
import { errnoError } from './FakeVigilNet.js';

describe('VrrpIoError', () => {
  it('reads the errno name from addon errors and from raw-socket messages', () => {
    expect(systemErrorCodeOf(errnoError('EPERM', 'socket'))).toBe('EPERM');
    expect(systemErrorCodeOf(new Error('No such device'))).toBe('ENODEV');
    expect(systemErrorCodeOf('EPERM')).toBeUndefined();
    expect(systemErrorCodeOf(new Error('something else'))).toBeUndefined();
  });

  it('recognises a full socket buffer however it is spelled', () => {
    expect(isWouldBlock(errnoError('EAGAIN'))).toBe(true);
    expect(isWouldBlock(errnoError('EWOULDBLOCK'))).toBe(true);
    expect(isWouldBlock(new Error('Resource temporarily unavailable'))).toBe(true);
    expect(isWouldBlock(errnoError('ENOBUFS'))).toBe(false);
  });

  it('wraps a cause with a stable code, the errno and the system call', () => {
    const cause = errnoError('ENETDOWN', 'recvfrom');
    const e = vrrpIoError('VRRP_IO_RECEIVE_FAILED', 'receiving on eth0', cause, { ifname: 'eth0' });
    expect(e).toBeInstanceOf(VigilError);
    expect(e.code).toBe('VRRP_IO_RECEIVE_FAILED');
    expect(e.message).toBe('receiving on eth0: recvfrom ENETDOWN');
    expect(e.details).toEqual({ ifname: 'eth0', errno: 'ENETDOWN', syscall: 'recvfrom' });
    expect(e.cause).toBe(cause);
  });

  it('passes a VigilError through unchanged', () => {
    const inner = new VigilError('VRRP_IO_CLOSED', 'closed');
    expect(vrrpIoError('VRRP_IO_SEND_FAILED', 'sending', inner)).toBe(inner);
  });
});
