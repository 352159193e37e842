/** A strict reader of the text exposition format, for tests: throws on anything malformed. */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedExposition {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: ParsedSample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/;
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\[\\"n])*)"(,|$)/;

export function parsePrometheusText(text: string): ParsedExposition {
  if (text !== '' && !text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const out: ParsedExposition = { types: new Map(), help: new Map(), samples: [] };
  for (const line of text.split('\n').slice(0, -1)) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      const map = kind === 'HELP' ? out.help : out.types;
      if (map.has(name)) throw new Error(`second ${kind} for ${name}`);
      map.set(name, rest);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    let rest = m[3] ?? '';
    while (rest.length > 0) {
      const l = LABEL.exec(rest);
      if (!l) throw new Error(`bad labels in: ${line}`);
      const [whole, key, raw] = l as unknown as [string, string, string];
      labels[key] = raw.replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
      rest = rest.slice(whole.length);
    }
    const valueText = m[4] ?? '';
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    if (Number.isNaN(value) && valueText !== 'NaN') throw new Error(`bad value in: ${line}`);
    const name = m[1] ?? '';
    const family = [...out.types.keys()].find((f) => name === f || (out.types.get(f) === 'histogram' && [`${f}_bucket`, `${f}_sum`, `${f}_count`].includes(name)));
    if (!family) throw new Error(`sample before its TYPE: ${line}`);
    out.samples.push({ name, labels, value });
  }
  return out;
}

export function sampleValue(exp: ParsedExposition, name: string, labels: Record<string, string> = {}): number | undefined {
  return exp.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v) && Object.keys(s.labels).length === Object.keys(labels).length)?.value;
}
