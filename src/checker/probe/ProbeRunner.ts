import type { ProbeSpec } from './ProbeSpec.js';
import type { ProbeOutcome } from './ProbeOutcome.js';
import { runTcpProbe } from './TcpProbe.js';
import { runHttpProbe } from './HttpProbe.js';
import { runMiscProbe } from './MiscProbe.js';

/** Runs one probe. The engine depends on this interface so tests can script outcomes. */
export interface ProbeRunner {
  run(spec: ProbeSpec): Promise<ProbeOutcome>;
}

/** The real thing: sockets and processes. */
export const networkProbeRunner: ProbeRunner = {
  run(spec: ProbeSpec): Promise<ProbeOutcome> {
    switch (spec.kind) {
      case 'tcp':
        return runTcpProbe(spec);
      case 'http':
        return runHttpProbe(spec);
      case 'misc':
        return runMiscProbe(spec);
    }
  },
};
