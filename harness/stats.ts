/**
 * Statistical-test helpers for properties that hold only in distribution (unbiasedness,
 * convergence, agreement of frequencies).
 *
 * Every p-value comes from the `@stdlib` statistics packages; this file only chooses the test,
 * sizes it and phrases the outcome. A statistical property states two numbers:
 * - `alpha`, its false-failure probability per run: the chance that a correct implementation is
 *   reported as failing (the suite's default is 1e-6);
 * - the smallest effect it detects with probability `power` (default 0.99), computed from the
 *   sample size and the observed spread with the normal approximation.
 */
import binomialTest from '@stdlib/stats-binomial-test';
import ttest from '@stdlib/stats-ttest';
import normal from '@stdlib/stats-base-dists-normal';
import studentT from '@stdlib/stats-base-dists-t';

/** False-failure probability per run used by statistical properties unless they say otherwise. */
export const DEFAULT_ALPHA = 1e-6;

/** Probability with which a statistical property must detect the effect it claims to detect. */
export const DEFAULT_POWER = 0.99;

/** Outcome of one statistical check, with the numbers a report needs to judge it. */
export interface StatisticalOutcome {
  /** Name of the test that produced the p-value. */
  test: string;
  /** p-value of the null hypothesis "the implementation is correct". */
  pValue: number;
  /** False-failure probability per run; the check fails when `pValue < alpha`. */
  alpha: number;
  /** True when the null hypothesis is rejected, i.e. the check fails. */
  rejected: boolean;
  /** Estimate of the effect under test (a mean difference or a proportion). */
  estimate: number;
  /** Smallest absolute effect detected with probability `power`, in the estimate's unit. */
  detectableEffect: number;
  /** Probability of detecting an effect of size `detectableEffect`. */
  power: number;
  /** Number of samples the check used. */
  samples: number;
}

/**
 * Returns the standard normal quantile, `Φ⁻¹(p)`.
 *
 * @param p - probability in (0, 1)
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normalQuantile needs a probability in (0, 1), got ${p}`);
  return normal.quantile(p, 0, 1);
}

/**
 * Returns the smallest shift of a mean that a two-sided z-test with `samples` observations of
 * standard deviation `sigma` detects with probability `power` at level `alpha`.
 *
 * δ = (z(1 − α/2) + z(power)) · σ / √n
 */
export function detectableMeanShift(sigma: number, samples: number, alpha = DEFAULT_ALPHA, power = DEFAULT_POWER): number {
  if (!(samples > 0)) throw new Error(`detectableMeanShift needs a positive sample count, got ${samples}`);
  return ((normalQuantile(1 - alpha / 2) + normalQuantile(power)) * sigma) / Math.sqrt(samples);
}

/**
 * Returns the smallest shift of a mean that a two-sided one-sample t-test with `samples`
 * observations of standard deviation `sigma` detects with probability `power` at level `alpha`.
 * Use it instead of {@link detectableMeanShift} when there are few observations (tens to a few
 * hundred): at alpha = 1e-6 the t quantile with 99 degrees of freedom is about 5.6, against 4.9
 * for the normal one.
 *
 * δ = (t(1 − α/2; n − 1) + t(power; n − 1)) · σ / √n   (the usual approximation of the
 * noncentral-t power)
 */
export function detectableMeanShiftT(sigma: number, samples: number, alpha = DEFAULT_ALPHA, power = DEFAULT_POWER): number {
  if (!(samples > 1)) throw new Error(`detectableMeanShiftT needs at least 2 samples, got ${samples}`);
  const dof = samples - 1;
  return ((studentT.quantile(1 - alpha / 2, dof) + studentT.quantile(power, dof)) * sigma) / Math.sqrt(samples);
}

/**
 * Returns the number of samples a two-sided z-test needs to detect a mean shift `delta` with
 * probability `power` at level `alpha`, for observations of standard deviation `sigma`.
 */
export function samplesForMeanShift(sigma: number, delta: number, alpha = DEFAULT_ALPHA, power = DEFAULT_POWER): number {
  if (!(delta > 0)) throw new Error(`samplesForMeanShift needs a positive effect size, got ${delta}`);
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  return Math.ceil(((z * sigma) / delta) ** 2);
}

