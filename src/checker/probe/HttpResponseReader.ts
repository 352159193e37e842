import { createHash, type Hash } from 'node:crypto';
import type { StatusCodeRange } from '../../config/model/Checker.js';
import { probeFailure, probeSuccess, type ProbeOutcome } from './ProbeOutcome.js';

/** What one url block asks of a response. */
export interface HttpUrlExpectation {
  readonly path: string;
  readonly statusCodes: readonly StatusCodeRange[];
  readonly digest: string | null;
  readonly regex: RegExp | null;
  readonly regexNoMatch: boolean;
}

/** Headers larger than this are not a health-check answer. */
const MAX_HEADER_BYTES = 64 * 1024;
/** check_http.c HTTP_STATUS_CODE_MIN / _MAX: outside this a status line is malformed. */
const STATUS_MIN = 100;
const STATUS_MAX = 599;
/** html.c extract_html: the header ends at the first CRLF CRLF (a bare-LF answer has no end). */
const CRLFCRLF = Buffer.from('\r\n\r\n');

/**
 * Judges an HTTP response fed to it in chunks, reading no more than it must: the verdict is
 * known from the status line alone unless a digest or regex needs the body, and reading
 * stops at `maxBytes`. Pure: no sockets, no timers.
 *
 * keepalived semantics kept: the digest is the MD5 of the raw bytes after the header
 * (chunked framing included, as `genhash` computes it), limited to Content-Length when one is
 * given; the regex is matched against the body only.
 */
export class HttpResponseReader {
  private head: Buffer[] = [];
  private headBytes = 0;
  private total = 0;
  private status = 0;
  private contentLength: number | null = null;
  private inBody = false;
  private bodyBytes = 0;
  private readonly md5: Hash | null;
  private readonly bodyText: string[] = [];
  private verdict: ProbeOutcome | null = null;

  constructor(
    private readonly url: HttpUrlExpectation,
    private readonly maxBytes: number,
  ) {
    this.md5 = url.digest !== null ? createHash('md5') : null;
  }

  /** Feeds received bytes; returns the verdict once it is known, else `null`. */
  push(chunk: Buffer): ProbeOutcome | null {
    if (this.verdict) return this.verdict;
    this.total += chunk.length;
    if (this.total > this.maxBytes) {
      return this.decide(probeFailure('body-too-large', `more than ${this.maxBytes} bytes from ${this.url.path}`));
    }
    if (!this.inBody) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
      const buf = this.head.length === 1 ? chunk : Buffer.concat(this.head);
      this.head = [buf];
      const end = headerEnd(buf);
      if (end === null) {
        if (this.headBytes > MAX_HEADER_BYTES) return this.decide(probeFailure('http-malformed', 'header too large'));
        return null;
      }
      const headerText = buf.subarray(0, end.start).toString('latin1');
      const parsed = this.parseHeader(headerText);
      if (parsed) return this.decide(parsed);
      this.inBody = true;
      this.head = [];
      return this.takeBody(buf.subarray(end.bodyStart));
    }
    return this.takeBody(chunk);
  }

  /** The peer closed (EOF). Returns the final verdict. */
  end(): ProbeOutcome {
    if (this.verdict) return this.verdict;
    if (!this.inBody) {
      return this.decide(probeFailure('closed-early', this.headBytes === 0 ? 'closed without answering' : 'closed inside the header'));
    }
    if (this.contentLength !== null && this.bodyBytes < this.contentLength) {
      return this.decide(probeFailure('closed-early', `closed after ${this.bodyBytes} of ${this.contentLength} body bytes`));
    }
    return this.decide(this.judgeBody());
  }

  /** The status code read from the response (0 before the header is complete). */
  get statusCode(): number {
    return this.status;
  }

  private parseHeader(text: string): ProbeOutcome | null {
    // html.c extract_status_code: three digits between single spaces ("HTTP/1.1 200\r\n" without
    // the space RFC 9112 §4 requires after the code is not a status line for keepalived either).
    const m = /^HTTP\/\d\.\d (\d{3}) /.exec(text);
    const code = m ? Number(m[1]) : 0;
    if (code < STATUS_MIN || code > STATUS_MAX) {
      return probeFailure('http-malformed', `bad status line '${firstLine(text)}'`);
    }
    this.status = code;
    if (!this.url.statusCodes.some((r) => code >= r.from && code <= r.to)) {
      return probeFailure('http-status', `status ${code} for ${this.url.path}`);
    }
    const cl = /^content-length[ \t]*:[ \t]*(\d+)[ \t]*$/im.exec(text);
    if (cl) this.contentLength = Number(cl[1]);
    return null;
  }

  private takeBody(data: Buffer): ProbeOutcome | null {
    if (this.md5 === null && this.url.regex === null) {
      // Nothing in the body matters: the status line decides (keepalived reaches the same verdict).
      return this.decide(probeSuccess(`${this.status} ${this.url.path}`));
    }
    let use = data;
    if (this.contentLength !== null && this.bodyBytes + use.length > this.contentLength) {
      use = use.subarray(0, this.contentLength - this.bodyBytes);
    }
    this.bodyBytes += use.length;
    this.md5?.update(use);
    if (this.url.regex !== null) this.bodyText.push(use.toString('latin1'));
    if (this.contentLength !== null && this.bodyBytes >= this.contentLength) return this.decide(this.judgeBody());
    return null;
  }

  private judgeBody(): ProbeOutcome {
    if (this.md5 !== null) {
      const got = this.md5.digest('hex');
      if (got !== this.url.digest) return probeFailure('digest-mismatch', `MD5 ${got} for ${this.url.path}`);
    }
    if (this.url.regex !== null) {
      const matched = this.url.regex.test(this.bodyText.join(''));
      if (matched === this.url.regexNoMatch) {
        return probeFailure('regex-mismatch', `${this.url.path} ${matched ? 'matches' : 'does not match'} /${this.url.regex.source}/`);
      }
    }
    return probeSuccess(`${this.status} ${this.url.path}`);
  }

  private decide(v: ProbeOutcome): ProbeOutcome {
    this.verdict = v;
    this.head = [];
    this.bodyText.length = 0;
    return v;
  }
}

function headerEnd(buf: Buffer): { start: number; bodyStart: number } | null {
  const at = buf.indexOf(CRLFCRLF);
  return at === -1 ? null : { start: at, bodyStart: at + 4 };
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  return line.length > 60 ? `${line.slice(0, 60)}...` : line;
}
