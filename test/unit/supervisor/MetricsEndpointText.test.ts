import { describe, expect, it } from 'vitest';
import { parseMetricsEndpoint } from '../../../src/supervisor/MetricsEndpointText.js';

describe('parseMetricsEndpoint', () => {
  it('reads off, a bare port (loopback), IPv4 and bracketed IPv6', () => {
    expect(parseMetricsEndpoint('off')).toEqual({ ok: true, endpoint: null });
    expect(parseMetricsEndpoint('9650')).toEqual({ ok: true, endpoint: { host: '127.0.0.1', port: 9650 } });
    expect(parseMetricsEndpoint('192.0.2.10:9100')).toEqual({ ok: true, endpoint: { host: '192.0.2.10', port: 9100 } });
    expect(parseMetricsEndpoint('[::1]:9650')).toEqual({ ok: true, endpoint: { host: '::1', port: 9650 } });
  });

  it('refuses host names, bad ports and unbracketed IPv6', () => {
    for (const bad of ['localhost:9650', '127.0.0.1:0', '127.0.0.1:70000', '::1:9650', '[192.0.2.1]:80', '999.1.1.1:80', '']) {
      expect(parseMetricsEndpoint(bad).ok, bad).toBe(false);
    }
  });
});
