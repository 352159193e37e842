import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../../../src/core/VigilError.js';
import { defaultAddonPath, isNativeSystemError, loadVigilNet, VIGIL_NET_ABI_VERSION } from '../../../../src/vrrp/io/VigilNetBinding.js';
import { errnoError } from './FakeVigilNet.js';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/native');

function failure(path: string): { code: string; details: Record<string, unknown> } {
  try {
    loadVigilNet(path);
  } catch (e) {
    if (isVigilError(e)) return { code: e.code, details: { ...e.details } };
    throw e;
  }
  throw new Error('loadVigilNet did not fail');
}

describe('loadVigilNet', () => {
  it('says NATIVE_ADDON_MISSING, naming the path and the build command, when nothing is built', () => {
    const path = resolve(FIXTURES, 'no-such-addon.node');
    expect(failure(path)).toEqual({ code: 'NATIVE_ADDON_MISSING', details: { addonPath: path } });
    try {
      loadVigilNet(path);
    } catch (e) {
      expect((e as Error).message).toContain('npm run build:native');
    }
  });

  it('says NATIVE_ADDON_LOAD_FAILED when Node refuses the file', () => {
    expect(failure(resolve(FIXTURES, 'addon-throws.cjs')).code).toBe('NATIVE_ADDON_LOAD_FAILED');
  });

  it('says NATIVE_ADDON_INCOMPATIBLE for an addon of another ABI version', () => {
    const path = resolve(FIXTURES, 'addon-abi-0.cjs');
    expect(failure(path)).toEqual({ code: 'NATIVE_ADDON_INCOMPATIBLE', details: { addonPath: path, abiVersion: 0 } });
  });

  it('says NATIVE_ADDON_INCOMPATIBLE for an addon built before the timerfd (ABI 1)', () => {
    const path = resolve(FIXTURES, 'addon-abi-1.cjs');
    expect(failure(path)).toEqual({ code: 'NATIVE_ADDON_INCOMPATIBLE', details: { addonPath: path, abiVersion: 1 } });
  });

  it('loads a compatible addon once per path', () => {
    const path = resolve(FIXTURES, 'addon-abi-2.cjs');
    const first = loadVigilNet(path);
    expect(first.abiVersion).toBe(VIGIL_NET_ABI_VERSION);
    expect(loadVigilNet(path)).toBe(first);
  });

  it('looks for the addon under native/build/Release of the package', () => {
    expect(defaultAddonPath().endsWith('/native/build/Release/vigil_net.node')).toBe(true);
  });

  it('tells addon errors from other errors', () => {
    expect(isNativeSystemError(errnoError('EPERM', 'socket'))).toBe(true);
    expect(isNativeSystemError(new Error('Operation not permitted'))).toBe(false);
    expect(isNativeSystemError({ code: 'EPERM', syscall: 'socket' })).toBe(false);
  });
});
