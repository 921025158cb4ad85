/**
 * Properties of resampling: unbiased weighted expectations (statistical), and a free-energy
 * estimate that is continuous across a resampling (exact up to rounding).
 *
 * Resampled averages of every φ are unbiased exactly when each walker's expected number of copies
 * is N p_i. Over R resamplings, walker i's total number of copies is Binomial(R N, p_i) under
 * multinomial resampling, so an exact binomial test per walker has level alpha. Under systematic
 * resampling its variance is at most the binomial one, which makes the same test conservative.
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { forProfile, profileFromEnv } from '../../harness/profile';
import { Rng } from '../../harness/rng';
import { DEFAULT_ALPHA, proportionEquals } from '../../harness/stats';
import { propertyInvariant } from '../../harness/testing/invariant';
import { Float64System } from '../../impl/jarzynski/float64-system';
import { GaussianEnergy } from '../../impl/jarzynski/gaussian';
import { normalizedWeights } from '../../impl/jarzynski/logweights';
import { resampleIndices, type ResamplingScheme } from '../../impl/jarzynski/resampling';
import { resampleSystem } from '../../impl/jarzynski/trainer';
import { WalkerPopulation } from '../../impl/jarzynski/walkers';

/** A resampler, the subject of the unbiasedness property. */
type Resampler = (weights: Float64Array, scheme: ResamplingScheme, rng: Rng) => Int32Array;

const realResampler: Resampler = (weights, scheme, rng) => resampleIndices(weights, scheme, rng);

/** Broken variant: every draw lands one walker further along the cumulative weights. */
const offByOne: Resampler = (weights, scheme, rng) => {
  const indices = resampleIndices(weights, scheme, rng);
  return indices.map((i) => Math.min(i + 1, weights.length - 1));
};

/** Broken variant: systematic points u + j/N with u drawn from [0, 1), so late points pile up on the last walker. */
const wideOffset: Resampler = (weights, scheme, rng) => {
  if (scheme === 'multinomial') return resampleIndices(weights, scheme, rng);
  const count = weights.length;
  const cumulative = new Float64Array(count);
  let total = 0;
  weights.forEach((w, i) => (cumulative[i] = total += w));
  const offset = rng.float();
  const indices = new Int32Array(count);
  let i = 0;
  for (let j = 0; j < count; j++) {
    const point = (offset + j / count) * total;
    while (i < count - 1 && (cumulative[i] as number) <= point) i++;
    indices[j] = i;
  }
  return indices;
};

const RESAMPLINGS = 100;
const NUM_RUNS = { quick: 30, full: 300 };
const SCHEMES: readonly ResamplingScheme[] = ['multinomial', 'systematic'];

/** Log-weights with a wide spread, sometimes with one dominant walker or all equal. */
const logWeightsArb = fc.oneof(
  fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: 2, maxLength: 60 }),
  fc.integer({ min: 2, max: 60 }).map((n) => Array.from({ length: n }, (_, i) => (i === 0 ? 40 : 0))),
  fc.integer({ min: 2, max: 60 }).map((n) => new Array<number>(n).fill(3)),
);

