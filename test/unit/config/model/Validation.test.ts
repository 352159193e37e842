import { describe, expect, it } from 'vitest';
import type { Statement, Word } from '../../../../src/config/ConfigAst.js';
import { buildConfigModel } from '../../../../src/config/model/buildConfigModel.js';
import { MODEL_DIAGNOSTIC_CODES } from '../../../../src/config/model/ModelDiagnostics.js';
import { buildFromText, instance, only } from './buildFromText.js';

interface Case {
  readonly name: string;
  readonly text: string;
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'note';
  readonly line: number;
  readonly col: number;
  readonly keyword: string;
  /** Exact hint, or `null` when the diagnostic has none. */
  readonly hint: string | null;
}

const VS = (body: string) => `virtual_server 192.0.2.1 80 {\n  protocol TCP\n${body}\n}\n`;
const RS = '  real_server 192.0.2.10 80 {\n  }';

const CASES: readonly Case[] = [
  {
    name: 'unknown-keyword with did-you-mean from the keywords of that block',
    text: instance('  priorty 50'),
    code: 'unknown-keyword', severity: 'error', line: 7, col: 3, keyword: 'priorty', hint: "did you mean 'priority'?",
  },
  {
    name: 'unknown-keyword in global_defs suggests a global keyword',
    text: 'global_defs {\n  router_idd x\n}',
    code: 'unknown-keyword', severity: 'error', line: 2, col: 3, keyword: 'router_idd', hint: "did you mean 'router_id'?",
  },
  {
    name: 'unknown-keyword with nothing close',
    text: 'global_defs {\n  frobnicate\n}',
    code: 'unknown-keyword', severity: 'error', line: 2, col: 3, keyword: 'frobnicate', hint: 'see keepalived.conf(5) for the keywords valid in global_defs',
  },
  {
    name: 'unsupported-keyword note for known keepalived keywords Vigil ignores',
    text: 'use_pid_dir',
    code: 'unsupported-keyword', severity: 'note', line: 1, col: 1, keyword: 'use_pid_dir', hint: null,
  },
  {
    name: 'deprecated-keyword (value still applies)',
    text: VS(`  lb_algo rr\n${RS}`),
    code: 'deprecated-keyword', severity: 'warning', line: 3, col: 3, keyword: 'lb_algo', hint: "write 'lvs_sched' instead",
  },
  {
    name: 'deprecated-keyword nb_get_retry',
    text: VS('  real_server 192.0.2.10 80 {\n    HTTP_GET {\n      url {\n        path /\n      }\n      nb_get_retry 3\n    }\n  }'),
    code: 'deprecated-keyword', severity: 'warning', line: 8, col: 7, keyword: 'nb_get_retry', hint: "write 'retry' instead",
  },
  {
    name: 'duplicate-keyword',
    text: instance('  priority 50\n  priority 60'),
    code: 'duplicate-keyword', severity: 'warning', line: 8, col: 3, keyword: 'priority', hint: 'remove one of them',
  },
  {
    name: 'missing-argument',
    text: instance('  priority'),
    code: 'missing-argument', severity: 'error', line: 7, col: 3, keyword: 'priority', hint: "write 'priority <1-255>' (arguments go on the keyword's line)",
  },
  {
    name: 'extra-argument',
    text: instance('  priority 100 200'),
    code: 'extra-argument', severity: 'error', line: 7, col: 16, keyword: 'priority', hint: 'remove the extra words, or quote them if they belong together',
  },
  {
    name: 'extra-argument on a flag keyword (vrrp_strict false would turn strict mode ON in keepalived)',
    text: 'global_defs {\n  vrrp_strict false\n}',
    code: 'extra-argument', severity: 'error', line: 2, col: 15, keyword: 'vrrp_strict', hint: 'remove the extra words, or quote them if they belong together',
  },
  {
    name: 'block-expected',
    text: instance('  track_script chk'),
    code: 'block-expected', severity: 'error', line: 7, col: 3, keyword: 'track_script', hint: "write 'track_script { ... }'",
  },
  {
    name: 'block-unexpected',
    text: instance('  priority 100 {\n    x\n  }'),
    code: 'block-unexpected', severity: 'error', line: 7, col: 16, keyword: 'priority', hint: 'remove the braces, or check for a missing keyword before the block',
  },
  {
    name: 'invalid-value (vrrp_garp_interval 0 is refused by keepalived 2.2.7)',
    text: 'global_defs {\n  vrrp_garp_interval 0\n}',
    code: 'invalid-value', severity: 'error', line: 2, col: 22, keyword: 'vrrp_garp_interval', hint: 'remove the line for no delay between gratuitous packets, or use a value in 0.000001..4294.967295',
  },
  {
    name: 'invalid-value: state is case-sensitive in keepalived',
    text: instance('  state master'),
    code: 'invalid-value', severity: 'error', line: 7, col: 9, keyword: 'state', hint: 'use one of: MASTER, BACKUP',
  },
  {
    name: 'invalid-value: not a number',
    text: instance('  priority high'),
    code: 'invalid-value', severity: 'error', line: 7, col: 12, keyword: 'priority', hint: 'use a whole number in 1..255',
  },
  {
    name: 'out-of-range priority (keepalived would silently use 100)',
    text: instance('  priority 300'),
    code: 'out-of-range', severity: 'error', line: 7, col: 12, keyword: 'priority', hint: 'use a value in 1..255',
  },
  {
    name: 'out-of-range VRID',
    text: 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 256\n}',
    code: 'out-of-range', severity: 'error', line: 3, col: 21, keyword: 'virtual_router_id', hint: 'use a value in 1..255',
  },
  {
    name: 'out-of-range advert_int',
    text: instance('  advert_int 0'),
    code: 'out-of-range', severity: 'error', line: 7, col: 14, keyword: 'advert_int', hint: 'use a value in 0.01..255',
  },
  {
    name: 'out-of-range VRRPv3 advert_int above 40.95 s',
    text: instance('  version 3\n  advert_int 50'),
    code: 'out-of-range', severity: 'error', line: 8, col: 14, keyword: 'advert_int', hint: 'use at most 40.95',
  },
  {
    name: 'out-of-range track weight',
    text: `vrrp_script chk {\n  script /bin/true\n}\n${instance('  track_script {\n    chk weight 254\n  }')}`,
    code: 'out-of-range', severity: 'error', line: 11, col: 16, keyword: 'track_script', hint: 'use a value in -253..253',
  },
  {
    name: 'invalid-address',
    text: 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 5\n  virtual_ipaddress {\n    192.0.2.300\n  }\n}',
    code: 'invalid-address', severity: 'error', line: 5, col: 5, keyword: 'virtual_ipaddress', hint: 'write ADDRESS[/PREFIX] [dev IF] [brd ADDR] [scope SCOPE] [label LABEL]',
  },
  {
    name: 'invalid-prefix',
    text: 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 5\n  virtual_ipaddress {\n    192.0.2.1/33\n  }\n}',
    code: 'invalid-prefix', severity: 'error', line: 5, col: 15, keyword: 'virtual_ipaddress', hint: 'use /0../32',
  },
  {
    name: 'mixed-family in one virtual_ipaddress list',
    text: 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 5\n  virtual_ipaddress {\n    192.0.2.1\n    2001:db8::1\n  }\n}',
    code: 'mixed-family', severity: 'error', line: 6, col: 5, keyword: 'virtual_ipaddress', hint: 'put addresses of the other family in virtual_ipaddress_excluded or in a second vrrp_instance',
  },
  {
    name: 'fractional-advert-v2',
    text: instance('  advert_int 0.5'),
    code: 'fractional-advert-v2', severity: 'error', line: 7, col: 14, keyword: 'advert_int', hint: "use a whole number of seconds, or add 'version 3' (centisecond intervals, RFC 5798 §5.2.7)",
  },
  {
    name: 'missing-required interface',
    text: 'vrrp_instance VI_1 {\n  virtual_router_id 5\n  virtual_ipaddress {\n    192.0.2.1\n  }\n}',
    code: 'missing-required', severity: 'error', line: 1, col: 1, keyword: 'interface', hint: 'add: interface <name> (or unicast_src_ip and unicast_peer)',
  },
  {
    name: 'missing-required virtual_router_id',
    text: 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_ipaddress {\n    192.0.2.1\n  }\n}',
    code: 'missing-required', severity: 'error', line: 1, col: 1, keyword: 'virtual_router_id', hint: 'add: virtual_router_id <1-255>',
  },
  {
    name: 'missing-required real_server address',
    text: VS('  real_server {\n  }'),
    code: 'missing-required', severity: 'error', line: 3, col: 3, keyword: 'real_server', hint: 'write: real_server <address> <port> { ... }',
  },
  {
    name: 'missing-protocol (keepalived 2.2.7 defaults to UDP)',
    text: `virtual_server 192.0.2.1 80 {\n${RS}\n}`,
    code: 'missing-protocol', severity: 'warning', line: 1, col: 1, keyword: 'protocol', hint: "add 'protocol TCP' if this is a TCP service",
  },
  {
    name: 'duplicate-name',
    text: instance('', 'VI_1', 1) + instance('', 'VI_1', 2),
    code: 'duplicate-name', severity: 'error', line: 9, col: 1, keyword: 'vrrp_instance', hint: 'the first is at test.conf:1; rename one of them',
  },
  {
    name: 'duplicate-vrid (same VRID, interface and family)',
    text: instance('', 'VI_1', 5) + instance('', 'VI_2', 5),
    code: 'duplicate-vrid', severity: 'error', line: 9, col: 1, keyword: 'virtual_router_id', hint: 'give each instance on an interface its own virtual_router_id',
  },
  {
    name: 'duplicate-address (real server twice)',
    text: VS(`${RS}\n  real_server 192.0.2.10 80 {\n  }`),
    code: 'duplicate-address', severity: 'error', line: 5, col: 15, keyword: 'real_server', hint: 'the first is at line 3',
  },
  {
    name: 'undefined-reference track_script',
    text: instance('  track_script {\n    nosuch\n  }'),
    code: 'undefined-reference', severity: 'error', line: 8, col: 5, keyword: 'track_script', hint: "define it with 'vrrp_script nosuch { ... }'",
  },
  {
    name: 'undefined-reference sync group member',
    text: `vrrp_sync_group G {\n  group {\n    VI_1\n    VI_X\n  }\n}\n${instance('')}`,
    code: 'undefined-reference', severity: 'error', line: 4, col: 5, keyword: 'group', hint: 'defined vrrp_instances: VI_1',
  },
  {
    name: 'undefined-reference virtual_server group',
    text: `virtual_server group NOPE {\n  protocol TCP\n${RS}\n}`,
    code: 'undefined-reference', severity: 'error', line: 1, col: 1, keyword: 'virtual_server', hint: "define it with 'virtual_server_group NOPE { ... }'",
  },
  {
    name: 'conflicting-options nopreempt with state MASTER',
    text: instance('  state MASTER\n  nopreempt'),
    code: 'conflicting-options', severity: 'error', line: 8, col: 3, keyword: 'nopreempt', hint: 'use state BACKUP on every node with nopreempt',
  },
  {
    name: 'checker-unsupported',
    text: VS('  real_server 192.0.2.10 80 {\n    DNS_CHECK {\n      name example.com\n    }\n  }'),
    code: 'checker-unsupported', severity: 'warning', line: 4, col: 5, keyword: 'DNS_CHECK', hint: 'use TCP_CHECK, HTTP_GET, SSL_GET or MISC_CHECK, or keep keepalived for this service',
  },
];

