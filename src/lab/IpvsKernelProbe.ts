import type { Topology } from './netns/index.js';

/** Whether the kernel under the lab has IPVS; `reason` says why not, in the kernel's own words. */
export type IpvsKernelSupport = { ok: true } | { ok: false; reason: string };

/**
 * Asks for IPVS inside one of the lab's namespaces: `modprobe ip_vs` (a no-op where IPVS
 * is built in or loaded), then whether `/proc/net/ip_vs` exists there. The file is per
 * network namespace (net/netfilter/ipvs/ip_vs_conn.c registers it in each netns), so the
 * answer is the one the directors will get.
 */
export async function probeIpvsKernel(topology: Topology, host: string): Promise<IpvsKernelSupport> {
  const modprobe = await topology
    .exec(host, ['modprobe', 'ip_vs'], { timeoutMs: 30_000 })
    .catch((e: unknown) => ({ code: null, stderr: e instanceof Error ? e.message : String(e), stdout: '' }));
  const present = await topology.exec(host, ['cat', '/proc/net/ip_vs'], { timeoutMs: 30_000 }).catch(() => undefined);
  if (present?.code === 0) return { ok: true };
  const said = modprobe.code === 0 ? 'loaded, but /proc/net/ip_vs is missing' : oneLine(`${modprobe.stderr}${modprobe.stdout}`) || `exit ${String(modprobe.code)}`;
  return { ok: false, reason: `modprobe ip_vs: ${said}` };
}

function oneLine(text: string): string {
  return text.trim().split('\n').filter((l) => l.trim() !== '').join('; ');
}
