import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The project's own copy (test/fixtures/native). */
export const OWN_FIXTURE = resolve(REPO_ROOT, 'test/fixtures/native/keepalived-frames.json');
/** The full set in shared/, when this checkout has it. */
export const SHARED_VECTORS = resolve(REPO_ROOT, '../shared/fixtures/vrrp-vectors/golden-vectors.json');

export interface KeepalivedFrame {
  name: string;
  description: string;
  /** Ethernet frame as captured. */
  frame: Buffer;
  /** From the IP header on (ARP: the ARP body). */
  l3: Buffer;
}

export type KeepalivedFrameName = 'garp_v4_dir1' | 'na_unsolicited_dir1' | 'v2_adv_pass_prio150' | 'v3_ipv6_adv_prio150';

/** Where those frames came from: keepalived's dir1 in the capture test bed. */
export const KEEPALIVED_DIR1 = { mac: '02:00:00:00:00:01', ipv4: '192.0.2.1', linkLocal: 'fe80::ff:fe00:1' } as const;

export function keepalivedFrame(name: KeepalivedFrameName): KeepalivedFrame {
  const parsed = JSON.parse(readFileSync(OWN_FIXTURE, 'utf8')) as {
    frames: { name: string; description: string; frameHex: string; l3Hex: string }[];
  };
  const f = parsed.frames.find((x) => x.name === name);
  if (f === undefined) throw new Error(`fixture ${OWN_FIXTURE} has no frame ${name}`);
  return { name, description: f.description, frame: Buffer.from(f.frameHex, 'hex'), l3: Buffer.from(f.l3Hex, 'hex') };
}

export function sharedVectorsPresent(): boolean {
  return existsSync(SHARED_VECTORS);
}

/** Frame bytes of vector `name` in shared/ (call only when sharedVectorsPresent()). */
export function sharedFrameHex(name: string): string | undefined {
  const vectors = JSON.parse(readFileSync(SHARED_VECTORS, 'utf8')) as { name: string; frame_hex: string }[];
  return vectors.find((v) => v.name === name)?.frame_hex;
}
