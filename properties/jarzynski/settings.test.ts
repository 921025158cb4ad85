/**
 * Invalid settings raise a JarzynskiSettingsError naming the setting, before any walker moves:
 * step sizes, walker and data counts, NaN parameters, mismatched dimensions, resampling thresholds,
 * on the float64 path and the tfjs path.
 */
import { beforeAll, describe } from 'vitest';
import { Rng } from '../../harness/rng';
import { selectBackend } from '../../harness/tensor/backend';
import { caseInvariant } from '../../harness/testing/invariant';
import { JarzynskiSettingsError } from '../../impl/jarzynski/errors';
import { Float64System, gmmLearningRates } from '../../impl/jarzynski/float64-system';
import { GaussianMixtureEnergy, type GmmParams } from '../../impl/jarzynski/gmm';
import { MlpEnergy, initMlpParams } from '../../impl/jarzynski/mlp';
import { TensorGmmEnergy } from '../../impl/jarzynski/tensor-energy';
import { TensorSystem } from '../../impl/jarzynski/tensor-system';
import { train, type TrainingSettings } from '../../impl/jarzynski/trainer';
import { WalkerPopulation } from '../../impl/jarzynski/walkers';

/** One invalid setting: what to run, and which setting the error must name. */
interface Scenario {
  name: string;
  setting: string;
  /** True when the invalid value is a NaN model parameter. */
  nanParameter?: boolean;
  /** Runs the invalid call; returns the walker positions before it when a system exists. */
  run: (record: (positions: Float64Array) => void) => void;
  /** Returns the walker positions after the failed call, to check that none moved. */
  positionsAfter?: () => Float64Array;
}

const DIM = 2;
const params = (): GmmParams => ({ means: Float64Array.of(-1, 0, 1, 0), logits: Float64Array.of(0, 0) });
const walkers = () => Float64Array.of(0.1, 0.2, -0.3, 0.4, 0.5, -0.6);
const data = () => Float64Array.of(1, 1, -1, -1);

function system(overrides: Partial<ConstructorParameters<typeof Float64System<GmmParams>>[0]> = {}) {
  return new Float64System<GmmParams>({
    energy: new GaussianMixtureEnergy(DIM, 2),
    params: params(),
    data: data(),
    walkers: walkers(),
    learningRates: gmmLearningRates(DIM, 2, { means: 0.01, logits: 0.01, frozenLogits: [0] }),
    ...overrides,
  });
}

/** Builds a scenario that trains a valid system with invalid training settings. */
function trainingScenario(name: string, setting: string, settings: Partial<TrainingSettings>): Scenario {
  let target: Float64System<GmmParams> | null = null;
  return {
    name,
    setting,
    run: (record) => {
      target = system();
      record(Float64Array.from(target.population.positions));
      train(target, { method: 'jarzynski', steps: 3, stepSize: 0.1, ...settings } as TrainingSettings, new Rng(1));
    },
    positionsAfter: () => Float64Array.from(target!.population.positions),
  };
}

