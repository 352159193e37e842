import { CLIENT_LOOP_SCRIPT, parseClientLoopResult, type ClientLoopResult } from './LabHostScripts.js';
import { LAB_FRONT_VIP } from './LabPlan.js';
import type { Topology } from './netns/index.js';

/** The virtual service of config/lab.conf: `virtual_server 203.0.113.100 80`. */
export const LAB_VIRTUAL_SERVICE_URL = `http://${LAB_FRONT_VIP}/`;
/** Requests per client loop: enough for rr to visit both real servers three times. */
export const CLIENT_LOOP_REQUESTS = 6;

/** One `ipvsadm -Ln` (or `vigil ipvs list`, its layout, where ipvsadm is not installed) inside a director. */
export interface IpvsListing {
  /** What was run, for the heading. */
  command: string;
  text: string;
}

/**
 * Lists the director's IPVS table. ipvsadm is what an operator would type; without it the
 * same layout comes from Vigil's own `vigil ipvs list`. Undefined when neither works.
 */
export async function listIpvs(topology: Topology, director: string, vigilMain: string, timeoutMs: number): Promise<IpvsListing | undefined> {
  const viaIpvsadm = await topology.exec(director, ['ipvsadm', '-Ln'], { timeoutMs }).catch(() => undefined);
  if (viaIpvsadm?.code === 0) return { command: 'ipvsadm -Ln', text: viaIpvsadm.stdout.trimEnd() };
  const viaVigil = await topology.exec(director, [process.execPath, vigilMain, 'ipvs', 'list'], { timeoutMs }).catch(() => undefined);
  if (viaVigil?.code === 0) return { command: 'vigil ipvs list (ipvsadm is not installed)', text: viaVigil.stdout.trimEnd() };
  return undefined;
}

/**
 * The real servers (`ADDRESS:PORT`) of the TCP service `vip:port` in an `ipvsadm -Ln`
 * listing: the `  -> ` lines under its `TCP  vip:port` line, up to the next service.
 */
export function ipvsDestinations(listing: string, vip: string, port: number): string[] {
  const found: string[] = [];
  let inService = false;
  for (const line of listing.split('\n')) {
    const service = /^(TCP|UDP|SCTP|FWM)\s+(\S+)/.exec(line);
    if (service !== null) {
      inService = service[1] === 'TCP' && service[2] === `${vip}:${port}`;
      continue;
    }
    const dest = /^\s+->\s+(\d+\.\d+\.\d+\.\d+:\d+)\s/.exec(line);
    if (inService && dest?.[1] !== undefined) found.push(dest[1]);
  }
  return found;
}

/** The client's `curl` loop against the virtual service: CLIENT_LOOP_REQUESTS new connections, one after the other. */
export async function runClientLoop(topology: Topology, requestTimeoutMs: number): Promise<ClientLoopResult> {
  const argv = [process.execPath, '-e', CLIENT_LOOP_SCRIPT, LAB_VIRTUAL_SERVICE_URL, String(CLIENT_LOOP_REQUESTS), String(requestTimeoutMs), 'vigil-lab-client'];
  const r = await topology.exec('client', argv, { timeoutMs: requestTimeoutMs * (CLIENT_LOOP_REQUESTS + 2) + 30_000 });
  const parsed = r.stdout
    .split('\n')
    .map((l) => parseClientLoopResult(l))
    .find((x) => x !== undefined);
  const why = `client loop ended with ${r.code !== null ? `exit ${r.code}` : `signal ${r.signal ?? '?'}`}${r.stderr.trim() ? `: ${r.stderr.trim()}` : ''}`;
  return parsed ?? { answers: Array.from({ length: CLIENT_LOOP_REQUESTS }, () => null), errors: Array.from({ length: CLIENT_LOOP_REQUESTS }, () => why) };
}

/** `rs1 rs2 rs1 rs2 rs1 rs2`, with `(ECONNREFUSED)` in place of a request that got no answer. */
export function formatClientLoop(r: ClientLoopResult): string {
  return r.answers.map((a, i) => a ?? `(${r.errors[i] ?? 'no answer'})`).join(' ');
}