describe('resampling', () => {
  const numRuns = forProfile(NUM_RUNS, profileFromEnv());

  propertyInvariant<Resampler>({
    id: 'jarzynski/resampling-unbiased',
    subject: realResampler,
    controls: [
      { name: 'off-by-one in the cumulative weights', subject: offByOne },
      { name: 'systematic offset drawn from [0, 1) instead of [0, 1/N)', subject: wideOffset },
    ],
    numRuns: NUM_RUNS,
    property: (resample) =>
      fc.property(logWeightsArb, fc.integer(), (logWeights, seed) => {
        const count = logWeights.length;
        const p = normalizedWeights(Float64Array.from(logWeights));
        // Bonferroni over the generated cases, the two schemes and the walkers of this case.
        const alpha = DEFAULT_ALPHA / (numRuns * SCHEMES.length * count);

        for (const scheme of SCHEMES) {
          const rng = new Rng(seed).fork(scheme);
          const copies = new Float64Array(count);
          for (let r = 0; r < RESAMPLINGS; r++) for (const i of resample(p, scheme, rng)) copies[i] = (copies[i] as number) + 1;

          for (let i = 0; i < count; i++) {
            const outcome = proportionEquals(copies[i] as number, RESAMPLINGS * count, Math.min(1, p[i] as number), alpha);
            if (outcome.rejected) {
              throw new Error(
                `${scheme}: walker ${i} of ${count} got ${copies[i]} copies in ${RESAMPLINGS} resamplings, expected ${(RESAMPLINGS * count * (p[i] as number)).toFixed(2)}; ` +
                  `exact binomial test p = ${outcome.pValue.toExponential(2)} (alpha ${alpha.toExponential(2)}), detects a copy-probability bias >= ${outcome.detectableEffect.toPrecision(3)} with probability ${outcome.power}`,
              );
            }
          }
        }
        return true;
      }),
  });
});

/** Resampling steps, the subject of the continuity property: one for a population, one for a float64 system. */
interface ResampleSteps {
  population: (population: WalkerPopulation, scheme: ResamplingScheme, rng: Rng) => void;
  system: (system: Float64System<unknown>, scheme: ResamplingScheme, rng: Rng) => void;
}

const realSteps: ResampleSteps = {
  population: (population, scheme, rng) => void population.resample(scheme, rng),
  system: (system, scheme, rng) => void resampleSystem(system, scheme, rng),
};

/** Broken variant: resets the log-weights and resamples, but leaves log Z_ref where it was. */
const forgetsOffset: ResampleSteps = {
  population: (population, scheme, rng) => {
    population.select(resampleIndices(normalizedWeights(population.logWeights), scheme, rng));
    population.logWeights.fill(0);
  },
  system: (system, scheme, rng) => {
    system.select(resampleIndices(normalizedWeights(system.logWeights), scheme, rng));
    system.logWeights.fill(0);
  },
};

describe('free energy across resampling', () => {
  propertyInvariant<ResampleSteps>({
    id: 'jarzynski/free-energy-continuous',
    subject: realSteps,
    controls: [{ name: 'forgets the free-energy offset', subject: forgetsOffset }],
    numRuns: { quick: 100, full: 1000 },
    property: (steps) =>
      fc.property(
        fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.constantFrom<ResamplingScheme>('multinomial', 'systematic'),
        fc.integer(),
        (logWeights, logZRef, scheme, seed) => {
          const count = logWeights.length;
          const rng = new Rng(seed);
          const positions = Float64Array.from({ length: count }, () => rng.normal());

          const population = new WalkerPopulation(positions, 1, logZRef);
          population.logWeights.set(logWeights);
          const before = population.logPartition();
          steps.population(population, scheme, rng);
          if (!population.logWeights.every((a) => a === 0)) throw new Error('population log-weights are not all 0 after resampling');
          checkContinuous('population', before, population.logPartition());

          const energy = new GaussianEnergy(1);
          const system = new Float64System({ energy, params: { mean: Float64Array.of(0), variance: 1 }, data: Float64Array.of(0), walkers: positions, learningRates: new Float64Array(2), logPartition0: logZRef });
          system.logWeights.set(logWeights);
          const systemBefore = system.population.logPartition();
          steps.system(system as Float64System<unknown>, scheme, rng);
          if (!system.logWeights.every((a) => a === 0)) throw new Error('system log-weights are not all 0 after resampling');
          checkContinuous('float64 system', systemBefore, system.population.logPartition());
          return true;
        },
      ),
  });
});

function checkContinuous(where: string, before: number, after: number): void {
  if (Math.abs(after - before) > 1e-12 * Math.max(1, Math.abs(before))) {
    throw new Error(`${where}: log Z estimate jumps from ${before} to ${after} across the resampling`);
  }
}
