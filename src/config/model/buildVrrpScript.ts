import type { Statement } from '../ConfigAst.js';
import type { ScriptCommand } from './Common.js';
import type { Draft } from './Draft.js';
import * as D from './KeepalivedDefaults.js';
import type { DiagnosticSink } from './ModelDiagnostics.js';
import { walkBlock, type KeywordRules } from './KeywordRules.js';
import { readScriptCommand, readInteger, readScriptUser, readSeconds, wordText } from './ValueReaders.js';
import type { VrrpScript } from './VrrpScript.js';

/** keepalived vrrp_parser.c: interval/timeout are whole seconds up to UINT_MAX / TIMER_HZ. */
const MAX_SCRIPT_SECONDS = 4294;
/** C INT_MAX: vrrp_parser.c bounds rise and fall with it. */
const INT_MAX = 2147483647;
/** vrrp_parser.c: "vrrp_script %s weight %s must be in [-253, 253]". */
const SCRIPT_WEIGHT_LIMIT = 253;

type ScriptDraft = Omit<Draft<VrrpScript>, 'script'> & { script: ScriptCommand | null };

export const SCRIPT_RULES: KeywordRules<ScriptDraft> = {
  script: { minArgs: 1, maxArgs: Infinity, usage: 'script "<command> [args]"', apply: (s, d, sink) => (d.script = readScriptCommand(s, sink)) },
  interval: {
    minArgs: 1,
    apply: (s, d, sink) => {
      const v = readSeconds(s, 0, { min: 1, max: MAX_SCRIPT_SECONDS, integer: true, keepalivedDoes: 'uses 1 for 0 and ignores larger values' }, sink);
      if (v !== null) d.intervalSeconds = v;
    },
  },
  timeout: {
    minArgs: 1,
    apply: (s, d, sink) => {
      const v = readSeconds(s, 0, { min: 1, max: MAX_SCRIPT_SECONDS, integer: true, keepalivedDoes: 'uses 1 for 0' }, sink);
      if (v !== null) d.timeoutSeconds = v;
    },
  },
  weight: {
    minArgs: 1,
    maxArgs: 2,
    usage: 'weight <-253..253> [reverse]',
    apply: (s, d, sink) => {
      const v = readInteger(s, 0, { min: -SCRIPT_WEIGHT_LIMIT, max: SCRIPT_WEIGHT_LIMIT, keepalivedDoes: 'ignores the line' }, sink);
      if (v !== null) d.weight = v;
      const rev = s.args[1];
      if (rev) {
        if (wordText(rev, 'weight', sink) === 'reverse') d.weightReverse = true;
        else sink.error('invalid-value', rev, 'weight', `unknown weight option '${rev.text}'`, "the only option is 'reverse'");
      }
    },
  },
  rise: {
    minArgs: 1,
    apply: (s, d, sink) => {
      const v = readInteger(s, 0, { min: 1, max: INT_MAX, keepalivedDoes: 'uses 1 instead' }, sink);
      if (v !== null) d.rise = v;
    },
  },
  fall: {
    minArgs: 1,
    apply: (s, d, sink) => {
      const v = readInteger(s, 0, { min: 1, max: INT_MAX, keepalivedDoes: 'uses 1 instead' }, sink);
      if (v !== null) d.fall = v;
    },
  },
  user: { minArgs: 1, maxArgs: 2, usage: 'user <user> [group]', apply: (s, d, sink) => (d.user = readScriptUser(s, sink)) },
  init_fail: { apply: (_s, d) => (d.initFail = true) },
};

export const VRRP_SCRIPT_KEYWORDS: readonly string[] = Object.keys(SCRIPT_RULES);

/** `vrrp_script NAME { ... }`; `null` when it has no name (reported). */
export function buildVrrpScript(stmt: Statement, sink: DiagnosticSink): VrrpScript | null {
  const nameWord = stmt.args[0];
  const draft: ScriptDraft = {
    name: nameWord ? wordText(nameWord, 'vrrp_script', sink) : '',
    pos: stmt.keyword.pos,
    script: null,
    intervalSeconds: D.VRRP_SCRIPT_INTERVAL_SECONDS,
    timeoutSeconds: null,
    weight: D.VRRP_SCRIPT_WEIGHT,
    weightReverse: false,
    rise: D.VRRP_SCRIPT_RISE,
    fall: D.VRRP_SCRIPT_FALL,
    user: null,
    initFail: false,
  };
  walkBlock(stmt.block?.statements ?? [], SCRIPT_RULES, draft, sink, { blockName: 'vrrp_script' });
  if (!nameWord) return null;
  if (!draft.script) {
    sink.error(
      'missing-required',
      stmt.keyword,
      'vrrp_script',
      `vrrp_script ${draft.name} has no 'script' (keepalived removes it, and every track_script naming it is ignored)`,
      'add: script "/path/to/check"',
    );
    return null;
  }
  return { ...draft, script: draft.script };
}
