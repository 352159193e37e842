import type { AddressFamily } from './Common.js';
import type { DiagnosticSink } from './ModelDiagnostics.js';
import type { RuleSpec } from './RoutingPolicy.js';
import type { ParsedRule } from './RuleText.js';

/**
 * keepalived 2.2.7 gives a rule without a preference one of its own, counting down from
 * 16384 per family across the whole file (observed: "Rule has no preference specified -
 * setting to 16384. This is probably not what you want."). Vigil assigns the same numbers,
 * in file order, so both daemons leave the same rules.
 */
const FIRST_ASSIGNED_PREFERENCE = 16384;

export class RulePreferences {
  private readonly next = new Map<AddressFamily, number>();

  complete(rule: ParsedRule, listKeyword: string, sink: DiagnosticSink): RuleSpec {
    const { priorityWord: _word, ...rest } = rule;
    if (rule.priority !== null) return { ...rest, priority: rule.priority, priorityAssigned: false };
    const priority = this.next.get(rule.family) ?? FIRST_ASSIGNED_PREFERENCE;
    this.next.set(rule.family, priority - 1);
    sink.warning(
      'missing-required',
      { pos: rule.pos, length: rule.text.length },
      listKeyword,
      `the rule has no preference; it gets ${priority}, as keepalived assigns it`,
      'add: preference N (rules without one are ordered by when they were added)',
    );
    return { ...rest, priority, priorityAssigned: true };
  }
}
