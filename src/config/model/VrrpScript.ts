import type { SourcePos } from '../SourcePos.js';
import type { ScriptCommand, ScriptUser } from './Common.js';

/** `vrrp_script NAME { ... }`: a command whose exit status adjusts or faults VRRP instances. */
export interface VrrpScript {
  readonly name: string;
  readonly pos: SourcePos;
  readonly script: ScriptCommand;
  readonly intervalSeconds: number;
  /** `null`: no timeout configured; keepalived then allows the script one interval. */
  readonly timeoutSeconds: number | null;
  /** 0 means a failing script puts the instance into FAULT instead of changing priority. */
  readonly weight: number;
  /** `weight N reverse`. */
  readonly weightReverse: boolean;
  readonly rise: number;
  readonly fall: number;
  readonly user: ScriptUser | null;
  /** `init_fail`: the script starts in the failed state. */
  readonly initFail: boolean;
}
