/** What a key pressed in the live view (`vigil lab --no-failover` on a terminal) asks for. */
export type LabKeyAction =
  /** kill -9 of Vigil on whichever director is MASTER now. */
  | { kind: 'kill-master' }
  /** Start Vigil again on every director the user killed. */
  | { kind: 'restart-killed' }
  /** Stop the real server's HTTP server, or start it again if it is stopped. */
  | { kind: 'toggle-real-server'; name: 'rs1' | 'rs2' }
  /** `key` is what was pressed, for the goodbye line. */
  | { kind: 'quit'; key: 'q' | 'Ctrl-C' };

export const LAB_KEYS_HELP = "keys: k = kill -9 the MASTER's Vigil, r = restart it, 1 / 2 = stop or start rs1's / rs2's HTTP server, q = quit";

/** ETX: what a terminal in raw mode sends for Ctrl-C instead of raising SIGINT. */
const CTRL_C = '\u0003';

/** The actions in one chunk of raw terminal input, in order; other keys are ignored. */
export function labKeyActions(chunk: string): LabKeyAction[] {
  const actions: LabKeyAction[] = [];
  for (const ch of chunk) {
    switch (ch.toLowerCase()) {
      case 'k':
        actions.push({ kind: 'kill-master' });
        break;
      case 'r':
        actions.push({ kind: 'restart-killed' });
        break;
      case '1':
        actions.push({ kind: 'toggle-real-server', name: 'rs1' });
        break;
      case '2':
        actions.push({ kind: 'toggle-real-server', name: 'rs2' });
        break;
      case 'q':
        actions.push({ kind: 'quit', key: 'q' });
        break;
      case CTRL_C:
        actions.push({ kind: 'quit', key: 'Ctrl-C' });
        break;
      default:
        break;
    }
  }
  return actions;
}
