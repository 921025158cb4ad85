/**
 * The cross-entropy gradient estimate is unbiased: with uniform weights, exact data samples from a
 * teacher mixture and exact samples of the student model, the mean of
 *   g = mean_data ∂θU(x*) − mean_walkers ∂θU(X)
 * over independent replicates equals the exact gradient E_teacher[∂θU] − E_ρθ[∂θU].
 *
 * Each generated case runs 200 replicates of 400 data points and 400 walkers, and tests every
 * gradient component with a t-test. The family-wise alpha of 1e-6 per run is split over cases and
 * components (Bonferroni). Each test must detect, with probability 0.99, a bias of 0.03 in a logit
 * component and of 0.15 in a mean component, or the case fails as underpowered.
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { forProfile, profileFromEnv } from '../../harness/profile';
import { Rng } from '../../harness/rng';
import { DEFAULT_ALPHA } from '../../harness/stats';
import { propertyInvariant } from '../../harness/testing/invariant';
import { Float64System } from '../../impl/jarzynski/float64-system';
import { GaussianMixtureEnergy, sampleGaussianMixture, type GmmParams } from '../../impl/jarzynski/gmm';
import { exactCrossEntropyGradient, FlippedMeanGradientMixture, LogitFreeMixture } from './_reference';
import { describeBatchTest, testBatches } from './_statistics';

/** Builds the mixture energy whose gradient estimate is tested. */
interface Subject {
  makeEnergy: (dim: number, modes: number) => GaussianMixtureEnergy;
  enforcePower: boolean;
}

const REPLICATES = 200;
const SAMPLES = 400;
const NUM_RUNS = { quick: 20, full: 150 };
const LOGIT_BOUND = 0.03;
const MEAN_BOUND = 0.15;

const mixtureArb = (dim: number, modes: number) =>
  fc.record({
    means: fc.array(fc.double({ min: -2.5, max: 2.5, noNaN: true }), { minLength: modes * dim, maxLength: modes * dim }).map((m) => Float64Array.from(m)),
    logits: fc.array(fc.double({ min: -1.2, max: 1.2, noNaN: true }), { minLength: modes, maxLength: modes }).map((z) => Float64Array.from(z)),
  });

// No shrinking: a statistical rejection does not carry over to smaller cases, and each case costs
// a few hundred milliseconds.
const caseArb = fc.noShrink(
  fc.integer({ min: 1, max: 3 }).chain((dim) =>
    fc.record({ dim: fc.constant(dim), student: mixtureArb(dim, 2), teacher: fc.integer({ min: 1, max: 3 }).chain((modes) => mixtureArb(dim, modes)), seed: fc.integer() }),
  ),
);

describe('gradient estimator', () => {
  const numRuns = forProfile(NUM_RUNS, profileFromEnv());

  propertyInvariant<Subject>({
    id: 'jarzynski/gradient-unbiased',
    subject: { makeEnergy: (dim, modes) => new GaussianMixtureEnergy(dim, modes), enforcePower: true },
    controls: [
      { name: 'sign error in the mean gradient', subject: { makeEnergy: (dim, modes) => new FlippedMeanGradientMixture(dim, modes), enforcePower: false } },
      { name: 'responsibilities that ignore the logits', subject: { makeEnergy: (dim, modes) => new LogitFreeMixture(dim, modes), enforcePower: false } },
    ],
    numRuns: NUM_RUNS,
    timeoutMs: 120_000,
    property: (subject) =>
      fc.property(caseArb, ({ dim, student, teacher, seed }) => {
        const components = 2 * dim + 2;
        const alpha = DEFAULT_ALPHA / (numRuns * components);
        const exact = exactCrossEntropyGradient(student, teacher, dim);
        const estimates = replicateGradients(subject.makeEnergy(dim, 2), student, teacher, dim, new Rng(seed));

        for (let k = 0; k < components; k++) {
          const isLogit = k >= 2 * dim;
          const label = isLogit ? `∂H/∂z_${k - 2 * dim + 1}` : `∂H/∂a_${Math.floor(k / dim) + 1},${(k % dim) + 1}`;
          const test = testBatches(label, estimates[k]!, exact[k] as number, alpha);
          const caseText = `d = ${dim}, student ${describe2(student)}, teacher ${describe2(teacher)}`;
          if (test.rejected) throw new Error(`${describeBatchTest(test)}; ${caseText}`);
          const bound = isLogit ? LOGIT_BOUND : MEAN_BOUND;
          if (subject.enforcePower && test.detectable > bound) throw new Error(`underpowered: ${label} detects only |bias| >= ${test.detectable.toPrecision(3)} (promised ${bound}); ${caseText}`);
        }
        return true;
      }),
  });
});

/** Returns, per gradient component, the estimates of `REPLICATES` independent replicates. */
function replicateGradients(energy: GaussianMixtureEnergy, student: GmmParams, teacher: GmmParams, dim: number, rng: Rng): Float64Array[] {
  const components = energy.parameterCount;
  const estimates = Array.from({ length: components }, () => new Float64Array(REPLICATES));
  const uniform = new Float64Array(SAMPLES).fill(1 / SAMPLES);
  const gradient = new Float64Array(components);
  for (let r = 0; r < REPLICATES; r++) {
    const data = sampleGaussianMixture(teacher, dim, SAMPLES, rng).positions;
    const walkers = sampleGaussianMixture(student, dim, SAMPLES, rng).positions;
    const system = new Float64System({ energy, params: student, data, walkers, learningRates: new Float64Array(components) });
    system.estimateGradient(uniform, null, gradient);
    for (let k = 0; k < components; k++) estimates[k]![r] = gradient[k] as number;
  }
  return estimates;
}

function describe2(params: GmmParams): string {
  const round = (values: Float64Array) => [...values].map((v) => v.toFixed(3)).join(', ');
  return `{means [${round(params.means)}], logits [${round(params.logits)}]}`;
}
