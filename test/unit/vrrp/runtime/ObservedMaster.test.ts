import { describe, expect, it } from 'vitest';
import { ObservedMaster } from '../../../../src/vrrp/runtime/ObservedMaster.js';

describe('ObservedMaster', () => {
  it('is unknown in INIT and until a BACKUP hears an advert, then names its sender', () => {
    const m = new ObservedMaster('192.0.2.2');
    expect(m.address).toBeNull();
    m.advertAccepted({ source: '192.0.2.1', priority: 150 }); // still INIT: the machine ignores it
    expect(m.address).toBeNull();
    m.transition('BACKUP', 'startup');
    expect(m.address).toBeNull();
    m.advertAccepted({ source: '192.0.2.1', priority: 150 });
    expect(m.address).toBe('192.0.2.1');
    expect(m.lastAdvert).toEqual({ source: '192.0.2.1', priority: 150 });
  });

  it('is ourselves while MASTER, whatever we hear, and the winner when we lose to an advert', () => {
    const m = new ObservedMaster('192.0.2.2');
    m.transition('BACKUP', 'startup');
    m.transition('MASTER', 'master-down-timer');
    expect(m.address).toBe('192.0.2.2');
    m.advertAccepted({ source: '192.0.2.9', priority: 50 });
    expect(m.address).toBe('192.0.2.2');
    m.advertAccepted({ source: '192.0.2.1', priority: 150 });
    m.transition('BACKUP', 'higher-priority-advert');
    expect(m.address).toBe('192.0.2.1');
    m.transition('MASTER', 'preempt');
    m.advertAccepted({ source: '192.0.2.3', priority: 100 });
    m.transition('BACKUP', 'higher-address-advert');
    expect(m.address).toBe('192.0.2.3');
  });

  it('forgets the master when it resigns (priority 0) and in FAULT', () => {
    const m = new ObservedMaster('2001:db8::2');
    m.transition('BACKUP', 'startup');
    m.advertAccepted({ source: '2001:db8::1', priority: 100 });
    m.advertAccepted({ source: '2001:db8::1', priority: 0 });
    expect(m.address).toBeNull();
    expect(m.lastAdvert?.priority).toBe(0);
    m.advertAccepted({ source: '2001:db8::1', priority: 100 });
    m.transition('FAULT', 'link-down');
    expect(m.address).toBeNull();
    m.transition('BACKUP', 'fault-cleared');
    expect(m.address).toBeNull();
  });
});
