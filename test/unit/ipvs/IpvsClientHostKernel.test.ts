import { existsSync, readdirSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../../src/core/VigilError.js';
import { IpvsClient } from '../../../src/ipvs/IpvsClient.js';

/** Whether this host's kernel could offer IPVS: built in (/proc/net/ip_vs) or as a loadable module. */
function hostMayHaveIpvs(): boolean {
  if (existsSync('/proc/net/ip_vs')) return true;
  const dir = join('/lib/modules', release(), 'kernel/net/netfilter/ipvs');
  return existsSync(dir) && readdirSync(dir).some((f) => f.startsWith('ip_vs.ko'));
}

// The development and CI kernel has no IPVS: the real socket must say so plainly.
describe.skipIf(hostMayHaveIpvs())('IpvsClient on a kernel without IPVS (the host)', () => {
  it('opens a real NETLINK_GENERIC socket and fails with IPVS_UNAVAILABLE', async () => {
    const error = await IpvsClient.open().catch((e: unknown) => e);
    expect(isVigilError(error, 'IPVS_UNAVAILABLE'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/^IPVS unavailable: /);
  });
});
