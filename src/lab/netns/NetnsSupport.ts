import { runCommand } from './CommandRunner.js';
import { bridgeNamespaceName, newTopologyTag } from './NamespaceName.js';

export type SupportCheck = { ok: true } | { ok: false; reason: string };

let cached: Promise<SupportCheck> | undefined;

/**
 * Whether this process can build topologies: root, iproute2 present, the kernel lets it
 * create a namespace holding a bridge and a veth pair, and commands run inside it. The
 * probe is done once per process. Tests use it as `describe.skipIf(!support.ok)` and
 * print `support.reason`.
 */
export function hasNetnsSupport(): Promise<SupportCheck> {
  cached ??= probe();
  return cached;
}

async function probe(): Promise<SupportCheck> {
  if (process.platform !== 'linux') return { ok: false, reason: `network namespaces need Linux, not ${process.platform}` };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'network namespaces need root (run as root, or in CI)' };
  const ns = bridgeNamespaceName(process.pid, newTopologyTag());
  try {
    const add = await runCommand(['ip', 'netns', 'add', ns], { timeoutMs: 10_000 });
    if (add.code !== 0) return { ok: false, reason: `ip netns add failed: ${add.stderr.trim()}` };
    const links = await runCommand(['ip', '-n', ns, '-batch', '-'], {
      timeoutMs: 10_000,
      input: 'link add vgl-br type bridge\nlink add vgl-a type veth peer name vgl-b\n',
    });
    if (links.code !== 0) return { ok: false, reason: `bridge/veth not available in a namespace: ${links.stderr.trim()}` };
    // `ip netns exec` also needs a private mount namespace and a remount of /sys (it fails
    // e.g. in a chroot whose / is not a mount point).
    const exec = await runCommand(['ip', 'netns', 'exec', ns, 'true'], { timeoutMs: 10_000 });
    if (exec.code !== 0) return { ok: false, reason: `ip netns exec fails here: ${exec.stderr.trim()}` };
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: `cannot run iproute2 (install it): ${(e as Error).message}` };
  } finally {
    await runCommand(['ip', 'netns', 'del', ns], { timeoutMs: 10_000 }).catch(() => undefined);
  }
}
