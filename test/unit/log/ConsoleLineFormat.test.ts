import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { formatConsoleLine } from '../../../src/log/ConsoleLineFormat.js';
import { createLogger } from '../../../src/log/Logger.js';

function collect(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, done): void {
      lines.push(...chunk.toString().split('\n').filter((l) => l.length > 0));
      done();
    },
  });
  return { stream, lines };
}

describe('console log lines', () => {
  const t = new Date(2026, 10, 21, 9, 40, 5).getTime();

  it('reads like keepalived -l', () => {
    const line = formatConsoleLine(JSON.stringify({ level: 30, time: t, msg: '(VI_1) Entering MASTER STATE', instance: 'VI_1' }), false);
    expect(line).toBe('Sat Nov 21 09:40:05 2026: (VI_1) Entering MASTER STATE');
  });

  it('marks warnings and appends fields in detail mode', () => {
    const line = formatConsoleLine(JSON.stringify({ level: 40, time: t, msg: 'x', instance: 'VI_1', from: 'BACKUP', to: 'MASTER', reason: 'master down' }), true);
    expect(line).toBe('Sat Nov 21 09:40:05 2026: WARNING: x  [instance=VI_1 from=BACKUP to=MASTER reason="master down"]');
  });

  it('passes through a line that is not JSON', () => {
    expect(formatConsoleLine('plain text\n', false)).toBe('plain text');
  });
});

describe('createLogger', () => {
  it('writes one JSON object per line with stable fields', () => {
    const { stream, lines } = collect();
    const log = createLogger({ console: false, detail: false, proc: 'vrrp', destination: stream });
    log.info({ instance: 'VI_1', vrid: 51, from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer' }, '(VI_1) Entering MASTER STATE');
    log.debug('hidden without -D');
    expect(lines).toHaveLength(1);
    const rec = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(rec).toMatchObject({ level: 30, proc: 'vrrp', instance: 'VI_1', vrid: 51, from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer', msg: '(VI_1) Entering MASTER STATE' });
    expect(typeof rec['time']).toBe('number');
  });

  it('prints human lines with -l and debug lines with -D', () => {
    const { stream, lines } = collect();
    const log = createLogger({ console: true, detail: true, destination: stream });
    log.debug('(VI_1) advert sent');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: DEBUG: \(VI_1\) advert sent/);
  });
});
