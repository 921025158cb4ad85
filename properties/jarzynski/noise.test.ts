/**
 * The Langevin noise is standard normal. The ziggurat sampler is checked on 4·10^6 variates by
 * three tests sharing the family-wise alpha of 1e-6 (Bonferroni):
 * - a chi-square goodness-of-fit test on 200 bins of equal probability under N(0, 1);
 * - an exact binomial test of the share of |Z| beyond the tail start r = 3.654 (2Φ(−r));
 * - a t-test of the mean excess |Z| − r of those tail variates, against φ(r)/Φ̄(r) − r.
 * The last two see the rare tail sampler, whose mass (2.6·10^−4) the bins cannot resolve.
 */
import normal from '@stdlib/stats-base-dists-normal';
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import { describe } from 'vitest';
import { Rng } from '../../harness/rng';
import { deriveSeed, masterSeedFromEnv } from '../../harness/seed';
import { DEFAULT_ALPHA, DEFAULT_POWER, normalQuantile, proportionEquals } from '../../harness/stats';
import { caseInvariant } from '../../harness/testing/invariant';
import { ZIGGURAT, fillStandardNormal } from '../../impl/jarzynski/noise';
import { describeBatchTest, testBatches } from './_statistics';

type Sampler = (rng: Rng, out: Float64Array) => Float64Array;

/** Broken variant: every point of a strip is accepted, without the wedge test or the tail sampler. */
const withoutWedgeTest: Sampler = (rng, out) => {
  const strips = ZIGGURAT.edges.length - 1;
  for (let k = 0; k < out.length; k++) {
    const scaled = rng.float() * 2 * strips;
    const index = scaled | 0;
    out[k] = (scaled - index) * (ZIGGURAT.edges[index % strips] as number) * (index >= strips ? -1 : 1);
  }
  return out;
};

/** Broken variant: the real sampler, but every tail variate is moved to the tail start r. */
const tailStuckAtStart: Sampler = (rng, out) => {
  fillStandardNormal(rng, out);
  for (let k = 0; k < out.length; k++) if (Math.abs(out[k] as number) > ZIGGURAT.tailStart) out[k] = Math.sign(out[k] as number) * ZIGGURAT.tailStart;
  return out;
};

const COUNT = 4_000_000;
const BINS = 200;

/** Bin edges with probability 1/BINS each under N(0, 1). */
const EDGES = Float64Array.from({ length: BINS - 1 }, (_, k) => normal.quantile((k + 1) / BINS, 0, 1));

/**
 * Returns the rms relative error of the bin probabilities, sqrt(Σ_i p_i δ_i²), that the
 * chi-square test detects with probability `power`. The statistic is noncentral chi-square with
 * k = BINS − 1 degrees of freedom and noncentrality λ = n Σ p_i δ_i²; both it and the central
 * quantile are taken as normal (mean k + λ, variance 2(k + 2λ)), an approximation that is close
 * for k = 199.
 */
function detectableBinError(alpha: number, power: number): number {
  const k = BINS - 1;
  const critical = k + normalQuantile(1 - alpha) * Math.sqrt(2 * k);
  let low = 0;
  let high = 10 * COUNT;
  for (let i = 0; i < 200; i++) {
    const lambda = (low + high) / 2;
    if (k + lambda - normalQuantile(power) * Math.sqrt(2 * (k + 2 * lambda)) >= critical) high = lambda;
    else low = lambda;
  }
  return Math.sqrt(high / COUNT);
}

function checkNormal(sample: Sampler) {
  const alpha = DEFAULT_ALPHA / 3;
  const rng = new Rng(deriveSeed(masterSeedFromEnv(), 'jarzynski/langevin-noise-normal'));
  const x = sample(rng, new Float64Array(COUNT));
  const failures: string[] = [];
  const details: string[] = [];

  const counts = new Float64Array(BINS);
  for (const v of x) {
    let low = 0;
    let high = BINS - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (v < (EDGES[mid] as number)) high = mid;
      else low = mid + 1;
    }
    counts[low] = (counts[low] as number) + 1;
  }
  // Pearson's statistic Σ (O − E)² / E, chi-square with BINS − 1 degrees of freedom under N(0, 1).
  const expected = COUNT / BINS;
  const statistic = counts.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
  const pValue = 1 - chisquareCdf(statistic, BINS - 1);
  details.push(
    `chi-square on ${BINS} equiprobable bins: statistic ${statistic.toFixed(1)}, p = ${pValue.toExponential(2)} (alpha ${alpha.toExponential(2)}; ` +
      `detects an rms relative bin error of ${(100 * detectableBinError(alpha, DEFAULT_POWER)).toFixed(2)} % with probability ${DEFAULT_POWER})`,
  );
  if (pValue < alpha) {
    failures.push(
      `chi-square on ${BINS} equiprobable bins: statistic ${statistic.toFixed(1)}, p = ${pValue.toExponential(2)} (alpha ${alpha.toExponential(2)}; ` +
        `detects an rms relative bin error of ${(100 * detectableBinError(alpha, DEFAULT_POWER)).toFixed(2)} % with probability ${DEFAULT_POWER})`,
    );
  }

  const r = ZIGGURAT.tailStart;
  const tailProbability = 2 * normal.cdf(-r, 0, 1);
  const excess = Array.from(x.filter((v) => Math.abs(v) > r), (v) => Math.abs(v) - r);
  const share = proportionEquals(excess.length, COUNT, tailProbability, alpha);
  details.push(`tail share: ${excess.length} of ${COUNT} beyond ${r}, expected ${(tailProbability * COUNT).toFixed(1)}; exact binomial p = ${share.pValue.toExponential(2)} (alpha ${alpha.toExponential(2)})`);
  if (share.rejected) failures.push(`tail share: ${excess.length} of ${COUNT} beyond ${r}, expected ${(tailProbability * COUNT).toFixed(1)}; exact binomial p = ${share.pValue.toExponential(2)} (alpha ${alpha.toExponential(2)})`);

  // E[|Z| − r | |Z| > r] = φ(r) / Φ̄(r) − r for the standard normal.
  const expectedExcess = normal.pdf(r, 0, 1) / normal.cdf(-r, 0, 1) - r;
  if (excess.length >= 2) {
    const test = testBatches('mean excess beyond the tail start', Float64Array.from(excess), expectedExcess, alpha);
    details.push(describeBatchTest(test));
    if (test.rejected) failures.push(describeBatchTest(test));
  } else {
    failures.push(`only ${excess.length} variates beyond the tail start; expected about ${(tailProbability * COUNT).toFixed(0)}`);
  }
  return { runs: 3, failures, details };
}

describe('Langevin noise', () => {
  caseInvariant<Sampler>({
    id: 'jarzynski/langevin-noise-normal',
    subject: fillStandardNormal,
    controls: [
      { name: 'accepts whole strips without the wedge test', subject: withoutWedgeTest },
      { name: 'tail variates stuck at the tail start', subject: tailStuckAtStart },
    ],
    check: checkNormal,
    timeoutMs: 60_000,
  });
});
