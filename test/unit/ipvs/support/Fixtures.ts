import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's own IPVS fixtures (test/fixtures/ipvs). */
export const IPVS_FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/ipvs');

/** Bytes of an annotated hex fixture: `#` starts a comment, whitespace is ignored. */
export function readHexFixture(name: string): Uint8Array {
  const text = readFileSync(path.join(IPVS_FIXTURES, name), 'utf8');
  const digits = text
    .split('\n')
    .map((line) => line.replace(/#.*/, ''))
    .join('')
    .replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`${name}: not an even run of hex digits`);
  return Uint8Array.from(Buffer.from(digits, 'hex'));
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** One request/reply exchange the VM probe recorded against Linux 6.1. */
export interface KernelExchange {
  readonly label: string;
  readonly request: Uint8Array;
  readonly replies: readonly Uint8Array[];
}

/** test/fixtures/ipvs/kernel-6.1-probe-output.json: every exchange of probe/ipvs-probe.mjs. */
let cachedExchanges: { kernel: string; exchanges: KernelExchange[] } | undefined;

export function readKernelExchanges(): { kernel: string; exchanges: KernelExchange[] } {
  cachedExchanges ??= parseKernelExchanges();
  return cachedExchanges;
}

function parseKernelExchanges(): { kernel: string; exchanges: KernelExchange[] } {
  const raw = JSON.parse(readFileSync(path.join(IPVS_FIXTURES, 'kernel-6.1-probe-output.json'), 'utf8')) as {
    kernel: string;
    exchanges: { label: string; request: string; replies: string[] }[];
  };
  return {
    kernel: raw.kernel,
    exchanges: raw.exchanges.map((e) => ({
      label: e.label,
      request: Uint8Array.from(Buffer.from(e.request, 'hex')),
      replies: e.replies.map((r) => Uint8Array.from(Buffer.from(r, 'hex'))),
    })),
  };
}

/** The first exchange with `label` (the probe labels each step). */
export function kernelExchange(label: string): KernelExchange {
  const found = readKernelExchanges().exchanges.find((e) => e.label === label);
  if (found === undefined) throw new Error(`no exchange labelled "${label}" in the probe fixture`);
  return found;
}

/** ipvsadm's request payloads (after the 16-byte header) per "### name" block of the strace fixture. */
export function readIpvsadmRequests(): Map<string, { flags: string; payload: Uint8Array }[]> {
  const text = readFileSync(path.join(IPVS_FIXTURES, 'strace-ipvsadm-1.31-linux-6.1.txt'), 'utf8');
  const blocks = new Map<string, { flags: string; payload: Uint8Array }[]>();
  let current: { flags: string; payload: Uint8Array }[] | undefined;
  for (const line of text.split('\n')) {
    const marker = /^### (\S+)/.exec(line);
    if (marker?.[1] !== undefined) {
      current = [];
      blocks.set(marker[1], current);
      continue;
    }
    const message = /nlmsg_type=(?:IPVS|0x20 [^,]*), nlmsg_flags=([^,]+),.*?\}, "((?:\\x[0-9a-f]{2})*)"/.exec(line);
    if (message?.[1] === undefined || message[2] === undefined || current === undefined) continue;
    current.push({ flags: message[1], payload: Uint8Array.from(Buffer.from(message[2].replace(/\\x/g, ''), 'hex')) });
  }
  return blocks;
}
