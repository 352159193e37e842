import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lockableRanges } from '../../../../src/supervisor/process/ProcessTuningMemoryMaps.js';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/supervisor/process/node-proc-self-maps.txt');

describe('lockableRanges (/proc/self/maps, proc(5))', () => {
  it('keeps file mappings and the stack; leaves anonymous memory, [heap], [vdso] and devices pageable', () => {
    const text = [
      '55d0c0000000-55d0c2000000 r-xp 00000000 fe:00 123 /usr/bin/node',
      '7f0000000000-7f0000100000 rw-p 00000000 00:00 0 ',
      '7f0000100000-7f0000200000 ---p 00000000 00:00 0',
      '55d0c3000000-55d0c3100000 rw-p 00000000 00:00 0                          [heap]',
      '7f0000300000-7f0000301000 rw-s 00000000 00:05 9 /dev/zero (deleted)',
      '7f0000400000-7f0000410000 r--p 00000000 fe:00 77 /work/main/native/build/Release/vigil_net.node',
      '7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                          [stack]',
      '7ffc00100000-7ffc00102000 r-xp 00000000 00:00 0                          [vdso]',
      '',
    ].join('\n');
    expect(lockableRanges(text)).toEqual([
      { start: 0x55d0c0000000n, length: 0x2000000n, name: '/usr/bin/node' },
      { start: 0x7f0000400000n, length: 0x10000n, name: '/work/main/native/build/Release/vigil_net.node' },
      { start: 0x7ffc00000000n, length: 0x21000n, name: '[stack]' },
    ]);
  });

  it("on a real node process's maps: the node binary, libc and the stack, no anonymous range", () => {
    const ranges = lockableRanges(readFileSync(FIXTURE, 'utf8'));
    const names = new Set(ranges.map((r) => r.name));
    expect([...names].some((n) => n.endsWith('/node'))).toBe(true);
    expect([...names].some((n) => n.includes('libc.so'))).toBe(true);
    expect(names.has('[stack]')).toBe(true);
    expect(names.has('[heap]')).toBe(false);
    expect(names.has('')).toBe(false);
    expect(ranges.every((r) => r.length > 0n)).toBe(true);
  });
});
