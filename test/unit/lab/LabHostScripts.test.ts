import { describe, expect, it } from 'vitest';
import { parseProbeRound } from '../../../src/lab/LabHostScripts.js';

describe('parseProbeRound', () => {
  it('reads answers and errors', () => {
    expect(parseProbeRound('{"answers":{"rs1":"rs1","rs2":null},"errors":{"rs2":"host unreachable"}}')).toEqual({
      answers: { rs1: 'rs1', rs2: null },
      errors: { rs2: 'host unreachable' },
    });
  });

  it('ignores lines that are not probe rounds', () => {
    for (const l of ['', 'listening', '{}', '[]', 'null']) expect(parseProbeRound(l)).toBeUndefined();
  });
});
