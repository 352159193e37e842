/** min / median / max of a series of milliseconds, for printing. */
export interface Spread {
  readonly n: number;
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function spread(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length / 2;
  const median = s.length % 2 === 1 ? (s[Math.floor(mid)] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { n: s.length, min: s[0] as number, median, max: s[s.length - 1] as number };
}

export function formatSpread(s: Spread | undefined): string {
  if (s === undefined) return 'n/a';
  return `${s.min.toFixed(1)} / ${s.median.toFixed(1)} / ${s.max.toFixed(1)} ms (n=${s.n})`;
}

export function nsToMs(ns: bigint): number {
  return Number(ns) / 1e6;
}

/** `min / median / max` without unit, for a table cell; `(n=…)` only when runs were lost. */
export function formatSpreadCell(s: Spread | undefined, expectedRuns: number): string {
  if (s === undefined) return 'n/a';
  const cell = `${s.min.toFixed(1)} / ${s.median.toFixed(1)} / ${s.max.toFixed(1)}`;
  return s.n < expectedRuns ? `${cell} (n=${s.n})` : cell;
}
