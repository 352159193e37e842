import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src/config/parseConfig.js';
import { at, codes, shape, word } from './astHelpers.js';

const parse = (text: string, random?: () => number) =>
  parseConfigText(text, '/etc/keepalived/test.conf', { configId: 'node1', ...(random ? { random } : {}) });
const F = '/etc/keepalived/test.conf';

describe('$NAME=value definitions', () => {
  it('substitutes $NAME before blank, comma, ) or end of line, and ${NAME} anywhere', () => {
    const r = parse('$A=alpha\nx $A ${A}b $A,c ($A) $Ab $A.c\n');
    expect(r.statements[0]?.args.map((a) => a.text)).toEqual(['alpha', 'alphab', 'alpha,c', '(alpha)', '$Ab', '$A.c']);
  });

  it('positions substituted words at the reference', () => {
    const r = parse('$PRIO=240\nvrrp_instance V {\n  priority $PRIO\n}\n');
    expect(r.statements[0]?.block?.statements[0]).toEqual({
      keyword: word('priority', 3, 3, false, F),
      args: [word('240', 3, 12, false, F)],
    });
  });

  it('resolves definitions at use time, not definition time (keepalived.conf(5) example)', () => {
    const r = parse(
      '$ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}\n$ADDRESS_BASE_SUB=0\n${ADDRESS_BASE}.100/32\n$ADDRESS_BASE_SUB=10\n${ADDRESS_BASE}.100/32\n',
    );
    expect(shape(r.statements)).toEqual(['10.2.0.100/32', '10.2.10.100/32']);
  });

  it('accepts an empty value and needs = right after the name', () => {
    const r = parse('$E=\nx${E}y\n$N = v\n');
    expect(shape(r.statements)).toEqual(['xy', '$N = v']);
  });

  it('leaves undefined references as written, warning only for ${NAME} outside quotes', () => {
    const r = parse('x $UNDEF "${HOME}"\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.statements[0]?.args.map((a) => a.text)).toEqual(['$UNDEF', '${HOME}']);
    // Unquoted, the left-over brace splits the line exactly as in keepalived.
    const u = parse('y ${UNDEF}\n');
    expect(u.diagnostics).toMatchObject([{ severity: 'warning', code: 'macro-undefined', pos: at(1, 3, F), length: 8 }]);
    expect(shape(u.statements)).toEqual([['y $', ['UNDEF']]]);
  });

  it('expands multi-line definitions into statements positioned where the definition wrote them', () => {
    const text = [
      '$INSTANCE= \\', // 1
      'vrrp_instance VI_${NUM} { \\', // 2
      '    interface eth0.${NUM} \\', // 3
      '    @node1 priority 130 \\', // 4
      '    @node2 priority 120 \\', // 5
      '}', // 6
      '', // 7
      '$NUM=0', // 8
      '$INSTANCE', // 9
      '$NUM=1', // 10
      '$INSTANCE', // 11
      '',
    ].join('\n');
    const r = parse(text);
    expect(r.diagnostics).toEqual([]);
    expect(shape(r.statements)).toEqual([
      ['vrrp_instance VI_0', ['interface eth0.0', 'priority 130']],
      ['vrrp_instance VI_1', ['interface eth0.1', 'priority 130']],
    ]);
    const vi1 = r.statements[1]!;
    expect(vi1.keyword).toEqual(word('vrrp_instance', 2, 1, false, F));
    expect(vi1.args).toEqual([word('VI_1', 2, 15, false, F)]);
    expect(vi1.block?.statements[0]?.keyword).toEqual(word('interface', 3, 5, false, F));
    expect(vi1.block?.statements[1]?.keyword).toEqual(word('priority', 4, 12, false, F));
  });

  it('ends a multi-line definition at a truly empty line, skipping comment lines inside it', () => {
    const r = parse('$M= \\\n a 1 \\\n # note \\\n b 2 \\\n\n c 3\n$M\n');
    expect(shape(r.statements)).toEqual(['c 3', 'a 1', 'b 2']);
  });

  it('nests multi-line definitions (a definition used at the end of a line of another)', () => {
    const text = ['$RS= \\', 'real_server 192.0.2.${RS_NUM} 80 { \\', '  weight 1 \\', '}', '$VS= \\', 'virtual_server 10.0.0.4 80 { \\', '  $RS_NUM=1 \\', '  $RS \\', '  $RS_NUM=2 \\', '  $RS \\', '}', '$VS', ''].join('\n');
    const r = parse(text);
    expect(r.diagnostics).toEqual([]);
    expect(shape(r.statements)).toEqual([
      ['virtual_server 10.0.0.4 80', [['real_server 192.0.2.1 80', ['weight 1']], ['real_server 192.0.2.2 80', ['weight 1']]]],
    ]);
  });

  it('uses a multi-line definition only at the end of a line', () => {
    const r = parse('$M= \\\n a \\\n b\n${M} x\n');
    expect(shape(r.statements)).toEqual([['$', ['M']], 'x']);
    expect(codes(r.diagnostics)).toEqual(['macro-undefined']);
  });

  it('provides _INSTANCE, _PWD, _RANDOM and _BANG/_HASH', () => {
    const r = parse('a ${_INSTANCE} ${_PWD} ${_RANDOM} ${_RANDOM 10 20}\nb x${_HASH}y\nc x${_BANG}y\n', () => 0.5);
    expect(shape(r.statements)).toEqual([
      // _RANDOM: min + floor(r * (max - min + 1)) with the injected r = 0.5.
      'a node1 /etc/keepalived 16384 15',
      // keepalived 2.2.7 re-runs comment removal after substitution, so these start comments.
      'b x',
      'c x',
    ]);
  });

  it('lets a definition override a pre-defined name', () => {
    expect(shape(parse('$_INSTANCE=mine\nx ${_INSTANCE}\n').statements)).toEqual(['x mine']);
  });

  it('reports self-referencing definitions as macro-recursion and drops the line', () => {
    const r = parse('$A=${B}\n$B=${A}\nx ${A}\nafter\n$G=${G}${G}\ny $G\n');
    expect(shape(r.statements)).toEqual(['after']);
    expect(r.diagnostics).toMatchObject([
      { code: 'macro-recursion', pos: at(3, 3, F) },
      { code: 'macro-recursion', pos: at(6, 3, F) },
    ]);
  });

  it('reports a multi-line definition that expands itself', () => {
    const r = parse('$L= \\\nline \\\n$L\n$L\n');
    // keepalived would loop for ever; the second use is refused after its first line.
    expect(codes(r.diagnostics)).toEqual(['macro-recursion']);
    expect(shape(r.statements)).toEqual(['line', 'line']);
  });
});
