/**
 * The TensorFlow.js path (float32) agrees with the float64 path on the same inputs, for the
 * Gaussian mixture and the MLP energy. Compared: energies, input gradients, parameter gradients of
 * the surrogate loss, and one full training step (SGD update, ULA move with shared noise, weight
 * update). Inputs are rounded to float32 first, so only the arithmetic differs.
 */
import fc from 'fast-check';
import { beforeAll, describe } from 'vitest';
import { compareArrays, toleranceFor, type Tolerance } from '../../harness/numeric';
import { Rng } from '../../harness/rng';
import { selectBackend, tf } from '../../harness/tensor/backend';
import { propertyInvariant } from '../../harness/testing/invariant';
import { Float64System, gmmLearningRates } from '../../impl/jarzynski/float64-system';
import { GaussianMixtureEnergy, type GmmParams } from '../../impl/jarzynski/gmm';
import { normalizedWeights } from '../../impl/jarzynski/logweights';
import { MlpEnergy, initMlpParams, type MlpParams, type MlpShape } from '../../impl/jarzynski/mlp';
import { fillStandardNormal } from '../../impl/jarzynski/noise';
import { TensorGmmEnergy, TensorMlpEnergy, type TensorEnergy } from '../../impl/jarzynski/tensor-energy';
import { TensorSystem, type TensorSystemOptions } from '../../impl/jarzynski/tensor-system';

type MakeSystem = (options: TensorSystemOptions) => TensorSystem;

/** Broken variant: adds U(X) − U(X') minus the kernel terms instead of plus them. */
class FlippedKernelSystem extends TensorSystem {
  override advanceWithNoise(stepSize: number, mode: 'jarzynski' | 'frozen', noise: Float64Array): void {
    const before = Float64Array.from(this.logWeights);
    const oldEnergies = this.energies;
    super.advanceWithNoise(stepSize, mode, noise);
    for (let i = 0; i < this.count; i++) {
      const energyChange = (oldEnergies[i] as number) - (this.energies[i] as number);
      const kernel = (this.logWeights[i] as number) - (before[i] as number) - energyChange;
      this.logWeights[i] = (before[i] as number) + energyChange - kernel;
    }
  }
}

/** Broken variant: Langevin noise of standard deviation sqrt(h) instead of sqrt(2h). */
class HalfNoiseSystem extends TensorSystem {
  override advanceWithNoise(stepSize: number, mode: 'jarzynski' | 'frozen', noise: Float64Array): void {
    super.advanceWithNoise(stepSize, mode, noise.map((x) => x / Math.SQRT2));
  }
}

/** Rounds to float32 and back, so both paths start from identical numbers. */
const f32 = (values: Float64Array) => Float64Array.from(Float32Array.from(values));

interface AgreementCase {
  family: 'gmm' | 'mlp';
  dim: number;
  modes: number;
  hidden: number[];
  walkers: number;
  dataCount: number;
  stepSize: number;
  learningRate: number;
  seed: number;
}

const caseArb: fc.Arbitrary<AgreementCase> = fc.record({
  family: fc.constantFrom<'gmm' | 'mlp'>('gmm', 'mlp'),
  dim: fc.integer({ min: 1, max: 4 }),
  modes: fc.integer({ min: 1, max: 3 }),
  hidden: fc.array(fc.integer({ min: 2, max: 8 }), { minLength: 1, maxLength: 2 }),
  walkers: fc.integer({ min: 1, max: 24 }),
  dataCount: fc.integer({ min: 1, max: 24 }),
  stepSize: fc.double({ min: 0.01, max: 0.5, noNaN: true }),
  learningRate: fc.double({ min: 0.001, max: 0.05, noNaN: true }),
  seed: fc.integer(),
});

