import { describe, expect, it } from 'vitest';
import { IpvsCodec } from '../../../src/ipvs/IpvsCodec.js';
import { IpvsOperationEncoder } from '../../../src/ipvs/IpvsOperationEncoder.js';
import { reconcileIpvs } from '../../../src/ipvs/IpvsReconciler.js';
import { NLM_F_ACK } from '../../../src/netlink/NetlinkConstants.js';
import { SeededRandom } from '../netlink/support/SeededRandom.js';
import { mutateTable, randomTable } from './support/RandomIpvsTable.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('IpvsOperationEncoder', () => {
  it('produces the codec bytes for every kind of operation over seeded random tables', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = new SeededRandom(seed);
      const before = randomTable(random, 12, 5);
      const after = mutateTable(random, before, 100);
      const plans = [...reconcileIpvs(before, []), ...reconcileIpvs(after, before, { flush: true, removeDestsWithService: true })];
      const encoder = new IpvsOperationEncoder(37);
      plans.forEach((operation, i) => {
        expect(hex(encoder.encode(operation, 1000 + i, true))).toBe(hex(IpvsCodec.buildOperation({ familyId: 37, seq: 1000 + i }, operation)));
      });
      expect(new Set(plans.map((p) => p.kind)).size).toBeGreaterThanOrEqual(4);
    }
  });

  it('sets NLM_F_ACK only when asked', () => {
    const [operation] = reconcileIpvs(randomTable(new SeededRandom(3), 1, 0), []);
    const encoder = new IpvsOperationEncoder(37);
    const flags = (bytes: Uint8Array): number => new DataView(bytes.buffer).getUint16(6, true);
    expect(flags(encoder.encode(operation!, 1, true)) & NLM_F_ACK).toBe(NLM_F_ACK);
    expect(flags(encoder.encode(operation!, 2, false)) & NLM_F_ACK).toBe(0);
  });

  it('rejects values the codec rejects, with the codec\'s error', () => {
    const [operation] = reconcileIpvs([{ service: { kind: 'inet', af: 2, protocol: 'tcp', address: '192.0.2.1', port: 70000, scheduler: 'rr' }, dests: [] }], []);
    expect(() => new IpvsOperationEncoder(37).encode(operation!, 1, true)).toThrow(/port 70000 is outside/);
  });

  it('leaves out-of-range dest values to the codec, which rejects them', () => {
    const service = { kind: 'inet' as const, af: 2 as const, protocol: 'tcp' as const, address: '192.0.2.1', port: 80, scheduler: 'rr' };
    const dest = { af: 2 as const, address: '198.51.100.2', port: 80, forwarding: 'droute' as const, weight: -1 };
    expect(() => new IpvsOperationEncoder(37).encode({ kind: 'add-dest', service, dest }, 1, true)).toThrow(/weight -1 is outside/);
  });
});
