import { describe, expect, it } from 'vitest';
import type { TcpCheck, UnsupportedCheck } from '../../../../src/config/model/Checker.js';
import { buildFromText, errors, only } from './buildFromText.js';

function checkersOf(block: string, vsExtra = '', rsExtra = '') {
  const text = `virtual_server 192.0.2.1 80 {\n  protocol TCP\n${vsExtra}  real_server 192.0.2.10 80 {\n${rsExtra}${block}\n  }\n}`;
  const r = buildFromText(text);
  return { ...r, checkers: r.config.virtualServers[0]?.realServers[0]?.checkers ?? [] };
}

describe('checkers', () => {
  it('TCP_CHECK defaults: retry 1, delay_before_retry 1, connect_timeout 5, delay_loop 60, warmup = delay_loop', () => {
    const { checkers, diagnostics } = checkersOf('    TCP_CHECK {\n    }');
    expect(diagnostics).toEqual([]);
    expect(checkers[0]).toEqual({
      type: 'TCP_CHECK',
      pos: { file: 'test.conf', line: 4, col: 5 },
      connectIp: null,
      connectPort: null,
      bindTo: null,
      bindPort: null,
      bindInterface: null,
      fwmark: null,
      connectTimeoutSeconds: 5,
      retry: 1,
      delayBeforeRetrySeconds: 1,
      delayLoopSeconds: 60,
      warmupSeconds: 60,
      alpha: false,
      logAllFailures: false,
    } satisfies TcpCheck);
  });

  it('HTTP_GET defaults: retry 1, delay_before_retry 3, HTTP/1.0, status 200-299', () => {
    const { checkers } = checkersOf('    HTTP_GET {\n      url {\n        path /health\n      }\n    }');
    expect(checkers[0]).toMatchObject({
      type: 'HTTP_GET',
      retry: 1,
      delayBeforeRetrySeconds: 3,
      connectTimeoutSeconds: 5,
      httpProtocol: '1.0',
      urls: [{ path: '/health', digest: null, statusCodes: [{ from: 200, to: 299 }], virtualhost: null, regex: null, regexNoMatch: false }],
    });
  });

  it('MISC_CHECK defaults: retry 0', () => {
    const { checkers } = checkersOf('    MISC_CHECK {\n      misc_path "/usr/local/bin/check.sh arg"\n    }');
    expect(checkers[0]).toMatchObject({
      type: 'MISC_CHECK',
      retry: 0,
      delayBeforeRetrySeconds: 1,
      script: { command: '/usr/local/bin/check.sh arg', argv: ['/usr/local/bin/check.sh', 'arg'] },
      timeoutSeconds: null,
      dynamic: false,
      user: null,
    });
  });

  it('inherits checker, then real server, then virtual server settings (as keepalived resolves them)', () => {
    const { checkers } = checkersOf(
      '    TCP_CHECK {\n      delay_before_retry 3\n    }\n    HTTP_GET {\n      url {\n        path /\n      }\n      nb_get_retry 5\n      connect_timeout 6\n    }',
      '  retry 7\n  delay_before_retry 8\n  connect_timeout 9\n  delay_loop 10\n  warmup 11\n',
      '    retry 2\n    delay_loop 20\n',
    );
    // Values observed in keepalived 2.2.7's config dump for the same configuration.
    expect(checkers[0]).toMatchObject({ retry: 2, delayBeforeRetrySeconds: 3, connectTimeoutSeconds: 9, delayLoopSeconds: 20, warmupSeconds: 11 });
    expect(checkers[1]).toMatchObject({ retry: 5, delayBeforeRetrySeconds: 8, connectTimeoutSeconds: 6, delayLoopSeconds: 20, warmupSeconds: 11 });
  });

  it('reads every common and HTTP option', () => {
    const { checkers, diagnostics } = checkersOf(`    SSL_GET {
      url {
        path /status
        digest 9B3A0C85A887A256D6939DA88AABD8CD
        status_code 200 301-302
        virtualhost status.example.com
        regex "^OK"
        regex_no_match
      }
      url {
        path /other
      }
      http_protocol 1.1
      virtualhost www.example.com
      enable_sni
      fast_recovery
      connect_ip 192.0.2.20
      connect_port 8443
      bindto 192.0.2.2
      bind_port 40000
      bind_if eth0
      fwmark 3
      connect_timeout 2.5
      retry 0
      delay_before_retry 0
      delay_loop 4
      warmup 0
      alpha
      log_all_failures
    }`);
    expect(errors(diagnostics)).toEqual([]);
    expect(checkers[0]).toMatchObject({
      type: 'SSL_GET',
      urls: [
        { path: '/status', digest: '9b3a0c85a887a256d6939da88aabd8cd', statusCodes: [{ from: 200, to: 200 }, { from: 301, to: 302 }], virtualhost: 'status.example.com', regex: '^OK', regexNoMatch: true },
        { path: '/other' },
      ],
      httpProtocol: '1.1',
      virtualhost: 'www.example.com',
      enableSni: true,
      fastRecovery: true,
      connectIp: { address: '192.0.2.20' },
      connectPort: 8443,
      bindTo: { address: '192.0.2.2' },
      bindPort: 40000,
      bindInterface: 'eth0',
      fwmark: 3,
      connectTimeoutSeconds: 2.5,
      retry: 0,
      delayBeforeRetrySeconds: 0,
      delayLoopSeconds: 4,
      warmupSeconds: 0,
      alpha: true,
      logAllFailures: true,
    });
  });

  it('reads MISC_CHECK options', () => {
    const { checkers, diagnostics } = checkersOf('    MISC_CHECK {\n      misc_path /bin/check\n      misc_timeout 4\n      misc_dynamic\n      user nobody\n      retry 2\n    }');
    expect(errors(diagnostics)).toEqual([]);
    expect(checkers[0]).toMatchObject({ timeoutSeconds: 4, dynamic: true, user: { user: 'nobody', group: null }, retry: 2 });
  });

  it('MISC_CHECK has no connection options (keepalived does not know them there)', () => {
    const d = only(checkersOf('    MISC_CHECK {\n      misc_path /bin/check\n      connect_port 80\n    }').diagnostics, 'unknown-keyword');
    expect(d.pos).toMatchObject({ line: 6, col: 7 });
  });

  it('keeps unsupported checkers with a checker-unsupported warning', () => {
    const { checkers, diagnostics } = checkersOf('    SMTP_CHECK {\n      helo_name mail.example.com\n    }');
    expect(checkers[0]).toEqual({
      type: 'SMTP_CHECK',
      pos: { file: 'test.conf', line: 4, col: 5 },
      options: [{ keyword: 'helo_name', args: ['mail.example.com'], pos: { file: 'test.conf', line: 5, col: 7 } }],
    } satisfies UnsupportedCheck);
    const d = only(diagnostics, 'checker-unsupported');
    expect(d).toMatchObject({ severity: 'warning', keyword: 'SMTP_CHECK', pos: { line: 4, col: 5 } });
    expect(d.message).toContain('not supported yet');
  });

  it.each(['DNS_CHECK', 'UDP_CHECK', 'PING_CHECK', 'FILE_CHECK', 'BFD_CHECK'])('%s is read permissively', (type) => {
    const { checkers, diagnostics } = checkersOf(`    ${type} {\n      anything goes here\n    }`);
    expect(checkers[0]?.type).toBe(type);
    expect(errors(diagnostics)).toEqual([]);
  });

  it('HTTP_GET without url is an error (keepalived 2.2.7 crashes on it)', () => {
    const d = only(checkersOf('    HTTP_GET {\n      connect_timeout 3\n    }').diagnostics, 'missing-required');
    expect(d).toMatchObject({ pos: { line: 4, col: 5 }, hint: 'add: url { path / }' });
  });

  it('rejects bad status codes and digests', () => {
    const { diagnostics } = checkersOf('    HTTP_GET {\n      url {\n        path /\n        status_code 99 200\n        digest abc\n      }\n    }');
    expect(diagnostics.filter((d) => d.code === 'invalid-value').map((d) => [d.keyword, d.pos?.line, d.pos?.col])).toEqual([
      ['status_code', 7, 21],
      ['digest', 8, 16],
    ]);
  });
});
