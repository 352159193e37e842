import type { SourcePos } from '../SourcePos.js';
import type { IpAddress, PassThroughKeyword, ScriptCommand, ScriptUser } from './Common.js';

/**
 * Options every checker has. Values are resolved: an option not written in the checker takes the
 * real server's, then the virtual server's, then the checker type's keepalived default.
 */
export interface CheckerCommon {
  readonly pos: SourcePos;
  /** `null`: the real server's address. */
  readonly connectIp: IpAddress | null;
  /** `null`: the real server's port. */
  readonly connectPort: number | null;
  readonly bindTo: IpAddress | null;
  readonly bindPort: number | null;
  readonly bindInterface: string | null;
  readonly fwmark: number | null;
  readonly connectTimeoutSeconds: number;
  readonly retry: number;
  readonly delayBeforeRetrySeconds: number;
  readonly delayLoopSeconds: number;
  /** Random delay (up to this) before the first check. */
  readonly warmupSeconds: number;
  /** Start the real server as down until the first check succeeds. */
  readonly alpha: boolean;
  readonly logAllFailures: boolean;
}

export interface TcpCheck extends CheckerCommon {
  readonly type: 'TCP_CHECK';
}

/** An inclusive range of HTTP status codes; a single code has `from === to`. */
export interface StatusCodeRange {
  readonly from: number;
  readonly to: number;
}

export interface HttpUrl {
  readonly pos: SourcePos;
  readonly path: string;
  /** Lower-case hex MD5 of the body, or `null`. */
  readonly digest: string | null;
  readonly statusCodes: readonly StatusCodeRange[];
  readonly virtualhost: string | null;
  readonly regex: string | null;
  readonly regexNoMatch: boolean;
}

export type HttpProtocol = '1.0' | '1.1' | '1.0C';

export interface HttpCheck extends CheckerCommon {
  readonly type: 'HTTP_GET' | 'SSL_GET';
  readonly urls: readonly HttpUrl[];
  readonly httpProtocol: HttpProtocol;
  readonly virtualhost: string | null;
  readonly enableSni: boolean;
  readonly fastRecovery: boolean;
}

export interface MiscCheck extends CheckerCommon {
  readonly type: 'MISC_CHECK';
  readonly script: ScriptCommand;
  /** `null`: keepalived lets the script run for one delay_loop. */
  readonly timeoutSeconds: number | null;
  /** `misc_dynamic`: exit status 2..255 sets the weight to status - 2. */
  readonly dynamic: boolean;
  readonly user: ScriptUser | null;
}

export type UnsupportedCheckerType = 'SMTP_CHECK' | 'DNS_CHECK' | 'UDP_CHECK' | 'PING_CHECK' | 'FILE_CHECK' | 'BFD_CHECK';

/** A checker keepalived has and Vigil does not run yet; its options are kept as written. */
export interface UnsupportedCheck {
  readonly type: UnsupportedCheckerType;
  readonly pos: SourcePos;
  readonly options: readonly PassThroughKeyword[];
}

export type Checker = TcpCheck | HttpCheck | MiscCheck | UnsupportedCheck;
