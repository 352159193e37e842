import { describe, expect, it } from 'vitest';
import { parseClientLoopResult, parseProbeRound } from '../../../src/lab/LabHostScripts.js';

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

describe('parseClientLoopResult', () => {
  it('reads one answer or error per request, in order', () => {
    expect(parseClientLoopResult('{"answers":["rs1",null,"rs2"],"errors":[null,"ECONNREFUSED",null]}')).toEqual({
      answers: ['rs1', null, 'rs2'],
      errors: [null, 'ECONNREFUSED', null],
    });
  });

  it('ignores lines that are not a loop result', () => {
    for (const l of ['', 'curl', '{}', '{"answers":{}}', 'null']) expect(parseClientLoopResult(l)).toBeUndefined();
  });
});
