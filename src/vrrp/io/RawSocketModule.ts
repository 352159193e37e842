import { createRequire } from 'node:module';
import { VigilError } from '../../core/VigilError.js';

/**
 * The part of the `raw-socket` package (1.8.x, node_modules/raw-socket/index.js) that
 * VrrpSocketV4 uses, typed. It opens AF_INET/AF_INET6 SOCK_RAW sockets, receives with
 * recvfrom(2) (no ancillary data) and sets options from raw buffers.
 */
export interface RawSocket {
  on(event: 'message', listener: (buffer: Buffer, source: string) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'close', listener: () => void): this;
  send(
    buffer: Buffer,
    offset: number,
    length: number,
    address: string,
    afterCallback: (error: Error | null | undefined, bytes: number) => void,
  ): this;
  /** setsockopt(2) with `length` bytes of `value`. Throws Error(strerror) on failure. */
  setOption(level: number, option: number, value: Buffer, length: number): void;
  getOption(level: number, option: number, value: Buffer, length: number): number;
  pauseRecv(): this;
  resumeRecv(): this;
  /** Not idempotent in spirit: a later send() would silently open a new socket. */
  close(): this;
}

export interface RawSocketModule {
  createSocket(options: { protocol: number; addressFamily: number; bufferSize?: number }): RawSocket;
  readonly AddressFamily: { readonly IPv4: number; readonly IPv6: number };
}

let cached: RawSocketModule | undefined;

/** Loads `raw-socket` once; `RAW_SOCKET_UNAVAILABLE` if its native part did not build. */
export function loadRawSocket(): RawSocketModule {
  if (cached !== undefined) return cached;
  try {
    cached = createRequire(import.meta.url)('raw-socket') as RawSocketModule;
  } catch (e) {
    throw new VigilError('RAW_SOCKET_UNAVAILABLE', `cannot load the raw-socket package: ${(e as Error).message}`, {}, { cause: e });
  }
  return cached;
}
