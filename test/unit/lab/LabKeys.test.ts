import { describe, expect, it } from 'vitest';
import { labKeyActions } from '../../../src/lab/LabKeys.js';

describe('labKeyActions', () => {
  it('maps the live view keys to actions, in order, case-insensitively', () => {
    expect(labKeyActions('k1R2q')).toEqual([
      { kind: 'kill-master' },
      { kind: 'toggle-real-server', name: 'rs1' },
      { kind: 'restart-killed' },
      { kind: 'toggle-real-server', name: 'rs2' },
      { kind: 'quit', key: 'q' },
    ]);
  });

  it('treats Ctrl-C in raw mode as quit and ignores other keys', () => {
    expect(labKeyActions('x\u0003 ')).toEqual([{ kind: 'quit', key: 'Ctrl-C' }]);
    expect(labKeyActions('\u001b[A')).toEqual([]);
  });
});