describe('diagnostics', () => {
  it.each(CASES)('$code: $name', (c) => {
    const d = only(buildFromText(c.text).diagnostics, c.code);
    expect(d.severity).toBe(c.severity);
    expect(d.pos).toEqual({ file: 'test.conf', line: c.line, col: c.col });
    expect(d.keyword).toBe(c.keyword);
    if (c.hint === null) expect(d.hint).toBeUndefined();
    else expect(d.hint).toBe(c.hint);
    expect(d.message.length).toBeGreaterThan(10);
  });

  it('covers every code the model can produce', () => {
    const covered = new Set([...CASES.map((c) => c.code), 'stray-semicolon']);
    expect(MODEL_DIAGNOSTIC_CODES.filter((code) => !covered.has(code))).toEqual([]);
  });

  it('every error-level case leaves no model', () => {
    for (const c of CASES.filter((x) => x.severity === 'error')) expect(buildFromText(c.text).model, c.name).toBeNull();
  });

  it('stray-semicolon on a hand-built AST (the parser usually removes them first)', () => {
    const pos = (col: number) => ({ file: 'h.conf', line: 1, col });
    const word = (text: string, col: number): Word => ({ text, quoted: false, pos: pos(col) });
    const stmt: Statement = { keyword: word('vrrp_instance', 1), args: [word('VI_1', 15)], block: { open: pos(20), statements: [
      { keyword: word('interface', 1), args: [word('eth0', 11)] },
      { keyword: word('virtual_router_id', 1), args: [word('7;', 19)] },
    ] } };
    const built = buildConfigModel([stmt]);
    const d = only(built.diagnostics, 'stray-semicolon');
    expect(d).toMatchObject({ severity: 'warning', pos: pos(20), keyword: 'virtual_router_id', hint: 'remove the semicolon' });
    expect(built.config.vrrpInstances[0]?.virtualRouterId).toBe(7);
  });
});