const SCENARIOS: Scenario[] = [
  trainingScenario('zero step size', 'stepSize', { stepSize: 0 }),
  trainingScenario('negative step size', 'stepSize', { stepSize: -0.1 }),
  trainingScenario('NaN step size', 'stepSize', { stepSize: Number.NaN }),
  trainingScenario('zero training steps', 'steps', { steps: 0 }),
  trainingScenario('zero batch size', 'batchSize', { batchSize: 0 }),
  trainingScenario('NaN resampling threshold', 'resampling.threshold', { resampling: { trigger: { kind: 'cv2-above', threshold: Number.NaN }, scheme: 'systematic' } }),
  trainingScenario('negative ESS minimum', 'resampling.minimum', { resampling: { trigger: { kind: 'ess-below', minimum: -1 }, scheme: 'multinomial' } }),
  trainingScenario('unknown training method', 'method', { method: 'gibbs' as never }),
  { name: 'zero walkers', setting: 'positions', run: () => void system({ walkers: new Float64Array(0) }) },
  { name: 'walkers of the wrong dimension', setting: 'positions', run: () => void system({ walkers: Float64Array.of(1, 2, 3) }) },
  { name: 'data of the wrong dimension', setting: 'data', run: () => void system({ data: Float64Array.of(1, 2, 3) }) },
  { name: 'no data', setting: 'data', run: () => void system({ data: new Float64Array(0) }) },
  { name: 'learning rates of the wrong length', setting: 'learningRates', run: () => void system({ learningRates: new Float64Array(3) }) },
  { name: 'negative learning rate', setting: 'learningRates', run: () => void system({ learningRates: new Float64Array(6).fill(-1) }) },
  { name: 'NaN mixture mean', setting: 'means', nanParameter: true, run: () => void system({ params: { means: Float64Array.of(Number.NaN, 0, 1, 0), logits: Float64Array.of(0, 0) } }) },
  { name: 'NaN mixture logit', setting: 'logits', nanParameter: true, run: () => void system({ params: { means: Float64Array.of(-1, 0, 1, 0), logits: Float64Array.of(0, Number.NaN) } }) },
  { name: 'means of the wrong dimension', setting: 'means', run: () => void system({ params: { means: Float64Array.of(1, 2, 3), logits: Float64Array.of(0, 0) } }) },
  { name: 'zero-dimensional mixture', setting: 'dim', run: () => void new GaussianMixtureEnergy(0, 2) },
  {
    name: 'NaN MLP weight',
    setting: 'layers[0].weights',
    nanParameter: true,
    run: () => {
      const shape = { dim: DIM, hidden: [3], confinementVariance: 1 };
      const mlpParams = initMlpParams(shape, new Rng(2));
      mlpParams.layers[0]!.weights[1] = Number.NaN;
      void new Float64System({ energy: new MlpEnergy(shape), params: mlpParams, data: data(), walkers: walkers(), learningRates: new Float64Array(new MlpEnergy(shape).parameterCount) });
    },
  },
  { name: 'zero confinement variance', setting: 'confinementVariance', run: () => void new MlpEnergy({ dim: DIM, hidden: [3], confinementVariance: 0 }) },
  { name: 'no hidden layer', setting: 'hidden', run: () => void new MlpEnergy({ dim: DIM, hidden: [], confinementVariance: 1 }) },
  {
    name: 'Langevin move with NaN step size',
    setting: 'stepSize',
    run: () => {
      const population = new WalkerPopulation(walkers(), DIM);
      population.evaluate(new GaussianMixtureEnergy(DIM, 2), params());
      population.advance(new GaussianMixtureEnergy(DIM, 2), params(), Number.NaN, 'jarzynski', new Rng(1));
    },
  },
  {
    name: 'noise of the wrong length',
    setting: 'noise',
    run: () => {
      const population = new WalkerPopulation(walkers(), DIM);
      population.advance(new GaussianMixtureEnergy(DIM, 2), params(), 0.1, 'jarzynski', null, new Float64Array(5));
    },
  },
  { name: 'tfjs walkers of the wrong dimension', setting: 'walkers', run: () => void new TensorSystem({ energy: new TensorGmmEnergy(params(), DIM), data: data(), walkers: Float64Array.of(1, 2, 3), optimizer: { kind: 'adam', learningRate: 0.01 } }) },
  { name: 'tfjs NaN data', setting: 'data', run: () => void new TensorSystem({ energy: new TensorGmmEnergy(params(), DIM), data: Float64Array.of(1, Number.NaN), walkers: walkers(), optimizer: { kind: 'adam', learningRate: 0.01 } }) },
  { name: 'tfjs NaN mixture mean', setting: 'means', nanParameter: true, run: () => void new TensorGmmEnergy({ means: Float64Array.of(Number.NaN, 0, 1, 0), logits: Float64Array.of(0, 0) }, DIM) },
  { name: 'tfjs zero learning rate for Adam', setting: 'optimizer.learningRate', run: () => void new TensorSystem({ energy: new TensorGmmEnergy(params(), DIM), data: data(), walkers: walkers(), optimizer: { kind: 'adam', learningRate: 0 } }) },
];

/** Runs a scenario; the real runner passes every error through. */
type Runner = (scenario: Scenario, record: (positions: Float64Array) => void) => void;

const realRunner: Runner = (scenario, record) => scenario.run(record);

/** Broken variant: swallows the not-finite error of a NaN parameter and carries on. */
const letsNanThrough: Runner = (scenario, record) => {
  try {
    scenario.run(record);
  } catch (error) {
    if (scenario.nanParameter === true && error instanceof JarzynskiSettingsError && error.code === 'not-finite') return;
    throw error;
  }
};

describe('invalid settings', () => {
  beforeAll(async () => {
    await selectBackend((process.env.PAPERPROOF_BACKEND ?? 'auto') as never);
  });

  caseInvariant<Runner>({
    id: 'jarzynski/invalid-settings-rejected',
    subject: realRunner,
    controls: [{ name: 'validator that lets NaN parameters through', subject: letsNanThrough }],
    check: (runner) => {
      const failures: string[] = [];
      for (const scenario of SCENARIOS) {
        let before: Float64Array | null = null;
        try {
          runner(scenario, (positions) => (before = positions));
          failures.push(`${scenario.name}: no error was raised`);
          continue;
        } catch (error) {
          if (!(error instanceof JarzynskiSettingsError)) {
            failures.push(`${scenario.name}: raised ${(error as Error).name} (${(error as Error).message}) instead of JarzynskiSettingsError`);
            continue;
          }
          if (error.setting !== scenario.setting) failures.push(`${scenario.name}: the error names '${error.setting}', expected '${scenario.setting}' (${error.message})`);
          if (!error.message.startsWith(`${scenario.setting}:`)) failures.push(`${scenario.name}: the message does not start with the setting: ${error.message}`);
        }
        if (before !== null && scenario.positionsAfter !== undefined) {
          const after = scenario.positionsAfter();
          if (after.some((x, i) => x !== (before as Float64Array)[i])) failures.push(`${scenario.name}: walkers moved before the error`);
        }
      }
      return { runs: SCENARIOS.length, failures };
    },
  });
});
