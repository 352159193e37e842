import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src/config/parseConfig.js';
import { at, codes, shape, word } from './astHelpers.js';

const parse = (text: string) => parseConfigText(text, 'test.conf', { configId: 'node1' });
const keywords = (text: string) => parse(text).statements.map((s) => [s.keyword, ...s.args].map((w) => w.text).join(' '));

describe('~SEQ generators', () => {
  it('repeats the rest of the line for start, step, end (keepalived.conf(5) example)', () => {
    expect(keywords('~SEQ(SUBNET, 0, 3) ip_address 10.0.${SUBNET}.1\n')).toEqual([
      'ip_address 10.0.0.1',
      'ip_address 10.0.1.1',
      'ip_address 10.0.2.1',
      'ip_address 10.0.3.1',
    ]);
    expect(keywords('~SEQ(k, 1, 2, 6) u$k\n')).toEqual(['u1', 'u3', 'u5']);
    expect(keywords('~SEQ(j, 3, 1) t$j\n')).toEqual(['t3', 't2', 't1']);
  });

  it('follows keepalived for a lone end value: start 1 (or -1), step toward the end', () => {
    expect(keywords('~SEQ(i, 3) a$i\n')).toEqual(['a1', 'a2', 'a3']);
    expect(keywords('~SEQ(i, 0) b$i\n')).toEqual(['b1', 'b0']);
    expect(keywords('~SEQ(i, -2) c$i\n')).toEqual(['c-1', 'c-2']);
  });

  it('reads numbers like strtol(..., 0) and prints ~SEQx values in hex', () => {
    expect(keywords('~SEQ(m, 0x10, 0x11) w$m\n~SEQ(n, 010, 011) n$n\n')).toEqual(['w16', 'w17', 'n8', 'n9']);
    expect(keywords('~SEQx(h, 9, 12) v$h\n')).toEqual(['v9', 'va', 'vb', 'vc']);
    expect(keywords('~SEQx(AD2, 0x90, 0x10, 0xc0) fe81::${AD2}\n')).toEqual(['fe81::90', 'fe81::a0', 'fe81::b0', 'fe81::c0']);
  });

  it('takes its bounds from definitions', () => {
    expect(keywords('$N=3\n~SEQ(i, 1, $N) x$i\n')).toEqual(['x1', 'x2', 'x3']);
  });

  it('nests: the last generator on the line varies fastest', () => {
    expect(keywords('~SEQ(a, 1, 2) ~SEQ(b, 1, 2) p${a}${b}\n')).toEqual(['p11', 'p12', 'p21', 'p22']);
  });

  it('repeats multi-line definitions and whole blocks', () => {
    const r = parse('$VI= \\\nvrrp_instance V${ID} { \\\n  virtual_router_id ${ID} \\\n}\n~SEQ(ID, 1, 2) $VI\n');
    expect(r.diagnostics).toEqual([]);
    expect(shape(r.statements)).toEqual([
      ['vrrp_instance V1', ['virtual_router_id 1']],
      ['vrrp_instance V2', ['virtual_router_id 2']],
    ]);
  });

  it('positions generated words at the text after the generator, and values at the reference', () => {
    const r = parse('~SEQ(i, 1, 2) ip 10.0.${i}.1\n');
    expect(r.statements[1]).toEqual({ keyword: word('ip', 1, 15), args: [word('10.0.2.1', 1, 18)] });
  });

  it('rejects malformed specifications with generator-invalid at the ~', () => {
    const r = parse('x\n  ~SEQ(i) a\n~SEQ(i, 1, 0, 5) b\n~SEQ i, 1) c\n~SEQx(i, -1, 2) d\n~SEQ(i, 1, 2 e\n~SEQ(i, 1, 2, 3, 4) f\ny\n');
    expect(shape(r.statements)).toEqual(['x', 'y']);
    expect(r.diagnostics.map((d) => [d.code, d.pos])).toEqual([
      ['generator-invalid', at(2, 3)],
      ['generator-invalid', at(3, 1)],
      ['generator-invalid', at(4, 1)],
      ['generator-invalid', at(5, 1)],
      ['generator-invalid', at(6, 1)],
      ['generator-invalid', at(7, 1)],
    ]);
  });
});

describe('~LST generators', () => {
  it('repeats the line for each listed value', () => {
    expect(keywords('~LST(v, a, b, c) lst_$v\n')).toEqual(['lst_a', 'lst_b', 'lst_c']);
  });

  it('assigns several variables from {...} value sets, blank when a set is short', () => {
    expect(keywords('~LST({IP, IP1}, {10,1},{20,4},{5}) 192.168.${IP}.${IP1}x\n')).toEqual([
      '192.168.10.1x',
      '192.168.20.4x',
      '192.168.5.x',
    ]);
  });

  it('combines with ~SEQ (keepalived.conf(5) example)', () => {
    expect(keywords('~LST({IP, IP1}, {10,1},{20,4}) ~SEQ(IP2,168,2,172) 192.${IP2}.${IP}.${IP1}\n')).toEqual([
      '192.168.10.1',
      '192.170.10.1',
      '192.172.10.1',
      '192.168.20.4',
      '192.170.20.4',
      '192.172.20.4',
    ]);
  });

  it('re-checks substitution so $a$b style lines resolve as in keepalived', () => {
    // `$a` followed by `$` is not a reference; after `$b` is replaced it is.
    expect(keywords('~LST({a,b},{1,2},{3},4) L$a$b\n')).toEqual(['L$a2', 'L3', 'L4']);
  });

  it('rejects too many values in a set', () => {
    const r = parse('~LST({a}, {1,2}) x\n');
    expect(codes(r.diagnostics)).toEqual(['generator-invalid']);
    expect(r.statements).toEqual([]);
  });
});
