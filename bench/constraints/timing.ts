/**
 * Interleaved timing for comparisons inside one process: tasks take turns in rounds, so slow drift
 * of a shared machine hits all of them alike, and their ratio stays meaningful.
 */
import { quantile } from '../../harness/bench';
import type { Rng } from '../../harness/rng';

/** Per-call times (ms) of each task. */
export type Samples = Map<string, number[]>;

/**
 * Runs each task `callsPerRound` times per round, in turn, for `rounds` rounds, after one untimed
 * warm-up call each.
 *
 * @returns per-call times in milliseconds, per task name
 */
export function interleave(tasks: Record<string, () => unknown>, rounds: number, callsPerRound: number): Samples {
  const samples: Samples = new Map(Object.keys(tasks).map((name) => [name, []]));
  for (const fn of Object.values(tasks)) fn();
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of Object.entries(tasks)) {
      for (let call = 0; call < callsPerRound; call++) {
        const started = performance.now();
        fn();
        samples.get(name)!.push(performance.now() - started);
      }
    }
  }
  return samples;
}

/** Median of unsorted values. */
export function median(values: readonly number[]): number {
  return quantile([...values].sort((a, b) => a - b), 0.5);
}

/**
 * Ratio of medians median(a) / median(b) with a percentile bootstrap interval: both samples are
 * resampled with replacement `resamples` times and the ratio recomputed.
 *
 * @param level - coverage of the interval (default 0.95)
 */
export function ratioOfMedians(a: readonly number[], b: readonly number[], rng: Rng, resamples = 2000, level = 0.95): { ratio: number; low: number; high: number } {
  const ratio = median(a) / median(b);
  const ratios: number[] = [];
  const draw = (values: readonly number[]) => Array.from({ length: values.length }, () => values[rng.int(0, values.length - 1)]!);
  for (let k = 0; k < resamples; k++) ratios.push(median(draw(a)) / median(draw(b)));
  ratios.sort((x, y) => x - y);
  return { ratio, low: quantile(ratios, (1 - level) / 2), high: quantile(ratios, 1 - (1 - level) / 2) };
}

/**
 * Least-squares slope and intercept of log y against log x: the growth exponent of y in x.
 *
 * @throws Error when fewer than two points are given.
 */
export function logLogSlope(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number } {
  if (xs.length < 2) throw new Error(`a growth exponent needs at least two points, got ${xs.length}`);
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < lx.length; i++) {
    sxy += (lx[i]! - mx) * (ly[i]! - my);
    sxx += (lx[i]! - mx) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}
