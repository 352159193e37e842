import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../../src/config/loadConfig.js';

describe('a missing closing brace', () => {
  it('is reported at the unclosed brace, and the next top-level block gets a hint instead of a did-you-mean', () => {
    const text = `vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    virtual_ipaddress {
        192.0.2.100/24
    }

vrrp_instance VI_2 {
    interface eth0
    virtual_router_id 52
    virtual_ipaddress {
        192.0.2.101/24
    }
}
`;
    const r = loadConfigText(text, 'k.conf', { configId: 'x' });
    expect(r.model).toBeNull();
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.find((d) => d.code === 'unbalanced-brace')?.pos).toEqual({ file: 'k.conf', line: 1, col: 20 });
    const inner = errors.find((d) => d.code === 'unknown-keyword');
    expect(inner).toMatchObject({ pos: { file: 'k.conf', line: 8, col: 1 }, keyword: 'vrrp_instance' });
    expect(inner?.hint).toContain("is a '}' missing before this line?");
  });
});
