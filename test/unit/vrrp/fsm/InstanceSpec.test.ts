import { describe, expect, it } from 'vitest';
import { KEEPALIVED_GARP_DEFAULTS, resolveInstanceSpec, type InstanceSpec } from '../../../../src/vrrp/fsm/InstanceSpec.js';

const base: InstanceSpec = {
  name: 'VI_1',
  vrid: 51,
  version: 2,
  family: 'ipv4',
  basePriority: 100,
  advertIntervalCs: 100,
  preempt: true,
  primaryAddress: '192.0.2.1',
  vips: ['192.0.2.100'],
};

function problems(spec: InstanceSpec): string[] {
  const r = resolveInstanceSpec(spec);
  return r.ok ? [] : r.problems.map((p) => p.code);
}

describe('resolveInstanceSpec', () => {
  it('applies keepalived 2.2.7 defaults', () => {
    const r = resolveInstanceSpec(base);
    if (!r.ok) throw new Error('expected ok');
    expect(r.warnings).toEqual([]);
    expect(r.spec).toMatchObject({
      initialState: 'BACKUP',
      preemptDelayMs: 0,
      accept: true,
      lowerPrioNoAdvert: false,
      higherPrioSendAdvert: false,
      downTimerAdverts: 3,
      garp: KEEPALIVED_GARP_DEFAULTS,
    });
    const owner = resolveInstanceSpec({ ...base, basePriority: 255, accept: false });
    expect(owner.ok && owner.spec.initialState).toBe('MASTER');
    expect(owner.ok && owner.spec.accept).toBe(true); // the owner always accepts (RFC 5798 §6.1)
  });

  it('clears nopreempt and preempt_delay where keepalived does, with its warnings', () => {
    const ownerNoPreempt = resolveInstanceSpec({ ...base, basePriority: 255, preempt: false });
    expect(ownerNoPreempt.ok && ownerNoPreempt.spec.preempt).toBe(true);
    expect(ownerNoPreempt.ok && ownerNoPreempt.warnings[0]).toContain('nopreempt is incompatible with priority 255');

    const masterWithDelay = resolveInstanceSpec({ ...base, initialState: 'MASTER', preemptDelayMs: 5000 });
    expect(masterWithDelay.ok && masterWithDelay.spec.preemptDelayMs).toBe(0);
    expect(masterWithDelay.ok && masterWithDelay.warnings).toEqual([
      '(VI_1) Warning - preempt delay will not work with initial state MASTER - clearing',
    ]);

    const noPreemptDelay = resolveInstanceSpec({ ...base, preempt: false, preemptDelayMs: 5000 });
    expect(noPreemptDelay.ok && noPreemptDelay.spec.preemptDelayMs).toBe(0);
  });

  it('rejects out-of-range fields with stable codes', () => {
    expect(problems({ ...base, vrid: 0 })).toEqual(['VRRP_SPEC_VRID_RANGE']);
    expect(problems({ ...base, vrid: 256 })).toEqual(['VRRP_SPEC_VRID_RANGE']);
    expect(problems({ ...base, basePriority: 0 })).toEqual(['VRRP_SPEC_PRIORITY_RANGE']);
    expect(problems({ ...base, advertIntervalCs: 4096, version: 3 })).toEqual(['VRRP_SPEC_INTERVAL_RANGE']);
    expect(problems({ ...base, advertIntervalCs: 50 })).toEqual(['VRRP_SPEC_INTERVAL_V2']);
    expect(problems({ ...base, primaryAddress: '2001:db8::1' })).toEqual(['VRRP_SPEC_PRIMARY_ADDRESS']);
    expect(problems({ ...base, family: 'ipv6', primaryAddress: 'fe80::1' })).toEqual(['VRRP_SPEC_V2_IPV6']);
    expect(problems({ ...base, downTimerAdverts: 0 })).toEqual(['VRRP_SPEC_DOWN_TIMER_ADVERTS']);
    expect(problems({ ...base, garp: { masterRepeat: -1 } })).toEqual(['VRRP_SPEC_GARP']);
    expect(problems({ ...base, version: 3, family: 'ipv6', primaryAddress: 'fe80::1%eth0', advertIntervalCs: 10 })).toEqual([]);
  });
});
