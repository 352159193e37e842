import type { Statement } from '../ConfigAst.js';
import type { NameRef, ScriptCommand, WeightedRef } from './Common.js';
import { VRRP_TRACK_WEIGHT_LIMIT } from './KeepalivedDefaults.js';
import type { DiagnosticSink } from './ModelDiagnostics.js';
import { readNotifyCommand, readInteger, wordText } from './ValueReaders.js';

/**
 * `track_script { NAME [weight N [reverse]] ... }` and `track_interface { IF [weight N [reverse]] }`.
 * keepalived limits weights to [-253, 253] (vrrp_track.c) and ignores the entry otherwise.
 */
export function readWeightedRefs(stmt: Statement, sink: DiagnosticSink, earlier: readonly WeightedRef[] = []): WeightedRef[] {
  // keepalived appends repeated blocks to one list and ignores names already in it.
  const list: WeightedRef[] = [...earlier];
  const kw = stmt.keyword.text;
  const seen = new Set<string>(earlier.map((r) => r.name));
  for (const item of stmt.block?.statements ?? []) {
    const name = wordText(item.keyword, kw, sink);
    let weight: number | null = null;
    let reverse = false;
    let i = 0;
    while (i < item.args.length) {
      const opt = item.args[i];
      if (!opt) break;
      const optText = wordText(opt, kw, sink);
      if (optText === 'weight') {
        if (i + 1 >= item.args.length) {
          sink.error('missing-argument', opt, kw, `weight for ${name} needs a value`, `write '${name} weight <-${VRRP_TRACK_WEIGHT_LIMIT}..${VRRP_TRACK_WEIGHT_LIMIT}>'`);
          break;
        }
        weight = readInteger(
          { keyword: { ...item.keyword, text: kw }, args: item.args },
          i + 1,
          { min: -VRRP_TRACK_WEIGHT_LIMIT, max: VRRP_TRACK_WEIGHT_LIMIT, keepalivedDoes: 'ignores this entry', label: `weight of ${name}` },
          sink,
        );
        i += 2;
        const next = item.args[i];
        if (next && wordText(next, kw, sink) === 'reverse') {
          reverse = true;
          i++;
        }
        continue;
      }
      sink.error('invalid-value', opt, kw, `unknown ${kw} option '${optText}' for ${name}`, `write '${name}' or '${name} weight N [reverse]'`);
      i++;
    }
    if (item.block) {
      sink.error('block-unexpected', { pos: item.block.open }, kw, `'${name}' in ${kw} does not take a block`, 'list one name per line');
    }
    if (seen.has(name)) {
      sink.warning('duplicate-keyword', item.keyword, kw, `${name} is listed twice in ${kw}; keepalived ignores the second`, 'remove the duplicate');
      continue;
    }
    seen.add(name);
    list.push({ name, pos: item.keyword.pos, weight, reverse });
  }
  return list;
}

/** `group { VI_1 VI_2 }`: names, one or several per line. */
export function readNameList(stmt: Statement, sink: DiagnosticSink): NameRef[] {
  const names: NameRef[] = [];
  const kw = stmt.keyword.text;
  for (const item of stmt.block?.statements ?? []) {
    for (const w of [item.keyword, ...item.args]) names.push({ name: wordText(w, kw, sink), pos: w.pos });
    if (item.block) sink.error('block-unexpected', { pos: item.block.open }, kw, `'${item.keyword.text}' in ${kw} does not take a block`, 'list names only');
  }
  return names;
}

/**
 * A notify script keyword. keepalived keeps the first and ignores later ones ("script already
 * specified - ignoring"), so a repeat is reported and does not replace it.
 */
export function readNotify(stmt: Statement, current: ScriptCommand | null, sink: DiagnosticSink): ScriptCommand | null {
  if (current) {
    sink.warning(
      'duplicate-keyword',
      stmt.keyword,
      stmt.keyword.text,
      `${stmt.keyword.text} is already set; keepalived keeps the first one and ignores this line`,
      'remove one of them',
    );
    return current;
  }
  return readNotifyCommand(stmt, sink);
}
