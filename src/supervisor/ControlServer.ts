import { chmodSync, lstatSync, mkdirSync, unlinkSync, type Stats } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { VigilError } from '../core/VigilError.js';
import { MAX_REQUEST_LINE_BYTES, parseControlRequest, type ControlRequest, type ControlResponse } from './ControlProtocol.js';

/** Answers one request; a throw becomes a CONTROL_INTERNAL error response. */
export type ControlHandler = (request: ControlRequest) => Promise<ControlResponse>;

export interface RunningControlServer {
  readonly path: string;
  close(): Promise<void>;
}

export type ControlServerStart = { ok: true; server: RunningControlServer } | { ok: false; error: VigilError };

/** Socket file mode: connect(2) on a unix socket needs write permission, so 0600 = the owner (root) only. */
const SOCKET_MODE = 0o600;
const DIRECTORY_MODE = 0o700;
/** A client that sends nothing for this long is dropped, so forgotten connections do not pile up. */
export const CONTROL_IDLE_TIMEOUT_MS = 60_000;

/**
 * The control socket (unix stream, newline-delimited JSON, see ControlProtocol.ts).
 *
 * Root-only by file permissions, as Node cannot read SO_PEERCRED: the directory must not
 * be writable by group or others (nobody can swap the socket), and the socket is 0600.
 * A stale socket from a crashed run is replaced; a live one (another Vigil answering) is
 * refused. Requests on one connection are answered in order.
 */
export async function startControlServer(path: string, handle: ControlHandler, idleTimeoutMs = CONTROL_IDLE_TIMEOUT_MS): Promise<ControlServerStart> {
  const prepared = await prepareSocketPath(path);
  if (!prepared.ok) return prepared;

  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setTimeout(idleTimeoutMs, () => socket.destroy());
    serveConnection(socket, handle);
  });

  return new Promise((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      resolve({ ok: false, error: new VigilError('CONTROL_SOCKET_LISTEN_FAILED', `cannot listen on ${path}: ${err.code ?? err.message}`, { path }, { cause: err }) }),
    );
    server.listen(path, () => {
      let ours: Stats;
      try {
        chmodSync(path, SOCKET_MODE);
        ours = lstatSync(path);
      } catch (err) {
        server.close();
        resolve({ ok: false, error: new VigilError('CONTROL_SOCKET_LISTEN_FAILED', `cannot secure ${path}: ${String(err)}`, { path }, { cause: err }) });
        return;
      }
      resolve({
        ok: true,
        server: {
          path,
          close: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              for (const s of sockets) s.destroy();
              removeIfSame(path, ours);
            }),
        },
      });
    });
  });
}

function serveConnection(socket: Socket, handle: ControlHandler): void {
  let buffered = '';
  let queue = Promise.resolve();
  socket.setEncoding('utf8');
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line === '') continue;
      queue = queue.then(() => answer(socket, line, handle));
    }
    if (Buffer.byteLength(buffered) > MAX_REQUEST_LINE_BYTES) {
      buffered = '';
      queue = queue.then(() => {
        write(socket, { ok: false, error: { code: 'CONTROL_REQUEST_TOO_LARGE', message: `request line longer than ${MAX_REQUEST_LINE_BYTES} bytes` } });
        socket.end();
      });
    }
  });
}

async function answer(socket: Socket, line: string, handle: ControlHandler): Promise<void> {
  const parsed = parseControlRequest(line);
  if (!parsed.ok) return write(socket, { ok: false, error: parsed.error });
  let response: ControlResponse;
  try {
    response = await handle(parsed.request);
  } catch (err) {
    const code = err instanceof VigilError ? err.code : 'CONTROL_INTERNAL';
    response = { ok: false, error: { code, message: err instanceof Error ? err.message : String(err) } };
  }
  write(socket, response);
}

function write(socket: Socket, response: ControlResponse): void {
  if (!socket.destroyed && socket.writable) socket.write(JSON.stringify(response) + '\n');
}

async function prepareSocketPath(path: string): Promise<{ ok: true } | { ok: false; error: VigilError }> {
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true, mode: DIRECTORY_MODE });
    const d = lstatSync(dir);
    if (!d.isDirectory()) return { ok: false, error: new VigilError('CONTROL_SOCKET_DIR_UNSAFE', `${dir} is not a directory`, { path: dir }) };
    if ((d.mode & 0o022) !== 0) {
      return { ok: false, error: new VigilError('CONTROL_SOCKET_DIR_UNSAFE', `${dir} is writable by group or others (mode ${(d.mode & 0o777).toString(8)}); the control socket needs a private directory`, { path: dir }) };
    }
  } catch (err) {
    return { ok: false, error: new VigilError('CONTROL_SOCKET_DIR_UNSAFE', `cannot prepare ${dir}: ${String(err)}`, { path: dir }, { cause: err }) };
  }
  let existing: Stats;
  try {
    existing = lstatSync(path);
  } catch {
    return { ok: true };
  }
  if (!existing.isSocket()) return { ok: false, error: new VigilError('CONTROL_SOCKET_PATH_TAKEN', `${path} exists and is not a socket`, { path }) };
  if (await socketAnswers(path)) return { ok: false, error: new VigilError('CONTROL_SOCKET_IN_USE', `another process is listening on ${path} (is Vigil already running?)`, { path }) };
  try {
    unlinkSync(path);
  } catch (err) {
    return { ok: false, error: new VigilError('CONTROL_SOCKET_PATH_TAKEN', `cannot remove stale socket ${path}: ${String(err)}`, { path }, { cause: err }) };
  }
  return { ok: true };
}

/** True when something accepts connections on the socket (a stale one gives ECONNREFUSED). */
function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/** Unlinks the socket only if it is still the one we created (a successor may have replaced it). */
function removeIfSame(path: string, ours: Stats): void {
  try {
    const now = lstatSync(path);
    if (now.ino === ours.ino && now.dev === ours.dev) unlinkSync(path);
  } catch {
    // already gone
  }
}
