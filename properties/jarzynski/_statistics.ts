/**
 * Statistical checks shared by the Jarzynski properties: batch means, jackknifed self-normalised
 * estimates, and t-tests that report their alpha and the smallest bias they detect.
 */
import { detectableMeanShiftT, meanEquals, DEFAULT_POWER } from '../../harness/stats';

/** Outcome of one t-test on batch estimates, with the figures a report needs. */
export interface BatchTest {
  label: string;
  /** Mean of the batch estimates. */
  estimate: number;
  /** Exact value under the null hypothesis. */
  exact: number;
  pValue: number;
  alpha: number;
  /** Smallest |bias| detected with probability `power` by a t-test on these batches. */
  detectable: number;
  power: number;
  batches: number;
  rejected: boolean;
}

/**
 * Tests whether the mean of `batchEstimates` equals `exact` with a two-sided one-sample t-test
 * at level `alpha`, and computes the smallest bias it detects with probability 0.99.
 */
export function testBatches(label: string, batchEstimates: Float64Array, exact: number, alpha: number): BatchTest {
  const n = batchEstimates.length;
  const mean = batchEstimates.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(batchEstimates.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));

  // Estimates without spread (a degenerate case, such as equal responsibilities everywhere) allow
  // no t-test, so they must equal the exact value up to the rounding of the reference.
  if (sd <= 1e-12 * (1 + Math.abs(mean))) {
    const rejected = Math.abs(mean - exact) > 1e-9 * (1 + Math.abs(exact));
    return { label, estimate: mean, exact, pValue: rejected ? 0 : 1, alpha, detectable: 0, power: DEFAULT_POWER, batches: n, rejected };
  }

  const outcome = meanEquals(batchEstimates, exact, alpha);
  return {
    label,
    estimate: mean,
    exact,
    pValue: outcome.pValue,
    alpha,
    detectable: detectableMeanShiftT(sd, n, alpha, DEFAULT_POWER),
    power: DEFAULT_POWER,
    batches: n,
    rejected: outcome.rejected,
  };
}

/** Formats a batch test as one line: estimate, exact value, p, alpha and detectable bias. */
export function describeBatchTest(test: BatchTest): string {
  return (
    `${test.label}: estimate ${test.estimate.toPrecision(5)} vs exact ${test.exact.toPrecision(5)}, ` +
    `t-test over ${test.batches} batches p = ${test.pValue.toExponential(2)} (alpha ${test.alpha.toExponential(2)}), ` +
    `detects |bias| >= ${test.detectable.toPrecision(3)} with probability ${test.power}`
  );
}

/**
 * Returns the jackknife estimate of Σ w_i f_i / Σ w_i over one batch. Its bias is O(1/n²) instead
 * of the O(1/n) of the plain ratio, so a t-test over batches tests the limit value, not the
 * small-sample bias of self-normalisation.
 *
 * θ_J = n θ − (n − 1) mean_i θ_(−i),   θ_(−i) = (Σ w f − w_i f_i) / (Σ w − w_i)
 */
export function jackknifeRatio(weights: Float64Array, values: Float64Array): number {
  const n = weights.length;
  let sumW = 0;
  let sumWF = 0;
  for (let i = 0; i < n; i++) {
    sumW += weights[i] as number;
    sumWF += (weights[i] as number) * (values[i] as number);
  }
  const full = sumWF / sumW;
  let leaveOneOut = 0;
  for (let i = 0; i < n; i++) {
    const rest = sumW - (weights[i] as number);
    // A batch dominated by one walker leaves nothing when that walker is removed; the plain ratio
    // is then the only estimate.
    if (!(rest > 0)) return full;
    leaveOneOut += (sumWF - (weights[i] as number) * (values[i] as number)) / rest;
  }
  return n * full - ((n - 1) * leaveOneOut) / n;
}
