import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeFailure, probeSuccess, type ProbeOutcome } from '../../../../src/checker/probe/ProbeOutcome.js';
import type { ProbeSpec } from '../../../../src/checker/probe/ProbeSpec.js';
import { harness, trustingInspector } from '../support/EngineHarness.js';

/**
 * Replays the reference scenario that keepalived 2.2.7 ran in the kernel VM
 * (test/fixtures/checker/reference, produced by run-keepalived-reference.mjs) through Vigil's
 * engine on a virtual clock, and checks that Vigil logs the same transitions at about the
 * same times, and runs the same notify scripts.
 */
const REF = resolve(import.meta.dirname, '../../../fixtures/checker/reference');
interface Step {
  atMs: number;
  tcp?: 'up' | 'down';
  http?: number;
  miscExit?: number;
}
const scenario = JSON.parse(readFileSync(`${REF}/scenario.json`, 'utf8')) as { config: string; timeline: Step[] };
const observed = JSON.parse(readFileSync(`${REF}/keepalived-2.2.7-observed.json`, 'utf8')) as {
  keepalived: string;
  stopAtMs: number;
  lines: { atMs: number; text: string }[];
  scripts: { name: string; atMs: number }[];
};

/** keepalived's time-stamp prefix: "Sat Nov 21 09:52:02 2026: ". */
const strip = (t: string): string => t.replace(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: /, '');
const TRANSITIONS =
  /^(TCP connection to .* success\.|TCP_CHECK on service|HTTP_CHECK on service|HTTP status code success|Remote Web server|Misc check for|(Adding|Removing|Enabling|Disabling) (service|sorry server)|Gained quorum|Lost quorum|Starting with quorum down|(Adding|Removing) alive servers|Changing weight|Shutting down service)/;
/**
 * keepalived ran in an emulated (TCG) guest on a shared 2-core host, where its timers fired up
 * to ~3 s late ("A thread timer expired 2.06 seconds ago"); Vigil runs on a virtual clock. The
 * scenario's events are 6 s or more apart, so this still pins each line to its event.
 */
const TOLERANCE_MS = 4000;

function stateAt<K extends keyof Step>(key: K, at: number): Step[K] {
  let v: Step[K] = undefined as Step[K];
  for (const s of scenario.timeline) if (s.atMs <= at && s[key] !== undefined) v = s[key];
  return v;
}

function answer(_target: string, at: number, spec: ProbeSpec): ProbeOutcome {
  if (spec.kind === 'misc') {
    const code = stateAt('miscExit', at) ?? 0;
    return code === 0 || (spec.dynamic && code >= 2) ? probeSuccess(`exit ${code}`, code) : probeFailure('misc-exit', `exit ${code}`, code);
  }
  if (spec.target.port === 18081) return stateAt('tcp', at) === 'up' ? probeSuccess('connected') : probeFailure('connect-refused', 'ECONNREFUSED');
  if (spec.kind === 'tcp') return probeSuccess('connected');
  const status = stateAt('http', at) ?? 200;
  return status === 200 ? probeSuccess('200 /health') : probeFailure('http-status', `status ${status}`);
}

/** Pairs each expected line with an equal line within the tolerance; returns what is left unmatched on both sides. */
function match(expected: { atMs: number; text: string }[], actual: { atMs: number; text: string }[]): { missing: string[]; extra: string[] } {
  const left = [...actual];
  const missing: string[] = [];
  for (const e of expected) {
    const i = left.findIndex((a) => a.text === e.text && Math.abs(a.atMs - e.atMs) <= TOLERANCE_MS);
    if (i === -1) missing.push(`${e.atMs} ${e.text}`);
    else left.splice(i, 1);
  }
  return { missing, extra: left.map((a) => `${a.atMs} ${a.text}`) };
}

describe(`Vigil replays keepalived's reference run (${observed.keepalived})`, () => {
  it('logs the same transitions at about the same times, and runs the same scripts', async () => {
    const h = harness(scenario.config.replaceAll('{{DIR}}', '/ref'), {
      // Debian 12 is usr-merged: keepalived resolves /bin/sh to /usr/bin/sh and logs that name.
      scriptInspector: {
        ...trustingInspector,
        realpath: (p) => (p === '/bin/sh' ? '/usr/bin/sh' : p),
        lstat: (p) => (p === '/bin/sh' ? { kind: 'symlink', uid: 0, gid: 0, mode: 0o777 } : trustingInspector.lstat(p)),
      },
      bootstrapDelayMs: 1000,
    });
    h.runner.answer = answer;
    const logTimes: { atMs: number; text: string }[] = [];
    const info = h.log.info.bind(h.log);
    h.log.info = (fields, msg) => {
      logTimes.push({ atMs: h.time.monotonicMs(), text: msg });
      info(fields, msg);
    };
    h.engine.start();
    await h.advanceTo(observed.stopAtMs);
    await h.engine.stop();

    // Start-up lines come before "Startup complete" (time 0 here).
    const startIndex = observed.lines.findIndex((l) => l.text.endsWith('Startup complete'));
    const expected = observed.lines
      .map((l, i) => ({ atMs: i < startIndex ? 0 : l.atMs, text: strip(l.text) }))
      .filter((l) => TRANSITIONS.test(l.text));
    const actual = logTimes.filter((l) => TRANSITIONS.test(l.text));
    expect(expected.length).toBeGreaterThan(20);
    expect(match(expected, actual)).toEqual({ missing: [], extra: [] });
    // And in the same order for each real server of each virtual server (independent checkers
    // whose events fall within the drift may interleave differently).
    const perService = (lines: { text: string }[]): Record<string, string[]> => {
      const out: Record<string, string[]> = {};
      for (const l of lines) {
        const vs = /VS (\[[^\]]+\]:\w+:\d+)/.exec(l.text)?.[1];
        if (!vs) continue;
        const rs = /(\[127\.0\.0\.1\]:tcp:\d+)/.exec(l.text)?.[1] ?? '-';
        (out[`${vs} ${rs}`] ??= []).push(l.text);
      }
      return out;
    };
    expect(perService(actual)).toEqual(perService(expected));

    // Scripts keepalived ran while running (at shutdown it kills unfinished scripts, so those are not compared).
    const scriptName = (t: string): string | null => /^Executing \[\/bin\/sh \/ref\/record\.sh (\S+)\]/.exec(t)?.[1] ?? null;
    const ours = logTimes.flatMap((l) => (scriptName(l.text) ? [{ atMs: l.atMs, text: scriptName(l.text) as string }] : []));
    const theirs = observed.scripts.filter((s) => s.atMs < observed.stopAtMs).map((s) => ({ atMs: s.atMs, text: s.name }));
    expect(match(theirs, ours.filter((s) => s.atMs < observed.stopAtMs)).missing).toEqual([]);
  });
});
