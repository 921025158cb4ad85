/**
 * Normalisation of walker log-weights and the statistics built from them.
 *
 * For log-weights A^1..A^N and their maximum m = max_i A^i:
 *
 *   w^i = exp(A^i − m)                  (shifted weights, every one in [0, 1], the largest exactly 1)
 *   p^i = w^i / Σ_j w^j                 (normalised weights)
 *   logsumexp(A) = m + log Σ_i w^i
 *   ESS = (Σ w)² / Σ w² = 1 / Σ p²      (effective sample size, in [1, N])
 *   CV² = N Σ p² − 1 = N / ESS − 1      (squared coefficient of variation of the weights)
 *
 * Subtracting m first is what keeps every quantity finite for log-weights of any size (±1e4 and
 * beyond): exp is only ever applied to numbers ≤ 0, and the largest term of each sum is 1.
 */
import { JarzynskiSettingsError, requireFiniteArray } from './errors';

/**
 * Returns log Σ_i exp(A^i), computed with the maximum shift.
 *
 * @example logSumExp(Float64Array.of(1e4, 1e4)) // 1e4 + ln 2
 * @throws JarzynskiSettingsError when `logWeights` is empty or contains NaN or ±Infinity
 */
export function logSumExp(logWeights: ArrayLike<number>): number {
  const max = maxLogWeight(logWeights);
  let sum = 0;
  for (let i = 0; i < logWeights.length; i++) sum += Math.exp((logWeights[i] as number) - max);
  return max + Math.log(sum);
}

/**
 * Writes the normalised weights p^i = exp(A^i − logsumexp(A)) into `out` and returns it.
 *
 * @param out - optional destination of the same length (allocated when omitted)
 */
export function normalizedWeights(logWeights: ArrayLike<number>, out = new Float64Array(logWeights.length)): Float64Array {
  if (out.length !== logWeights.length) {
    throw new JarzynskiSettingsError('dimension-mismatch', 'out', `has ${out.length} entries for ${logWeights.length} log-weights; pass an array of the same length`);
  }
  const max = maxLogWeight(logWeights);
  let sum = 0;
  for (let i = 0; i < logWeights.length; i++) {
    const w = Math.exp((logWeights[i] as number) - max);
    out[i] = w;
    sum += w;
  }
  // sum ≥ 1 because the largest shifted weight is exactly 1, so the division is safe.
  const inverse = 1 / sum;
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * inverse;
  return out;
}

/** Weight statistics of a walker population. */
export interface WeightSummary {
  /** Effective sample size (Σ w)² / Σ w², in [1, N]. */
  ess: number;
  /** ESS / N, in [1/N, 1]. */
  essFraction: number;
  /** Squared coefficient of variation of the weights, N / ESS − 1 ≥ 0. */
  cv2: number;
  /** log Σ exp(A). */
  logSumExp: number;
}

/** Returns the effective sample size, CV² and log-sum-exp of the log-weights in one pass. */
export function summarizeWeights(logWeights: ArrayLike<number>): WeightSummary {
  const max = maxLogWeight(logWeights);
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < logWeights.length; i++) {
    const w = Math.exp((logWeights[i] as number) - max);
    sum += w;
    sumSquares += w * w;
  }
  const count = logWeights.length;
  // Clamp rounding: with equal weights the quotient can land a few ulps above N.
  const ess = Math.min(count, Math.max(1, (sum * sum) / sumSquares));
  return { ess, essFraction: ess / count, cv2: count / ess - 1, logSumExp: max + Math.log(sum) };
}

/**
 * Returns the free-energy estimate log Z_θk ≈ log Z_ref + logsumexp(A) − log N.
 *
 * `logZRef` is log Z_θ0 until the first resampling, and afterwards the estimate at the last
 * resampling, so the estimate is continuous across resamplings.
 */
export function logPartitionEstimate(logWeights: ArrayLike<number>, logZRef: number): number {
  return logZRef + logSumExp(logWeights) - Math.log(logWeights.length);
}

/**
 * Returns the cross-entropy estimate H_θ ≈ log Z_θ + mean_data U_θ(x*), with the walkers'
 * free-energy estimate for log Z_θ.
 *
 * @param meanDataEnergy - mean of U_θ over the data points (or a batch of them)
 */
export function crossEntropyEstimate(logWeights: ArrayLike<number>, logZRef: number, meanDataEnergy: number): number {
  return logPartitionEstimate(logWeights, logZRef) + meanDataEnergy;
}

/**
 * Returns the relative standard deviation of the weights, sd(w) / mean(w), with the sample
 * standard deviation (divisor N − 1), as one of the resampling triggers uses it.
 */
export function relativeWeightStd(logWeights: ArrayLike<number>): number {
  const count = logWeights.length;
  if (count < 2) return 0;
  const { cv2 } = summarizeWeights(logWeights);
  // CV² above uses the population variance (divisor N); rescale to the divisor N − 1.
  return Math.sqrt((cv2 * count) / (count - 1));
}

function maxLogWeight(logWeights: ArrayLike<number>): number {
  if (logWeights.length === 0) throw new JarzynskiSettingsError('empty', 'logWeights', 'is empty; a walker population needs at least one walker');
  let max = -Infinity;
  for (let i = 0; i < logWeights.length; i++) {
    const a = logWeights[i] as number;
    if (!Number.isFinite(a)) requireFiniteArray('logWeights', logWeights);
    if (a > max) max = a;
  }
  return max;
}
