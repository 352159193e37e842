import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HttpResponseReader, type HttpUrlExpectation } from '../../../../src/checker/probe/HttpResponseReader.js';
import { addressHostHeader, httpRequestText } from '../../../../src/checker/probe/HttpRequestText.js';

const md5 = (s: string | Buffer): string => createHash('md5').update(s).digest('hex');
const url = (over: Partial<HttpUrlExpectation> = {}): HttpUrlExpectation => ({ path: '/', statusCodes: [{ from: 200, to: 299 }], digest: null, regex: null, regexNoMatch: false, ...over });

/** Feeds `text` one byte at a time (the worst split), then EOF. */
function byteByByte(r: HttpResponseReader, text: string): ReturnType<HttpResponseReader['end']> {
  for (const b of Buffer.from(text, 'latin1')) {
    const v = r.push(Buffer.from([b]));
    if (v) return v;
  }
  return r.end();
}

describe('HttpResponseReader', () => {
  it('decides on the status line alone when no digest or regex needs the body', () => {
    const r = new HttpResponseReader(url(), 1024);
    expect(r.push(Buffer.from('HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n'))).toMatchObject({ ok: true, detail: '204 /' });
  });

  it('fails early on a status outside the list', () => {
    expect(new HttpResponseReader(url(), 1024).push(Buffer.from('HTTP/1.0 302 Found\r\n\r\n'))).toMatchObject({ ok: false, reason: 'http-status' });
  });

  it('hashes exactly Content-Length bytes, across any split', () => {
    const body = 'x'.repeat(300);
    const text = `HTTP/1.0 200 OK\r\nContent-Length: 300\r\n\r\n${body}trailing-garbage`;
    expect(byteByByte(new HttpResponseReader(url({ digest: md5(body) }), 4096), text)).toMatchObject({ ok: true });
  });

  it('hashes to EOF without Content-Length (chunked framing included, as genhash)', () => {
    const raw = '5\r\nhello\r\n0\r\n\r\n';
    const r = new HttpResponseReader(url({ digest: md5(raw) }), 4096);
    expect(r.push(Buffer.from(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${raw}`))).toBeNull();
    expect(r.end()).toMatchObject({ ok: true });
  });

  it('like keepalived, needs CRLF CRLF to end the header and a space after the status code', () => {
    const lf = new HttpResponseReader(url(), 1024);
    expect(lf.push(Buffer.from('HTTP/1.0 200 OK\nA: b\n\n'))).toBeNull();
    expect(lf.end()).toMatchObject({ reason: 'closed-early' });
    expect(new HttpResponseReader(url(), 1024).push(Buffer.from('HTTP/1.1 200\r\n\r\n'))).toMatchObject({ reason: 'http-malformed' });
    expect(new HttpResponseReader(url(), 1024).push(Buffer.from('HTTP/1.1 200 \r\n\r\n'))).toMatchObject({ ok: true });
  });

  it('rejects a status line that is not HTTP, or a status out of 100..599', () => {
    expect(new HttpResponseReader(url(), 1024).push(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n'))).toMatchObject({ reason: 'http-malformed' });
    expect(new HttpResponseReader(url({ statusCodes: [{ from: 0, to: 999 }] }), 1024).push(Buffer.from('HTTP/1.0 700 X\r\n\r\n'))).toMatchObject({ reason: 'http-malformed' });
  });

  it('caps the bytes read', () => {
    const r = new HttpResponseReader(url({ digest: md5('') }), 100);
    r.push(Buffer.from('HTTP/1.0 200 OK\r\n\r\n'));
    expect(r.push(Buffer.alloc(200))).toMatchObject({ reason: 'body-too-large' });
  });

  it('rejects an endless header', () => {
    const r = new HttpResponseReader(url(), 10 * 1024 * 1024);
    let v = null;
    for (let i = 0; i < 100 && !v; i++) v = r.push(Buffer.from('X-Filler: ' + 'a'.repeat(1000) + '\r\n'));
    expect(v).toMatchObject({ reason: 'http-malformed' });
  });

  it('matches a regex that spans chunks', () => {
    const r = new HttpResponseReader(url({ regex: /status: ready/ }), 4096);
    r.push(Buffer.from('HTTP/1.0 200 OK\r\n\r\nstatus: re'));
    r.push(Buffer.from('ady\n'));
    expect(r.end()).toMatchObject({ ok: true });
  });

  it('stops waiting for the rest of the body once Content-Length is reached', () => {
    const r = new HttpResponseReader(url({ digest: md5('ab') }), 4096);
    expect(r.push(Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\na'))).toBeNull();
    expect(r.push(Buffer.from('b'))).toMatchObject({ ok: true });
  });
});

describe('httpRequestText (check_http.c request_template)', () => {
  it('builds the HTTP/1.0, 1.0C and 1.1 requests', () => {
    expect(httpRequestText('/x', 'h', '1.0')).toBe('GET /x HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: h\r\n\r\n');
    expect(httpRequestText('/x', 'h', '1.0C')).toBe('GET /x HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: h\r\n\r\n');
    expect(httpRequestText('/x', 'h', '1.1')).toBe('GET /x HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: h\r\n\r\n');
  });
  it('brackets IPv6 literals in Host (RFC 2732)', () => {
    expect(addressHostHeader('2001:db8::1', 8080)).toBe('[2001:db8::1]:8080');
    expect(addressHostHeader('192.0.2.1', 80)).toBe('192.0.2.1:80');
  });
});
