import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The keepalived 2.2.7 captures in ../shared/fixtures/vrrp-vectors (outside the repo;
 * suites using them skip when it is absent). Field names are the capture tool's.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const GOLDEN_VECTORS_PATH = resolve(repoRoot, '../shared/fixtures/vrrp-vectors/golden-vectors.json');
export const GOLDEN_VECTORS_PRESENT = existsSync(GOLDEN_VECTORS_PATH);

export interface GoldenVrrpFields {
  version: number;
  type: number;
  vrid: number;
  priority: number;
  count: number;
  checksum: string;
  addrs: string[];
  vrrp_len: number;
  checksum_ok: boolean;
  auth_type?: number;
  adver_int_s?: number;
  auth_data?: string;
  auth_data_hex?: string;
  rsvd?: number;
  max_adver_int_cs?: number;
  checksum_ok_no_pseudo?: boolean;
}

export interface GoldenAhFields {
  next_header: number;
  length: number;
  spi: string;
  seq: number;
  icv_hex: string;
}

export interface GoldenDecoded {
  kind: 'vrrp' | 'arp' | 'na';
  eth_dst: string;
  eth_src: string;
  ethertype: string;
  ip_version?: number;
  ip_tos?: string;
  ip_tclass?: string;
  ip_ttl?: number;
  ip_hlim?: number;
  ip_proto?: number;
  ip_id?: number;
  ip_src?: string;
  ip_dst?: string;
  ip_hdr_cksum_ok?: boolean;
  ip_total_len?: number;
  ip_payload_len?: number;
  vrrp?: GoldenVrrpFields;
  ah?: GoldenAhFields;
  arp_op?: number;
  arp_sha?: string;
  arp_spa?: string;
  arp_tha?: string;
  arp_tpa?: string;
  garp?: boolean;
  icmp6_type?: number;
  na_router?: boolean;
  na_solicited?: boolean;
  na_override?: boolean;
  na_target?: string;
  na_tlla?: string;
  unsolicited_na?: boolean;
}

export interface GoldenVector {
  name: string;
  description: string;
  frame_hex: string;
  frame_len: number;
  l3_hex: string;
  l3_len: number;
  decoded: GoldenDecoded;
}

export function loadGoldenVectors(): GoldenVector[] {
  if (!GOLDEN_VECTORS_PRESENT) return [];
  return JSON.parse(readFileSync(GOLDEN_VECTORS_PATH, 'utf8')) as GoldenVector[];
}

export function hex(text: string): Buffer {
  return Buffer.from(text, 'hex');
}
