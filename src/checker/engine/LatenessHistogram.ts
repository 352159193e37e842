/**
 * How late probes start against their schedule, in log-spaced buckets (about 4 % wide from
 * 10 µs to 100 s), so percentiles cost O(buckets) and memory stays fixed at any rate.
 */
export class LatenessHistogram {
  private static readonly MIN_MS = 0.01;
  private static readonly RATIO = 1.04;
  private readonly counts: number[];
  private n = 0;
  private max = 0;
  private sum = 0;

  constructor() {
    const buckets = Math.ceil(Math.log(100_000 / LatenessHistogram.MIN_MS) / Math.log(LatenessHistogram.RATIO)) + 2;
    this.counts = new Array<number>(buckets).fill(0);
  }

  record(lateMs: number): void {
    const v = Math.max(0, lateMs);
    this.n++;
    this.sum += v;
    if (v > this.max) this.max = v;
    const i = v < LatenessHistogram.MIN_MS ? 0 : Math.min(this.counts.length - 1, 1 + Math.floor(Math.log(v / LatenessHistogram.MIN_MS) / Math.log(LatenessHistogram.RATIO)));
    this.counts[i] = (this.counts[i] ?? 0) + 1;
  }

  get count(): number {
    return this.n;
  }

  get maxMs(): number {
    return this.max;
  }

  get meanMs(): number {
    return this.n === 0 ? 0 : this.sum / this.n;
  }

  /** Upper edge of the bucket holding the `p`-th percentile (0..100). */
  percentileMs(p: number): number {
    if (this.n === 0) return 0;
    const rank = Math.ceil((p / 100) * this.n);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return Math.min(this.max, i === 0 ? LatenessHistogram.MIN_MS : LatenessHistogram.MIN_MS * LatenessHistogram.RATIO ** i);
    }
    return this.max;
  }

  reset(): void {
    this.counts.fill(0);
    this.n = 0;
    this.max = 0;
    this.sum = 0;
  }
}