/**
 * Tests whether the mean of `values` equals `mu` (two-sided one-sample Student t-test).
 *
 * @example meanEquals([0.1, -0.2, 0.05], 0) // { rejected: false, ... }
 * @param values - independent observations; at least two
 * @param mu - mean under the null hypothesis
 * @param alpha - false-failure probability per run
 * @param power - detection probability for the reported detectable effect
 */
export function meanEquals(values: ArrayLike<number>, mu: number, alpha = DEFAULT_ALPHA, power = DEFAULT_POWER): StatisticalOutcome {
  const samples = values.length;
  if (samples < 2) throw new Error(`meanEquals needs at least 2 observations, got ${samples}`);
  const data = Float64Array.from(values);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new Error(`meanEquals got a non-finite observation at index ${i}: ${data[i]}`);
  }

  const mean = data.reduce((acc, x) => acc + x, 0) / samples;
  const variance = data.reduce((acc, x) => acc + (x - mean) ** 2, 0) / (samples - 1);
  const sigma = Math.sqrt(variance);

  // A constant sample has no spread: the t statistic is undefined, so decide exactly.
  if (sigma === 0) {
    const rejected = mean !== mu;
    return { test: 'exact comparison (zero variance)', pValue: rejected ? 0 : 1, alpha, rejected, estimate: mean - mu, detectableEffect: 0, power, samples };
  }

  const result = ttest(data, { mu, alpha, alternative: 'two-sided' });
  return {
    test: 'one-sample t-test (two-sided)',
    pValue: result.pValue,
    alpha,
    rejected: result.pValue < alpha,
    estimate: mean - mu,
    detectableEffect: detectableMeanShift(sigma, samples, alpha, power),
    power,
    samples,
  };
}

/**
 * Tests whether `successes` out of `trials` is consistent with success probability `p`
 * (exact two-sided binomial test).
 */
export function proportionEquals(successes: number, trials: number, p: number, alpha = DEFAULT_ALPHA, power = DEFAULT_POWER): StatisticalOutcome {
  if (!Number.isInteger(trials) || trials < 1) throw new Error(`proportionEquals needs a positive trial count, got ${trials}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new Error(`proportionEquals needs 0 <= successes <= trials, got ${successes} of ${trials}`);
  }
  if (!(p >= 0 && p <= 1)) throw new Error(`proportionEquals needs a probability in [0, 1], got ${p}`);

  const result = binomialTest(successes, trials, { p, alpha, alternative: 'two-sided' });
  return {
    test: 'exact binomial test (two-sided)',
    pValue: result.pValue,
    alpha,
    rejected: result.pValue < alpha,
    estimate: successes / trials - p,
    detectableEffect: detectableMeanShift(Math.sqrt(p * (1 - p)), trials, alpha, power),
    power,
    samples: trials,
  };
}

/**
 * Applies Holm's step-down correction and returns, per p-value, whether it is rejected at
 * family-wise level `alpha`.
 */
export function holmRejections(pValues: readonly number[], alpha = DEFAULT_ALPHA): boolean[] {
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const rejected = new Array<boolean>(pValues.length).fill(false);
  for (let rank = 0; rank < order.length; rank++) {
    const entry = order[rank]!;
    if (entry.p >= alpha / (order.length - rank)) break;
    rejected[entry.i] = true;
  }
  return rejected;
}

/** Formats an outcome as one line for test failure messages and reports. */
export function describeOutcome(outcome: StatisticalOutcome): string {
  const verdict = outcome.rejected ? 'REJECTED' : 'not rejected';
  return (
    `${outcome.test}: ${verdict} (p = ${outcome.pValue.toExponential(3)}, alpha = ${outcome.alpha}, ` +
    `estimate = ${outcome.estimate.toPrecision(4)}, n = ${outcome.samples}, ` +
    `detects |effect| >= ${outcome.detectableEffect.toPrecision(3)} with probability ${outcome.power})`
  );
}
