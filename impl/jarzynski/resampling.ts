/**
 * Resampling of weighted walkers, and the rules that decide when to resample.
 *
 * Resampling draws N walker indices with probabilities p^i (the normalised weights), copies the
 * chosen walkers, and resets every log-weight to 0. Both schemes are unbiased: the expected number
 * of copies of walker i is N p^i, so E[(1/N) Σ_j φ(X^{idx_j})] = Σ_i p^i φ(X^i) for every φ.
 *
 * - multinomial: N independent draws from the categorical distribution p;
 * - systematic: one uniform u ~ U[0, 1/N), then the points u + j/N (j = 0..N−1) are located in
 *   the cumulative weights. Same expectation, lower variance; each walker gets ⌊N p^i⌋ or
 *   ⌈N p^i⌉ copies.
 *
 * The free-energy offset is carried by the caller: log Z_ref ← current log Z estimate, so the
 * estimate is continuous across the resampling (see `logPartitionEstimate`).
 */
import type { Rng } from '../../harness/rng';
import { JarzynskiSettingsError, requireCount } from './errors';
import { relativeWeightStd, summarizeWeights } from './logweights';

/** Resampling scheme. */
export type ResamplingScheme = 'multinomial' | 'systematic';

/**
 * When to resample, as the published codes decide it:
 * - `cv2-above`: CV² of the weights exceeds `threshold` (Gaussian-mixture code, thresholds
 *   0.1 to 1, i.e. ESS/N below 1/(1 + threshold));
 * - `relative-std-above`: the sample standard deviation (divisor N − 1) of w / mean(w) exceeds
 *   `threshold` (MNIST code, 1.5), only from step `afterStep` on;
 * - `ess-below`: the effective sample size is below `minimum` walkers (CIFAR-10 code, 64 of a
 *   256-walker batch), only from step `afterStep` on;
 * - `never`: keep the weights (diagnostics, property tests).
 */
export type ResamplingTrigger =
  | { kind: 'cv2-above'; threshold: number }
  | { kind: 'relative-std-above'; threshold: number; afterStep?: number }
  | { kind: 'ess-below'; minimum: number; afterStep?: number }
  | { kind: 'never' };

/**
 * Returns true when `trigger` requires a resampling of walkers with these log-weights.
 *
 * @param step - index of the training step that just finished (0-based)
 */
export function shouldResample(trigger: ResamplingTrigger, logWeights: ArrayLike<number>, step: number): boolean {
  switch (trigger.kind) {
    case 'never':
      return false;
    case 'cv2-above':
      return summarizeWeights(logWeights).cv2 > trigger.threshold;
    case 'relative-std-above':
      return step >= (trigger.afterStep ?? 0) && relativeWeightStd(logWeights) > trigger.threshold;
    case 'ess-below':
      return step >= (trigger.afterStep ?? 0) && summarizeWeights(logWeights).ess < trigger.minimum;
  }
}

/** Throws unless a trigger's thresholds are usable. */
export function validateTrigger(trigger: ResamplingTrigger): void {
  const bad = (value: number, what: string) => {
    throw new JarzynskiSettingsError('out-of-range', `resampling.${what}`, `must be a finite number ≥ 0, got ${value}; use for example { kind: 'cv2-above', threshold: 0.5 }`);
  };
  if (trigger.kind === 'cv2-above' || trigger.kind === 'relative-std-above') {
    if (!(trigger.threshold >= 0) || !Number.isFinite(trigger.threshold)) bad(trigger.threshold, 'threshold');
  }
  if (trigger.kind === 'ess-below' && (!(trigger.minimum >= 0) || !Number.isFinite(trigger.minimum))) bad(trigger.minimum, 'minimum');
  if ((trigger.kind === 'relative-std-above' || trigger.kind === 'ess-below') && trigger.afterStep !== undefined && !(trigger.afterStep >= 0)) bad(trigger.afterStep, 'afterStep');
}

/**
 * Draws `count` walker indices with probabilities `weights` (normalised weights summing to 1).
 *
 * @example resampleIndices(Float64Array.of(0.5, 0.5), 'systematic', rng) // Int32Array [0, 1]
 * @param count - number of indices to draw (default: as many as there are weights)
 */
export function resampleIndices(weights: ArrayLike<number>, scheme: ResamplingScheme, rng: Rng, count = weights.length): Int32Array {
  requireCount('resampling count', count);
  const cumulative = cumulativeWeights(weights);
  const indices = new Int32Array(count);

  if (scheme === 'multinomial') {
    for (let j = 0; j < count; j++) indices[j] = searchCumulative(cumulative, rng.float());
    return indices;
  }
  if (scheme !== 'systematic') {
    throw new JarzynskiSettingsError('out-of-range', 'resampling.scheme', `must be 'multinomial' or 'systematic', got '${String(scheme)}'`);
  }

  const spacing = 1 / count;
  const offset = rng.float() * spacing;
  let i = 0;
  for (let j = 0; j < count; j++) {
    const point = offset + j * spacing;
    while (i < cumulative.length - 1 && (cumulative[i] as number) <= point) i++;
    indices[j] = i;
  }
  return indices;
}

/**
 * Returns the normalised cumulative sums of `weights`, the last one exactly 1, so that a
 * uniform u in [0, 1) always falls in some walker's interval.
 */
function cumulativeWeights(weights: ArrayLike<number>): Float64Array {
  if (weights.length === 0) throw new JarzynskiSettingsError('empty', 'weights', 'is empty; resampling needs at least one walker');
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] as number;
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new JarzynskiSettingsError('out-of-range', 'weights', `entry ${i} is ${w}; normalised weights must be finite and ≥ 0 (compute them with normalizedWeights)`);
    }
    total += w;
    cumulative[i] = total;
  }
  if (!(total > 0)) throw new JarzynskiSettingsError('out-of-range', 'weights', 'sum to 0; at least one walker needs a positive weight');
  for (let i = 0; i < cumulative.length; i++) cumulative[i] = (cumulative[i] as number) / total;
  cumulative[cumulative.length - 1] = 1;
  return cumulative;
}

/** Returns the first index i with u < cumulative[i] (binary search). */
function searchCumulative(cumulative: Float64Array, u: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (u < (cumulative[mid] as number)) high = mid;
    else low = mid + 1;
  }
  return low;
}