/** Builds both systems for one case; the float64 one owns a float64 energy with the same parameters. */
function buildSystems(c: AgreementCase, makeSystem: MakeSystem) {
  const rng = new Rng(c.seed);
  const d = c.dim;
  const data = f32(Float64Array.from({ length: c.dataCount * d }, () => 2 * rng.normal()));
  const walkers = f32(Float64Array.from({ length: c.walkers * d }, () => 2 * rng.normal()));

  if (c.family === 'gmm') {
    const params: GmmParams = { means: f32(Float64Array.from({ length: c.modes * d }, () => 2 * rng.normal())), logits: f32(Float64Array.from({ length: c.modes }, () => rng.normal())) };
    const frozen = { means: c.learningRate, logits: 2 * c.learningRate, frozenLogits: [0] };
    const float64 = new Float64System({ energy: new GaussianMixtureEnergy(d, c.modes), params, data, walkers, learningRates: gmmLearningRates(d, c.modes, frozen) });
    const energy: TensorEnergy = new TensorGmmEnergy(params, d);
    const logitRates = Float64Array.from({ length: c.modes }, (_, j) => (j === 0 ? 0 : 2 * c.learningRate));
    const tensor = makeSystem({ energy, data, walkers, optimizer: { kind: 'sgd', learningRates: [c.learningRate, logitRates] } });
    return { float64: float64 as Float64System<unknown>, tensor, energy, reductionLength: d * c.modes };
  }

  const shape: MlpShape = { dim: d, hidden: c.hidden, confinementVariance: 4 };
  const raw = initMlpParams(shape, rng, 0.5);
  const params: MlpParams = { layers: raw.layers.map((l) => ({ weights: f32(l.weights), biases: f32(l.biases.map(() => 0.3 * rng.normal())) })), output: f32(raw.output) };
  const mlp = new MlpEnergy(shape);
  const float64 = new Float64System({ energy: mlp, params, data, walkers, learningRates: new Float64Array(mlp.parameterCount).fill(c.learningRate) });
  const energy: TensorEnergy = new TensorMlpEnergy(shape, params);
  const tensor = makeSystem({ energy, data, walkers, optimizer: { kind: 'sgd', learningRates: energy.variables.map(() => c.learningRate) } });
  return { float64: float64 as Float64System<unknown>, tensor, energy, reductionLength: d * Math.max(...c.hidden) };
}

/** Throws when `actual` (float32 path) and `expected` (float64 path) differ beyond `tolerance`. */
function expectClose(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance): void {
  const result = compareArrays(actual, expected, tolerance);
  if (!result.ok) {
    const i = result.worstIndex;
    throw new Error(`${label}: tfjs ${actual[i]} vs float64 ${expected[i]} at index ${i} (rtol ${tolerance.rtol.toExponential(1)}, atol ${tolerance.atol.toExponential(1)})`);
  }
}

function checkAgreement(c: AgreementCase, makeSystem: MakeSystem): boolean {
  const { float64, tensor, energy, reductionLength } = buildSystems(c, makeSystem);
  try {
    const base = toleranceFor('float32', 'float64', { reductionLength });
    const scale = Math.max(1, ...float64.population.energies.map(Math.abs));
    // Absolute errors of float32 grow with the magnitude of the summed terms, so atol scales with |U|.
    const tolerance: Tolerance = { rtol: base.rtol, atol: base.atol * scale * 10 };

    expectClose('energies', tensor.energies, float64.population.energies, tolerance);
    expectClose('input gradients', tensor.readGradients(), float64.population.gradients, tolerance);

    const rng = new Rng(c.seed).fork('step');
    const logWeights = Float64Array.from({ length: float64.count }, () => rng.normal());
    const p = normalizedWeights(logWeights);
    const gradients = tensor.lossGradients(p, null);
    const flat = Float64Array.from(gradients.flatMap((g) => [...g.dataSync()]));
    for (const g of gradients) g.dispose();
    expectClose('parameter gradients', flat, float64.estimateGradient(p, null, new Float64Array(flat.length)), tolerance);

    // One full training step from the same weights, with the same noise.
    float64.logWeights.set(logWeights);
    tensor.logWeights.set(logWeights);
    float64.descend(p, null);
    tensor.descend(p, null);
    const energyOf = float64.energy as { toVector(params: unknown): Float64Array };
    expectClose('updated parameters', energy.readVector(), energyOf.toVector(float64.params), tolerance);

    const noise = fillStandardNormal(rng, new Float64Array(float64.count * float64.dim));
    float64.population.advance(float64.energy, float64.params, c.stepSize, 'jarzynski', null, noise);
    tensor.advanceWithNoise(c.stepSize, 'jarzynski', noise);
    expectClose('moved positions', tensor.readPositions(), float64.population.positions, tolerance);
    expectClose('energies after the move', tensor.energies, float64.population.energies, tolerance);
    expectClose('log-weights after the move', tensor.logWeights, float64.logWeights, { rtol: tolerance.rtol, atol: tolerance.atol * 10 });
    return true;
  } finally {
    tensor.dispose();
    energy.dispose();
  }
}

describe('tfjs and float64 paths', () => {
  beforeAll(async () => {
    await selectBackend((process.env.PAPERPROOF_BACKEND ?? 'auto') as never);
  });

  propertyInvariant<MakeSystem>({
    id: 'jarzynski/tfjs-matches-float64',
    subject: (options) => new TensorSystem(options),
    controls: [
      { name: 'tfjs kernel term with the wrong sign', subject: (options) => new FlippedKernelSystem(options) },
      { name: 'tfjs noise scaled by sqrt(h) instead of sqrt(2h)', subject: (options) => new HalfNoiseSystem(options) },
    ],
    numRuns: { quick: 40, full: 300 },
    property: (makeSystem) => fc.property(caseArb, (c) => tf.tidy(() => checkAgreement(c, makeSystem))),
  });
});
