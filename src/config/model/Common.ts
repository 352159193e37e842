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
 * A command keepalived runs (notify scripts, vrrp_script, MISC_CHECK). keepalived joins the
 * words of the line and splits them again on blanks, keeping single-quoted parts together.
 */
export interface ScriptCommand {
  /** The command line as keepalived sees it (words joined by one space). */
  readonly command: string;
  /** The command line split into program and arguments. */
  readonly argv: readonly string[];
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
