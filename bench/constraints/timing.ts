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

/** Returns the q-quantile of unsorted values. */
export function quantileOf(values: readonly number[], q: number): number {
  return quantile([...values].sort((a, b) => a - b), q);
}

/**
 * Ratio of low quantiles, quantile(a, q) / quantile(b, q), with a percentile bootstrap interval
 * (each sample resampled with replacement). On a machine shared with other processes, extra load
 * only ever adds time to a call, so a low quantile of many calls estimates the undisturbed cost
 * and is far more stable than the median.
 *
 * @param q - the quantile (default 0.1)
 * @param level - coverage of the interval (default 0.95)
 */
export function lowQuantileRatio(a: readonly number[], b: readonly number[], rng: Rng, q = 0.1, resamples = 2000, level = 0.95): { ratio: number; low: number; high: number } {
  const ratio = quantileOf(a, q) / quantileOf(b, q);
  const draw = (values: readonly number[]) => Array.from({ length: values.length }, () => values[rng.int(0, values.length - 1)]!);
  const ratios: number[] = [];
  for (let k = 0; k < resamples; k++) ratios.push(quantileOf(draw(a), q) / quantileOf(draw(b), q));
  ratios.sort((x, y) => x - y);
  return { ratio, low: quantile(ratios, (1 - level) / 2), high: quantile(ratios, 1 - (1 - level) / 2) };
}

/**
 * Median of the paired ratios a[i] / b[i], with a percentile bootstrap interval over the pairs.
 * Pairs are calls made one after the other (see {@link interleave} with one call per round), so
 * a burst of load from other processes hits both members of a pair and cancels in their ratio.
 *
 * @param level - coverage of the interval (default 0.95)
 */
export function pairedRatio(a: readonly number[], b: readonly number[], rng: Rng, resamples = 2000, level = 0.95): { ratio: number; low: number; high: number } {
  if (a.length !== b.length || a.length === 0) throw new Error(`paired ratios need two samples of equal, non-zero length, got ${a.length} and ${b.length}`);
  const ratios = a.map((x, i) => x / b[i]!);
  const medians: number[] = [];
  for (let k = 0; k < resamples; k++) medians.push(median(Array.from({ length: ratios.length }, () => ratios[rng.int(0, ratios.length - 1)]!)));
  medians.sort((x, y) => x - y);
  return { ratio: median(ratios), low: quantile(medians, (1 - level) / 2), high: quantile(medians, 1 - (1 - level) / 2) };
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
