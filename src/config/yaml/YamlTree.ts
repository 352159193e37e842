import { parseEvents, getScalarValue, YAMLException, EVENT_ID, SCALAR_STYLE, type Event } from 'js-yaml';
import type { Diagnostic } from '../Diagnostic.js';
import type { SourcePos } from '../SourcePos.js';

/** A YAML node with the position of its first character, read from js-yaml's event stream. */
export type YamlNode =
  | { kind: 'scalar'; value: string; plain: boolean; pos: SourcePos }
  | { kind: 'sequence'; items: YamlNode[]; pos: SourcePos }
  | { kind: 'mapping'; pairs: Array<{ key: YamlNode; value: YamlNode }>; pos: SourcePos };

export type YamlTreeResult = { ok: true; root: YamlNode | null } | { ok: false; diagnostic: Diagnostic };

/** Offsets to 1-based line/column, by binary search over line starts. */
class OffsetIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  pos(file: string, offset: number): SourcePos {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, col: offset - (this.starts[lo] as number) + 1 };
  }
}

/** Nesting is bounded by js-yaml's own maxDepth; we keep its default of 100. */
const MAX_DEPTH = 100;

export function readYamlTree(text: string, file: string): YamlTreeResult {
  let events: Event[];
  try {
    events = parseEvents(text, { filename: file, maxDepth: MAX_DEPTH });
  } catch (e) {
    if (e instanceof YAMLException && e.mark) {
      const reason = e.message.split('\n')[0]?.replace(/ in "[^"]*" \(\d+:\d+\)$/, '') ?? 'invalid YAML';
      return {
        ok: false,
        diagnostic: { severity: 'error', code: 'yaml-syntax', message: `invalid YAML: ${reason}`, pos: { file, line: e.mark.line + 1, col: e.mark.column + 1 } },
      };
    }
    return { ok: false, diagnostic: { severity: 'error', code: 'yaml-syntax', message: `invalid YAML: ${String(e)}`, pos: { file, line: 1, col: 1 } } };
  }

  const index = new OffsetIndex(text);
  const documents: YamlNode[] = [];
  // Explicit stack instead of recursion: the event stream is flat.
  const stack: Array<{ node: YamlNode; pendingKey: YamlNode | null }> = [];
  let documentCount = 0;

  const attach = (node: YamlNode): Diagnostic | null => {
    const top = stack[stack.length - 1];
    if (!top) {
      documents.push(node);
      return null;
    }
    if (top.node.kind === 'sequence') {
      top.node.items.push(node);
    } else if (top.node.kind === 'mapping') {
      if (top.pendingKey === null) {
        if (node.kind !== 'scalar') {
          return { severity: 'error', code: 'yaml-shape', message: 'mapping keys must be plain strings', pos: node.pos };
        }
        top.pendingKey = node;
      } else {
        top.node.pairs.push({ key: top.pendingKey, value: node });
        top.pendingKey = null;
      }
    }
    return null;
  };

  for (const ev of events) {
    switch (ev.type) {
      case EVENT_ID.DOCUMENT:
        documentCount++;
        if (documentCount > 1) {
          return { ok: false, diagnostic: { severity: 'error', code: 'yaml-shape', message: 'a Vigil YAML config holds one document, found a second', pos: index.pos(file, 0) } };
        }
        break;
      case EVENT_ID.ALIAS:
        return { ok: false, diagnostic: { severity: 'error', code: 'yaml-alias', message: 'YAML aliases (*name) are not supported in Vigil configs; write the value out', pos: index.pos(file, 0) } };
      case EVENT_ID.SCALAR: {
        const pos = index.pos(file, ev.valueStart);
        const err = attach({ kind: 'scalar', value: getScalarValue(text, ev), plain: ev.style === SCALAR_STYLE.PLAIN, pos });
        if (err) return { ok: false, diagnostic: err };
        break;
      }
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING: {
        const pos = index.pos(file, ev.start);
        const node: YamlNode = ev.type === EVENT_ID.SEQUENCE ? { kind: 'sequence', items: [], pos } : { kind: 'mapping', pairs: [], pos };
        const err = attach(node);
        if (err) return { ok: false, diagnostic: err };
        stack.push({ node, pendingKey: null });
        break;
      }
      case EVENT_ID.POP:
        stack.pop();
        break;
    }
  }
  return { ok: true, root: documents[0] ?? null };
}
