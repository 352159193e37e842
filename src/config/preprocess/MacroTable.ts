import type { PositionedText } from '../lexer/PositionedText.js';

/**
 * One `$NAME=value` definition. Each line of a multi-line value keeps the source positions
 * where it was written; a single-line value has one line.
 */
export interface MacroDefinition {
  readonly name: string;
  /** The value's lines (keepalived keeps them `\n`-separated in one string); never empty lines. */
  lines: PositionedText[];
  multiline: boolean;
  /** Set for keepalived's pre-defined names whose value is computed at each use. */
  compute?: (params: readonly number[]) => string;
  /** How many numeric parameters `${NAME p1 p2}` accepts (only `_RANDOM` takes any). */
  maxParams: number;
}

/** Inputs for keepalived's pre-defined definitions (lib/parser.c set_std_definitions()). */
export interface BuiltinMacroInputs {
  readonly configId: string;
  /** Directory of the config file currently being read (`${_PWD}`). */
  readonly currentDir: () => string;
  readonly random: () => number;
}

/** `${_RANDOM [MIN [MAX]]}` defaults, from keepalived.conf(5). */
const RANDOM_MIN = 0;
const RANDOM_MAX = 32767;

/**
 * The definitions in force while reading a config. keepalived keeps one global list for the
 * whole read (definitions made in an included file stay visible afterwards).
 */
export class MacroTable {
  private readonly defs = new Map<string, MacroDefinition>();

  constructor(builtins: BuiltinMacroInputs) {
    this.addBuiltin('_PWD', () => builtins.currentDir());
    this.addBuiltin('_INSTANCE', () => builtins.configId);
    this.addBuiltin(
      '_RANDOM',
      (params) => {
        const min = params[0] ?? RANDOM_MIN;
        const max = params[1] ?? RANDOM_MAX;
        if (max < min) return String(min);
        return String(min + Math.floor(builtins.random() * (max - min + 1)));
      },
      2,
    );
    this.addBuiltin('_HASH', () => '#');
    this.addBuiltin('_BANG', () => '!');
  }

  get(name: string): MacroDefinition | undefined {
    return this.defs.get(name);
  }

  /** Define or redefine; redefining a pre-defined name replaces it (as keepalived allows). */
  define(name: string, value: PositionedText, multiline: boolean): MacroDefinition {
    // A multi-line definition whose first line is empty (`$NAME= \`) starts with no lines.
    const lines = multiline && value.length === 0 ? [] : [value];
    const existing = this.defs.get(name);
    if (existing) {
      existing.lines = lines;
      existing.multiline = multiline;
      delete existing.compute;
      return existing;
    }
    const def: MacroDefinition = { name, lines, multiline, maxParams: 0 };
    this.defs.set(name, def);
    return def;
  }

  /** Value text of a definition at this use (computed ones are evaluated now). */
  valueText(def: MacroDefinition, params: readonly number[]): string {
    return def.compute ? def.compute(params) : (def.lines[0]?.text ?? '');
  }

  private addBuiltin(name: string, compute: (params: readonly number[]) => string, maxParams = 0): void {
    this.defs.set(name, { name, lines: [], multiline: false, compute, maxParams });
  }
}
