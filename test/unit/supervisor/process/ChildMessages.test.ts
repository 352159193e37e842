import { describe, expect, it } from 'vitest';
import { errorRecord, isChildMessage, isParentMessage } from '../../../../src/supervisor/process/ChildMessages.js';
import { VigilError } from '../../../../src/core/VigilError.js';

describe('ChildMessages', () => {
  it('accepts the known message types of each direction only', () => {
    expect(isChildMessage({ type: 'started', pid: 1 })).toBe(true);
    expect(isChildMessage({ type: 'reload', id: 1 })).toBe(false);
    expect(isParentMessage({ type: 'reload', id: 1, config: {} })).toBe(true);
    expect(isParentMessage({ type: 'started' })).toBe(false);
    for (const junk of [null, 'stop', 42, {}, { type: 7 }, []]) {
      expect(isChildMessage(junk)).toBe(false);
      expect(isParentMessage(junk)).toBe(false);
    }
  });

  it('keeps the code, message and non-empty details of an error', () => {
    expect(errorRecord(new VigilError('X_CODE', 'broken', { interface: 'eth9' }))).toEqual({ code: 'X_CODE', message: 'broken', details: { interface: 'eth9' } });
    expect(errorRecord(new VigilError('X_CODE', 'broken'))).toEqual({ code: 'X_CODE', message: 'broken' });
  });
});
