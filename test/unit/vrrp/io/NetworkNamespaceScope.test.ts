import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../../../src/core/VigilError.js';
import { inNetworkNamespace, interfaceIndexOf, networkNamespacePath } from '../../../../src/vrrp/io/NetworkNamespaceScope.js';
import { FakeVigilNet } from './FakeVigilNet.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isVigilError(e) ? e.code : 'not a VigilError';
  }
  return undefined;
}

describe('network namespace scope', () => {
  it('turns names into /run/netns paths and keeps absolute paths', () => {
    expect(networkNamespacePath('vgl-1-a')).toBe('/run/netns/vgl-1-a');
    expect(networkNamespacePath('/proc/123/ns/net')).toBe('/proc/123/ns/net');
    for (const bad of ['', '..', '.hidden', 'a/b', '../etc/passwd']) {
      expect(codeOf(() => networkNamespacePath(bad))).toBe('VRRP_IO_BAD_ARGUMENT');
    }
  });

  it('runs in place when no namespace is given', () => {
    const fake = new FakeVigilNet();
    expect(inNetworkNamespace(fake.binding(), undefined, () => fake.currentNamespace)).toBe('home');
  });

  it('runs the function inside the namespace and comes back', () => {
    const fake = new FakeVigilNet();
    expect(inNetworkNamespace(fake.binding(), 'lab', () => fake.currentNamespace)).toBe('/run/netns/lab');
    expect(fake.currentNamespace).toBe('home');
  });

  it('lets the function’s own error through untouched', () => {
    const fake = new FakeVigilNet();
    const own = new Error('from fn');
    expect(() =>
      inNetworkNamespace(fake.binding(), 'lab', () => {
        throw own;
      }),
    ).toThrow(own);
  });

  it('reports a namespace it cannot enter as VRRP_IO_NETNS_FAILED with the errno', () => {
    const fake = new FakeVigilNet();
    try {
      inNetworkNamespace(fake.binding(), 'missing', () => 1);
      expect.unreachable();
    } catch (e) {
      expect(isVigilError(e, 'VRRP_IO_NETNS_FAILED')).toBe(true);
      expect((e as { details: unknown }).details).toMatchObject({ netns: 'missing', path: '/run/netns/missing', errno: 'ENOENT' });
    }
  });

  it('reports an unknown interface as VRRP_IO_INTERFACE_NOT_FOUND', () => {
    const fake = new FakeVigilNet();
    expect(interfaceIndexOf(fake.binding(), 'eth0')).toBe(7);
    expect(codeOf(() => interfaceIndexOf(fake.binding(), 'eth9'))).toBe('VRRP_IO_INTERFACE_NOT_FOUND');
  });
});
