import { VigilError } from '../../../src/core/VigilError.js';
import type { NetnsProcess, Topology } from '../../../src/lab/netns/index.js';
import { readPcapFile, type PcapFile } from './PcapReader.js';

/**
 * Where to listen, always from inside the bridge namespace:
 * - `{ segment }`: the segment's bridge device. tcpdump puts it in promiscuous mode, and a
 *   promiscuous bridge passes every frame it forwards up to itself, so this sees all
 *   traffic of the segment (each frame once).
 * - `{ host, ifname }`: the bridge port of one host leg: only what that host sends or
 *   receives (nothing at all while the link is down or partitioned).
 */
export type CapturePoint = { segment: string } | { host: string; ifname: string };

export interface CaptureOptions {
  /** Output file; must end in `.pcap` (Debian's AppArmor profile for tcpdump allows those). */
  file: string;
  /** A pcap-filter(7) expression, e.g. `['vrrp', 'or', 'arp']`. */
  filter?: readonly string[];
  /** Bound on waiting for tcpdump to open the interface (default 10 s). */
  readyTimeoutMs?: number;
}

const STOP_TIMEOUT_MS = 5_000;

/**
 * Records frames with nanosecond timestamps by running tcpdump in the bridge namespace.
 * Each packet is flushed as it arrives (`-U`), so the file can also be read while the
 * capture runs; `stop()` ends tcpdump cleanly and returns the parsed file.
 */
export class PacketCapture {
  readonly file: string;
  /** The interface tcpdump listens on, inside the bridge namespace. */
  readonly interfaceName: string;
  private readonly proc: NetnsProcess;
  private stopped: Promise<PcapFile> | undefined;

  private constructor(file: string, interfaceName: string, proc: NetnsProcess) {
    this.file = file;
    this.interfaceName = interfaceName;
    this.proc = proc;
  }

  /** Starts tcpdump and resolves once it is listening (frames from then on are recorded). */
  static async start(topo: Topology, point: CapturePoint, opts: CaptureOptions): Promise<PacketCapture> {
    if (!opts.file.endsWith('.pcap')) {
      throw new VigilError('CAPTURE_START_FAILED', `capture file ${opts.file} must end in .pcap`);
    }
    const iface = 'segment' in point ? topo.bridgeOf(point.segment) : topo.link(point.host, point.ifname).bridgePort;
    const argv = [
      'tcpdump',
      '-i', iface,
      '-w', opts.file,
      '-U', // write each packet as it arrives
      '-n',
      '-s', '0',
      '--immediate-mode', // no buffering delay in the kernel ring either
      '--time-stamp-precision=nano',
      '-Z', 'root', // Debian's tcpdump otherwise drops to user tcpdump and may not write the file
      ...(opts.filter ?? []),
    ];
    const proc = topo.spawnInBridge(argv);
    try {
      await proc.waitForOutput(/listening on/, { timeoutMs: opts.readyTimeoutMs ?? 10_000, stream: 'stderr' });
    } catch (e) {
      await proc.stop().catch(() => undefined);
      throw new VigilError('CAPTURE_START_FAILED', `tcpdump on ${iface} did not start: ${proc.stderr.trim()}`, { iface }, { cause: e });
    }
    return new PacketCapture(opts.file, iface, proc);
  }

  /** The frames recorded so far, without stopping. */
  snapshot(): Promise<PcapFile> {
    return readPcapFile(this.file);
  }

  /** Stops tcpdump (SIGINT lets it finish the file) and returns everything recorded. */
  stop(): Promise<PcapFile> {
    this.stopped ??= (async () => {
      this.proc.signal('SIGINT');
      const ended = await Promise.race([
        this.proc.exited.then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), STOP_TIMEOUT_MS).unref()),
      ]);
      if (!ended) await this.proc.stop({ graceMs: 1_000 });
      return readPcapFile(this.file);
    })();
    return this.stopped;
  }
}
