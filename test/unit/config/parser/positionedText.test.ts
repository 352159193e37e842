import { describe, expect, it } from 'vitest';
import { stripComment } from '../../../../src/config/lexer/CommentStripper.js';
import { PositionedText } from '../../../../src/config/lexer/PositionedText.js';

const src = (text: string, line = 1, col = 1) => PositionedText.fromSource(text, 'f', line, col);

describe('PositionedText', () => {
  it('maps offsets of source text to advancing columns', () => {
    const t = src('abc', 4, 10);
    expect(t.posAt(0)).toEqual({ file: 'f', line: 4, col: 10 });
    expect(t.posAt(2)).toEqual({ file: 'f', line: 4, col: 12 });
  });

  it('maps every character of an expansion to its reference', () => {
    const t = PositionedText.fromExpansion('value', { file: 'g', line: 2, col: 7 });
    expect(t.posAt(0)).toEqual({ file: 'g', line: 2, col: 7 });
    expect(t.posAt(4)).toEqual({ file: 'g', line: 2, col: 7 });
  });

  it('keeps positions through slice, concat and splice', () => {
    const line = src('priority $P here', 3);
    const spliced = line.splice(9, 11, PositionedText.fromExpansion('240', line.posAt(9)));
    expect(spliced.text).toBe('priority 240 here');
    expect(spliced.posAt(0)).toEqual({ file: 'f', line: 3, col: 1 });
    expect(spliced.posAt(10)).toEqual({ file: 'f', line: 3, col: 10 });
    expect(spliced.posAt(13)).toEqual({ file: 'f', line: 3, col: 13 });
    const tail = spliced.slice(10);
    expect(tail.text).toBe('40 here');
    expect(tail.posAt(0)).toEqual({ file: 'f', line: 3, col: 10 });
    expect(tail.posAt(3)).toEqual({ file: 'f', line: 3, col: 13 });
    const joined = src('x', 1).concat(src('y', 9, 5));
    expect(joined.posAt(1)).toEqual({ file: 'f', line: 9, col: 5 });
  });
});

describe('stripComment', () => {
  it('trims blanks and keeps the columns of what remains', () => {
    const t = stripComment(src('\t  state MASTER   # c'));
    expect(t.text).toBe('state MASTER');
    expect(t.posAt(0).col).toBe(4);
  });

  it('keeps a continuation backslash right after the text, even after a comment', () => {
    expect(stripComment(src('  a b   \\')).text).toBe('a b\\');
    expect(stripComment(src('a # note \\')).text).toBe('a\\');
  });

  it('toggles double quotes but not single quotes', () => {
    expect(stripComment(src('x "a#b" c#d')).text).toBe('x "a#b" c');
    expect(stripComment(src("x 'a#b'")).text).toBe("x 'a");
    expect(stripComment(src('x "a\\"#b" c')).text).toBe('x "a\\"#b" c');
  });
});
