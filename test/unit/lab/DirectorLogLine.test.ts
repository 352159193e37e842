import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDirectorLogLine } from '../../../src/lab/DirectorLogLine.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
// Real output of `vigil -n -P -i d1 -f config/lab.conf` restarted after a kill -9 while d2 was MASTER.
const fixture = readFileSync(resolve(repoRoot, 'test/fixtures/lab/d1-restart.jsonl'), 'utf8').split('\n').filter((l) => l !== '');

describe('parseDirectorLogLine', () => {
  it('reads every line of a real director log and finds its state transitions in order', () => {
    const events = fixture.map(parseDirectorLogLine);
    expect(events.every((e) => e !== undefined)).toBe(true);
    const transitions = events.flatMap((e) => (e?.kind === 'transition' ? [e] : []));
    expect(transitions.map((t) => [t.instance, t.from, t.to, t.reason])).toEqual([
      ['FRONT', 'INIT', 'BACKUP', 'startup'],
      ['BACK', 'INIT', 'BACKUP', 'startup'],
      ['BACK', 'BACKUP', 'MASTER', 'preempt'],
      ['FRONT', 'BACKUP', 'MASTER', 'sync-group'],
    ]);
    expect(transitions[2]?.msg).toBe('(BACK) Entering MASTER STATE');
    expect(transitions.every((t, i) => i === 0 || t.timeMs >= (transitions[i - 1]?.timeMs ?? 0))).toBe(true);
  });

  it('keeps other lines as messages with their pino level', () => {
    const e = parseDirectorLogLine('{"level":40,"time":5,"pid":1,"msg":"Ignoring 1 virtual_server block(s)"}');
    expect(e).toEqual({ kind: 'message', timeMs: 5, level: 40, msg: 'Ignoring 1 virtual_server block(s)' });
  });

  it('returns undefined for text that is not a log object', () => {
    for (const line of ['', 'TypeError: boom', '    at x (y.js:1:1)', '[1,2]', '{"msg":"no time"}', '{"time":1}']) {
      expect(parseDirectorLogLine(line)).toBeUndefined();
    }
  });

  it('does not take an unknown `to` value for a transition', () => {
    expect(parseDirectorLogLine('{"time":1,"instance":"X","to":"SIDEWAYS","msg":"m"}')).toMatchObject({ kind: 'message' });
  });
});
