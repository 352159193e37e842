import { describe, expect, it } from 'vitest';
import { planCheckers, type PlanEnvironment } from '../../../../src/checker/engine/CheckerPlan.js';
import type { HttpProbeSpec, MiscProbeSpec, TcpProbeSpec } from '../../../../src/checker/probe/ProbeSpec.js';
import { configFrom } from '../support/ConfigFixture.js';
import { testUsers, trustingInspector } from '../support/EngineHarness.js';

const env: PlanEnvironment = { users: testUsers, inspector: trustingInspector, ownIds: { uid: 0, gid: 0 }, maxResponseBytes: 1 << 20 };

function plan(text: string, e: PlanEnvironment = env): ReturnType<typeof planCheckers> {
  return planCheckers(configFrom(text), e);
}

function only<T>(p: ReturnType<typeof planCheckers>): T {
  return [...p.probes.values()][0]?.spec as T;
}

describe('planCheckers: connection options', () => {
  it('connects to the real server by default, or to connect_ip / connect_port, from bindto / bind_port', () => {
    const p = plan(`virtual_server 203.0.113.100 80 {
  protocol TCP
  real_server 198.51.100.11 80 { TCP_CHECK { connect_ip 198.51.100.99
    connect_port 8080
    bindto 192.0.2.1
    bind_port 40000
    connect_timeout 2.5 } }
}`);
    expect(only<TcpProbeSpec>(p).target).toEqual({ host: '198.51.100.99', port: 8080, family: 4, bindAddress: '192.0.2.1', bindPort: 40000, timeoutMs: 2500 });
  });

  it('takes the virtual server port for a real server written without one', () => {
    const p = plan('virtual_server 203.0.113.100 443 {\n protocol TCP\n real_server 198.51.100.11 { TCP_CHECK { } }\n}\n');
    expect(only<TcpProbeSpec>(p).target.port).toBe(443);
  });

  it('has no port for a fwmark real server without connect_port (the probe fails no-port)', () => {
    const p = plan('virtual_server fwmark 9 {\n lvs_method DR\n real_server 198.51.100.11 { TCP_CHECK { } }\n}\n');
    expect(only<TcpProbeSpec>(p).target.port).toBe(0);
  });

  it('uses keepalived defaults: retry 1, delay_before_retry 1 s (TCP) / 3 s (HTTP) / retry 0 (MISC), warmup = delay_loop', () => {
    const p = plan(`virtual_server 203.0.113.100 80 {
  protocol TCP
  delay_loop 10
  real_server 198.51.100.11 80 { TCP_CHECK { } HTTP_GET { url { path / } } MISC_CHECK { misc_path /bin/true.sh } }
}`);
    expect([...p.probes.values()].map((x) => [x.type, x.cycle.retry, x.cycle.delayBeforeRetryMs, x.warmupMs])).toEqual([
      ['TCP_CHECK', 1, 1000, 10_000],
      ['HTTP_GET', 1, 3000, 10_000],
      ['MISC_CHECK', 0, 1000, 10_000],
    ]);
  });
});

describe('planCheckers: HTTP', () => {
  it('resolves the Host header: url, checker, real server, virtual server, then address:port', () => {
    const p = plan(`virtual_server 203.0.113.100 80 {
  protocol TCP
  virtualhost vs.example.test
  real_server 198.51.100.11 80 {
    HTTP_GET {
      url { path /a
        virtualhost url.example.test }
      url { path /b }
    }
  }
  real_server 198.51.100.12 80 { HTTP_GET { virtualhost ck.example.test
    url { path /c } } }
}
virtual_server 203.0.113.101 80 {
  protocol TCP
  real_server 198.51.100.13 8080 { HTTP_GET { url { path /d } } }
}`);
    const hosts = [...p.probes.values()].flatMap((x) => (x.spec as HttpProbeSpec).urls.map((u) => `${u.path} ${u.hostHeader}`));
    expect(hosts).toEqual(['/a url.example.test', '/b vs.example.test', '/c ck.example.test', '/d 198.51.100.13:8080']);
  });

  it('takes SNI from the url, checker or virtual server virtualhost, not the real server\'s (check_ssl.c)', () => {
    const p = plan(`virtual_server 203.0.113.100 443 {
  protocol TCP
  real_server 198.51.100.11 443 {
    virtualhost rs.example.test
    SSL_GET { enable_sni
      url { path / } } }
}`);
    expect(only<HttpProbeSpec>(p).urls[0]).toMatchObject({ hostHeader: 'rs.example.test', serverName: null });
  });

  it('sends SNI only for SSL_GET with enable_sni and a virtualhost', () => {
    const p = plan(`virtual_server 203.0.113.100 443 {
  protocol TCP
  real_server 198.51.100.11 443 { SSL_GET { enable_sni
    virtualhost www.example.test
    url { path / } } }
  real_server 198.51.100.12 443 { SSL_GET { virtualhost www.example.test
    url { path / } } }
}`);
    expect([...p.probes.values()].map((x) => (x.spec as HttpProbeSpec).urls[0]?.serverName)).toEqual(['www.example.test', null]);
  });

  it('defaults status codes to 200-299 and keeps lists and ranges', () => {
    const p = plan(`virtual_server 203.0.113.100 80 {
  protocol TCP
  real_server 198.51.100.11 80 { HTTP_GET { url { path /
    status_code 200 301-302 } url { path /x } } }
}`);
    expect(only<HttpProbeSpec>(p).urls.map((u) => u.statusCodes)).toEqual([
      [{ from: 200, to: 200 }, { from: 301, to: 302 }],
      [{ from: 200, to: 299 }],
    ]);
  });
});

