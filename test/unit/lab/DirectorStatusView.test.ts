import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readDirectorStatus } from '../../../src/lab/DirectorStatusView.js';

/** `vigil status --json` of the lab's d1 on a kernel without IPVS (parent + VRRP and checker children). */
const captured: unknown = JSON.parse(readFileSync(new URL('../../fixtures/lab/director-status-no-ipvs.json', import.meta.url), 'utf8'));

describe('readDirectorStatus', () => {
  it("reads the checkers' verdict per real server and the IPVS side's refusal from a real status", () => {
    expect(readDirectorStatus(captured)).toEqual({
      realServers: [
        { address: '198.51.100.11', port: 80, up: true, reason: null },
        { address: '198.51.100.12', port: 80, up: true, reason: null },
      ],
      ipvs: { kind: 'unavailable', reason: expect.stringMatching(/^IPVS_UNAVAILABLE: /) as unknown as string },
    });
  });

  it('says "no checkers" for status.checkers = null and "absent" for status.ipvs = null', () => {
    expect(readDirectorStatus({ checkers: null, ipvs: null })).toEqual({ realServers: null, ipvs: { kind: 'absent' } });
  });

  it('reads a down real server with its reason, and a programming IPVS side', () => {
    const view = readDirectorStatus({
      checkers: {
        virtualServers: [{ realServers: [{ address: { address: '198.51.100.11', family: 'inet' }, port: 80, up: false, reason: 'connect-refused' }] }],
      },
      ipvs: { running: true, ownedServices: 1, ownedDests: 1, passes: 3, lastPass: null, lastError: null },
    });
    expect(view).toEqual({
      realServers: [{ address: '198.51.100.11', port: 80, up: false, reason: 'connect-refused' }],
      ipvs: { kind: 'programmed', running: true, services: 1, dests: 1, lastError: null },
    });
  });

  it('gives "nothing known" for shapes it does not recognise instead of throwing', () => {
    for (const v of [undefined, null, 'status', [], { checkers: { virtualServers: 'x' } }]) {
      expect(readDirectorStatus(v)).toEqual({ realServers: null, ipvs: { kind: 'absent' } });
    }
    expect(readDirectorStatus({ checkers: { virtualServers: [{ realServers: [{ address: '198.51.100.11', up: 'yes' }] }] } }).realServers).toEqual([]);
  });
});
