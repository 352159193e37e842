import { loadConfigText } from '../../../../src/config/loadConfig.js';
import type { VigilConfig } from '../../../../src/config/model/VigilConfig.js';
import type { VirtualServer } from '../../../../src/config/model/VirtualServer.js';

/** Parses keepalived.conf text through the real config pipeline; throws on errors. */
export function configFrom(text: string): VigilConfig {
  const r = loadConfigText(text, 'checker-test.conf');
  if (!r.model) throw new Error(`config has errors: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.model;
}

export function virtualServerFrom(text: string): VirtualServer {
  const vs = configFrom(text).virtualServers[0];
  if (!vs) throw new Error('no virtual_server in config');
  return vs;
}