describe('planCheckers: dedup', () => {
  it('one probe for many virtual servers checking the same backend the same way', () => {
    const vs = (i: number): string => `virtual_server 203.0.113.${i} 80 {\n protocol TCP\n delay_loop 5\n real_server 198.51.100.11 80 { TCP_CHECK { connect_timeout 3 } }\n}\n`;
    const p = plan([1, 2, 3, 4].map(vs).join(''));
    expect(p.probes.size).toBe(1);
    expect(p.subscriptions.map((s) => s.vsIndex)).toEqual([0, 1, 2, 3]);
  });

  it('separate probes when any checker parameter differs (timing included)', () => {
    const p = plan(`virtual_server 203.0.113.1 80 {\n protocol TCP\n delay_loop 5\n real_server 198.51.100.11 80 { TCP_CHECK { } }\n}
virtual_server 203.0.113.2 80 {\n protocol TCP\n delay_loop 6\n real_server 198.51.100.11 80 { TCP_CHECK { } }\n}`);
    expect(p.probes.size).toBe(2);
  });
});

describe('planCheckers: MISC_CHECK and scripts', () => {
  it('misc_timeout defaults to the virtual server delay_loop, and the user comes from `user`', () => {
    const p = plan(`virtual_server 203.0.113.100 80 {
  protocol TCP
  delay_loop 7
  real_server 198.51.100.11 80 { MISC_CHECK { misc_path "/etc/keepalived/check.sh 198.51.100.11"
    user nobody } }
}`);
    expect(only<MiscProbeSpec>(p)).toEqual({ kind: 'misc', argv: ['/etc/keepalived/check.sh', '198.51.100.11'], uid: 65534, gid: 65534, timeoutMs: 7000, dynamic: false });
  });

  it('removes a MISC_CHECK whose script is unsafe under enable_script_security, leaving the server judged by the rest', () => {
    const insecure = { ...trustingInspector, lstat: () => ({ kind: 'directory' as const, uid: 1000, gid: 1000, mode: 0o777 }) };
    const p = plan(
      `global_defs { enable_script_security
 script_user root }
virtual_server 203.0.113.100 80 {
  protocol TCP
  real_server 198.51.100.11 80 { MISC_CHECK { misc_path /home/op/check.sh } TCP_CHECK { } }
}`,
      { ...env, inspector: insecure },
    );
    expect([...p.probes.values()].map((x) => x.type)).toEqual(['TCP_CHECK']);
    expect(p.checkerAlpha).toEqual([[[false]]]);
    expect(p.messages.map((m) => m.msg)).toContain('Disabling misc script /home/op/check.sh');
  });

  it('without enable_script_security it runs, with keepalived\'s SECURITY VIOLATION warning', () => {
    const insecure = { ...trustingInspector, lstat: () => ({ kind: 'directory' as const, uid: 1000, gid: 1000, mode: 0o777 }) };
    const p = plan('virtual_server 203.0.113.100 80 {\n protocol TCP\n real_server 198.51.100.11 80 { MISC_CHECK { misc_path /home/op/check.sh } }\n}\n', { ...env, inspector: insecure });
    expect(p.probes.size).toBe(1);
    expect(p.messages.at(-1)?.msg).toBe('SECURITY VIOLATION - scripts are being executed but script_security not enabled.');
  });

  it('under enable_script_security without keepalived_script or script_user, scripts are disabled', () => {
    const p = plan('global_defs { enable_script_security }\nvirtual_server 203.0.113.100 80 {\n protocol TCP\n real_server 198.51.100.11 80 { MISC_CHECK { misc_path /bin/check.sh } }\n}\n');
    expect(p.probes.size).toBe(0);
    expect(p.messages[0]?.msg).toBe('Unable to set default user keepalived_script for script - disabling misc script');
  });

  it('resolves notify scripts once and disables unsafe ones', () => {
    const p = plan('virtual_server 203.0.113.100 80 {\n protocol TCP\n quorum_up /bin/qup.sh\n real_server 198.51.100.11 80 { notify_up /bin/up.sh\n TCP_CHECK { } }\n}\n');
    expect([...p.notifyScripts.values()]).toEqual([
      { argv: ['/bin/qup.sh'], uid: null, gid: null },
      { argv: ['/bin/up.sh'], uid: null, gid: null },
    ]);
  });

  it('warns about checkers Vigil does not run', () => {
    const p = plan('virtual_server 203.0.113.100 53 {\n protocol UDP\n real_server 198.51.100.11 53 { DNS_CHECK { } }\n}\n');
    expect(p.probes.size).toBe(0);
    expect(p.messages[0]?.msg).toBe('DNS_CHECK for [198.51.100.11]:udp:53 is not run by Vigil yet; the real server is judged by its other checkers');
  });
});
