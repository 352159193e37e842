import { describe, expect, it } from 'vitest';
import { errnoNameOfStrerror } from '../../../../src/vrrp/io/StrerrorMessage.js';

describe('errnoNameOfStrerror (raw-socket error messages)', () => {
  it('maps glibc strerror texts to errno names', () => {
    expect(errnoNameOfStrerror('Operation not permitted')).toBe('EPERM');
    expect(errnoNameOfStrerror('No such device')).toBe('ENODEV');
    expect(errnoNameOfStrerror('Network is unreachable')).toBe('ENETUNREACH');
    expect(errnoNameOfStrerror('Resource temporarily unavailable')).toBe('EAGAIN');
    expect(errnoNameOfStrerror('No buffer space available')).toBe('ENOBUFS');
    expect(errnoNameOfStrerror('Protocol not available')).toBe('ENOPROTOOPT');
  });

  it('knows the glibc wordings that differ from libuv’s', () => {
    expect(errnoNameOfStrerror('Cannot assign requested address')).toBe('EADDRNOTAVAIL');
    expect(errnoNameOfStrerror('No route to host')).toBe('EHOSTUNREACH');
    expect(errnoNameOfStrerror('Cannot allocate memory')).toBe('ENOMEM');
  });

  it('ignores case and surrounding space, and answers undefined for other text', () => {
    expect(errnoNameOfStrerror('  operation NOT permitted ')).toBe('EPERM');
    expect(errnoNameOfStrerror('Invalid IP address \'x\'')).toBeUndefined();
    expect(errnoNameOfStrerror('')).toBeUndefined();
  });
});
