import { loadConfigText } from '../../../../src/config/loadConfig.js';
import type { VigilConfig } from '../../../../src/config/model/VigilConfig.js';

/** The validated model of a keepalived.conf text; throws with the diagnostics if it is refused. */
export function configFrom(text: string): VigilConfig {
  const loaded = loadConfigText(text, 'test.conf', { configId: 'test' });
  if (loaded.model === null) {
    throw new Error(`config refused: ${loaded.diagnostics.map((d) => `${d.code}: ${d.message}`).join('; ')}`);
  }
  return loaded.model;
}
