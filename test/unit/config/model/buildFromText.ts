import type { Diagnostic } from '../../../../src/config/Diagnostic.js';
import { loadConfigText } from '../../../../src/config/loadConfig.js';
import { buildConfigModel } from '../../../../src/config/model/buildConfigModel.js';
import type { VigilConfig } from '../../../../src/config/model/VigilConfig.js';
import { parseConfigText } from '../../../../src/config/parseConfig.js';

export const FILE = 'test.conf';

/** Parses, builds and validates `text`; the model is built even when there are errors. */
export function buildFromText(text: string): { config: VigilConfig; model: VigilConfig | null; diagnostics: readonly Diagnostic[] } {
  const loaded = loadConfigText(text, FILE, { configId: 'test' });
  const built = buildConfigModel(parseConfigText(text, FILE, { configId: 'test' }).statements);
  return { config: built.config, model: loaded.model, diagnostics: loaded.diagnostics };
}

/** The diagnostics with `code`. */
export function withCode(diagnostics: readonly Diagnostic[], code: string): Diagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}

/** Exactly one diagnostic with `code`; fails the test otherwise. */
export function only(diagnostics: readonly Diagnostic[], code: string): Diagnostic {
  const found = withCode(diagnostics, code);
  if (found.length !== 1) {
    throw new Error(`expected one '${code}' diagnostic, got ${found.length}: ${JSON.stringify(diagnostics, null, 1)}`);
  }
  return found[0] as Diagnostic;
}

export function errors(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
}

/** A minimal valid instance body, for tests that vary one setting. */
export function instance(extra: string, name = 'VI_1', vrid = 51, iface = 'eth0'): string {
  return `vrrp_instance ${name} {\n  interface ${iface}\n  virtual_router_id ${vrid}\n  virtual_ipaddress {\n    192.0.2.100\n  }\n${extra}\n}\n`;
}
