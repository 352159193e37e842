import { describe, expect, it } from 'vitest';
import { parseControlRequest, parseControlResponse } from '../../../src/supervisor/ControlProtocol.js';

describe('control protocol', () => {
  it('accepts the three commands', () => {
    for (const command of ['status', 'dump', 'reload']) expect(parseControlRequest(JSON.stringify({ command }))).toEqual({ ok: true, request: { command } });
  });

  it('refuses non-JSON, non-objects and unknown commands with stable codes', () => {
    expect(parseControlRequest('status')).toMatchObject({ ok: false, error: { code: 'CONTROL_BAD_JSON' } });
    expect(parseControlRequest('["status"]')).toMatchObject({ ok: false, error: { code: 'CONTROL_BAD_JSON' } });
    expect(parseControlRequest('{"command":"shutdown"}')).toMatchObject({ ok: false, error: { code: 'CONTROL_UNKNOWN_COMMAND' } });
    expect(parseControlRequest('{}')).toMatchObject({ ok: false, error: { code: 'CONTROL_UNKNOWN_COMMAND' } });
  });

  it('reads only well-formed responses', () => {
    expect(parseControlResponse('{"ok":true,"command":"status","result":{}}')).toEqual({ ok: true, command: 'status', result: {} });
    expect(parseControlResponse('{"ok":false,"error":{"code":"X","message":"m"}}')).toEqual({ ok: false, error: { code: 'X', message: 'm' } });
    expect(parseControlResponse('{"ok":false}')).toBeNull();
    expect(parseControlResponse('garbage')).toBeNull();
  });
});
