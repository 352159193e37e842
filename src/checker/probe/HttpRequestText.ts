import type { HttpProtocol } from '../../config/model/Checker.js';

/**
 * The GET request keepalived sends (check_http.c request_template): HTTP/1.0 by default,
 * `Connection: close` for 1.0C and 1.1, and keepalived's own User-Agent so that servers
 * that special-case it keep working.
 */
export function httpRequestText(path: string, hostHeader: string, protocol: HttpProtocol): string {
  const minor = protocol === '1.1' ? 1 : 0;
  const connection = protocol === '1.0' ? '' : 'Connection: close\r\n';
  return `GET ${path} HTTP/1.${minor}\r\nUser-Agent: KeepAliveClient\r\n${connection}Host: ${hostHeader}\r\n\r\n`;
}

/** `Host:` for a literal address: `addr:port`, IPv6 in brackets (RFC 2732). */
export function addressHostHeader(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
