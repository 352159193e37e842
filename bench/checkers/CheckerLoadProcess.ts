/**
 * A checker process on its own, as a load next to something else being measured (the
 * failover bench's backup): Vigil's CheckerEngine with the config the parent asks for,
 * probing a BackendFarm. Forked by CheckerLoad.ts; speaks CheckerLoadMessages over IPC.
 */
import { loadConfigText } from '../../src/config/loadConfig.js';
import { CheckerEngine } from '../../src/checker/engine/CheckerEngine.js';
import { networkProbeRunner, type ProbeRunner } from '../../src/checker/probe/ProbeRunner.js';
import { checkerLoadConfigText } from './CheckerLoadConfig.js';
import type { CheckerLoadCommand, CheckerLoadReply } from './CheckerLoadMessages.js';

let engine: CheckerEngine | undefined;
let ok = 0;
let failed = 0;
let startedAtReset = 0;

function reply(r: CheckerLoadReply): void {
  process.send?.(r);
}

const counting: ProbeRunner = {
  run: (spec) =>
    networkProbeRunner.run(spec).then((o) => {
      if (o.ok) ok++;
      else failed++;
      return o;
    }),
};

process.on('message', (raw) => {
  const cmd = raw as CheckerLoadCommand;
  if (cmd.kind === 'start') {
    const text = checkerLoadConfigText('tcp', cmd.ports, cmd.vsCount, cmd.rsPerVs, (i, j) => i * cmd.rsPerVs + j);
    const loaded = loadConfigText(text, 'checker-load.conf');
    if (!loaded.model) {
      reply({ kind: 'failed', message: loaded.diagnostics.map((d) => d.message).join('; ') });
      return;
    }
    engine = new CheckerEngine(loaded.model, { runner: counting });
    engine.start();
    reply({ kind: 'started', distinctProbes: engine.statistics().distinct });
  } else if (cmd.kind === 'reset') {
    engine?.lateness.reset();
    ok = 0;
    failed = 0;
    startedAtReset = engine?.statistics().started ?? 0;
  } else {
    const e = engine;
    const window = {
      probesStarted: (e?.statistics().started ?? 0) - startedAtReset,
      ok,
      failed,
      latenessP50Ms: e?.lateness.percentileMs(50) ?? 0,
      latenessP99Ms: e?.lateness.percentileMs(99) ?? 0,
      latenessMaxMs: e?.lateness.maxMs ?? 0,
    };
    void (e?.stop() ?? Promise.resolve()).then(() => {
      // Exit only once the reply is written to the channel, or the parent never gets it.
      const stopped: CheckerLoadReply = { kind: 'stopped', window };
      if (process.send) process.send(stopped, () => process.exit(0));
      else process.exit(0);
    });
  }
});
