import type { SourcePos } from '../SourcePos.js';

/** `inet` / `inet6`, the names keepalived itself prints (and `ip_family` accepts). */
export type AddressFamily = 'inet' | 'inet6';

/** An IP address as written (canonicalised), with its family. */
export interface IpAddress {
  /** Canonical text: dotted quad, or RFC 5952 compressed lower-case IPv6. */
  readonly address: string;
  readonly family: AddressFamily;
}

/** A name that refers to another config object (script, instance, group), with where it was written. */
export interface NameRef {
  readonly name: string;
  readonly pos: SourcePos;
}

/** A name reference with an optional `weight N` (track_script, track_interface). */
export interface WeightedRef extends NameRef {
  /** `null` when no weight was written (the referenced object's own weight applies). */
  readonly weight: number | null;
  /** `weight N reverse`: priority falls as the tracked object comes up. */
  readonly reverse: boolean;
}

/**
 * A command keepalived runs (notify scripts, vrrp_script, MISC_CHECK). keepalived takes the one
 * word after the keyword (quote a command with arguments) and splits it on blanks, quotes grouping.
 */
export interface ScriptCommand {
  /** The command line as keepalived runs it. */
  readonly command: string;
  /** The command line split into program and arguments. */
  readonly argv: readonly string[];
  /** `notify* COMMAND USER [GROUP]`: who runs it; absent or `null` means the global `script_user`. */
  readonly runAs?: ScriptUser | null;
  /** Position of the keyword that gave the command (`notify_master`, `script`, `misc_path`). */
  readonly pos: SourcePos;
}

/** `user USERNAME [GROUPNAME]` for scripts. */
export interface ScriptUser {
  readonly user: string;
  readonly group: string | null;
  readonly pos: SourcePos;
}

/** A keyword Vigil recognises but does not act on; kept so that nothing is silently lost. */
export interface PassThroughKeyword {
  readonly keyword: string;
  readonly args: readonly string[];
  readonly pos: SourcePos;
}

/** A line kept as parsed words (virtual_routes, virtual_rules, static_routes ...). */
export interface RawLine {
  readonly words: readonly string[];
  readonly pos: SourcePos;
}
