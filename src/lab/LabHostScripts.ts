/**
 * Programs the lab runs inside its namespaces with `node -e` (CommonJS; `process.argv[1..]`
 * are the arguments). Each carries a `vigil-lab-` marker in its command line so a leftover
 * process would be easy to find.
 */

/** argv: NAME ADDRESS PORT MARKER — answers every request with NAME (the seeds' "curl gives rs1"). */
export const REAL_SERVER_SCRIPT = `
const http = require('node:http');
const [name, address, port] = process.argv.slice(1);
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
  res.end(name + '\\n');
});
server.listen(Number(port), address, () => console.log('listening on ' + address + ':' + port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/**
 * argv: TARGETS_JSON INTERVAL_MS MARKER. Every interval, GETs each target
 * ({ name, url }) with a timeout below the interval and prints one JSON line
 * { answers: { NAME: body | null }, errors: { NAME: text } }.
 */
export const CLIENT_PROBE_SCRIPT = `
const http = require('node:http');
const targets = JSON.parse(process.argv[1]);
const intervalMs = Number(process.argv[2]);
function get(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: Math.floor(intervalMs * 0.8), agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ body: body.trim() }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer (timeout)')));
    req.on('error', (e) => resolve({ error: e.code === 'EHOSTUNREACH' ? 'host unreachable' : e.message }));
  });
}
async function round() {
  const answers = {}, errors = {};
  await Promise.all(targets.map(async (t) => {
    const r = await get(t.url);
    answers[t.name] = r.body === undefined ? null : r.body;
    if (r.error !== undefined) errors[t.name] = r.error;
  }));
  console.log(JSON.stringify({ answers, errors }));
}
setInterval(round, intervalMs);
round();
process.on('SIGTERM', () => process.exit(0));
`;

/** What one probe round reported per real server: its answer, or why there was none. */
export interface ProbeRound {
  answers: Record<string, string | null>;
  errors: Record<string, string>;
}

/** Reads a line of the probe's output; undefined when it is not a probe round. */
export function parseProbeRound(line: string): ProbeRound | undefined {
  try {
    const v = JSON.parse(line) as unknown;
    if (typeof v !== 'object' || v === null) return undefined;
    const o = v as { answers?: unknown; errors?: unknown };
    if (typeof o.answers !== 'object' || o.answers === null) return undefined;
    const answers: Record<string, string | null> = {};
    for (const [k, a] of Object.entries(o.answers)) answers[k] = typeof a === 'string' ? a : null;
    const errors: Record<string, string> = {};
    if (typeof o.errors === 'object' && o.errors !== null) {
      for (const [k, e] of Object.entries(o.errors)) if (typeof e === 'string') errors[k] = e;
    }
    return { answers, errors };
  } catch {
    return undefined;
  }
}

/**
 * argv: URL COUNT TIMEOUT_MS MARKER — the client's `curl` loop: COUNT GETs of URL one after
 * the other, each a new connection (so IPVS's rr scheduler picks the next real server), and
 * one JSON line { answers: [body | null, ...], errors: [text | null, ...] }.
 */
export const CLIENT_LOOP_SCRIPT = `
const http = require('node:http');
const [url, count, timeoutMs] = process.argv.slice(1);
function get() {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: Number(timeoutMs), agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ body: body.trim(), error: null }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer (timeout)')));
    req.on('error', (e) => resolve({ body: null, error: e.code || e.message }));
  });
}
(async () => {
  const answers = [], errors = [];
  for (let i = 0; i < Number(count); i++) {
    const r = await get();
    answers.push(r.body);
    errors.push(r.error);
  }
  console.log(JSON.stringify({ answers, errors }));
})();
`;

/** The client loop's result: one entry per request, the answer or why there was none. */
export interface ClientLoopResult {
  answers: (string | null)[];
  errors: (string | null)[];
}

/** Reads the client loop's output line; undefined when it is not one. */
export function parseClientLoopResult(line: string): ClientLoopResult | undefined {
  try {
    const v = JSON.parse(line) as unknown;
    if (typeof v !== 'object' || v === null) return undefined;
    const o = v as { answers?: unknown; errors?: unknown };
    if (!Array.isArray(o.answers)) return undefined;
    const answers = o.answers.map((a: unknown) => (typeof a === 'string' ? a : null));
    const errors = Array.isArray(o.errors) ? o.errors.map((e: unknown) => (typeof e === 'string' ? e : null)) : answers.map(() => null);
    return { answers, errors };
  } catch {
    return undefined;
  }
}
