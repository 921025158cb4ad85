/**
 * Invalid settings raise a JarzynskiSettingsError naming the setting, before any walker moves:
 * step sizes, walker and data counts, NaN parameters, mismatched dimensions, resampling thresholds,
 * on the float64 path and the tfjs path. Each error carries the expected code, and its message
 * contains the bad value and the fix (or the list of valid values).
 */
import { beforeAll, describe } from 'vitest';
import { Rng } from '../../harness/rng';
import { selectBackend } from '../../harness/tensor/backend';
import { caseInvariant } from '../../harness/testing/invariant';
import { JarzynskiSettingsError, requireFinite, type SettingsErrorCode } from '../../impl/jarzynski/errors';
import { Float64System, gmmLearningRates } from '../../impl/jarzynski/float64-system';
import { GaussianEnergy } from '../../impl/jarzynski/gaussian';
import { GaussianMixtureEnergy, sampleGaussianMixtureSplit, type GmmParams } from '../../impl/jarzynski/gmm';
import { logSumExp, normalizedWeights, summarizeWeights } from '../../impl/jarzynski/logweights';
import { MlpEnergy, initMlpParams } from '../../impl/jarzynski/mlp';
import { gaussianExpectation, gridLogPartition, gridPoints } from '../../impl/jarzynski/quadrature';
import { resampleIndices } from '../../impl/jarzynski/resampling';
import { TensorGmmEnergy } from '../../impl/jarzynski/tensor-energy';
import { TensorSystem, type TensorSystemOptions } from '../../impl/jarzynski/tensor-system';
import { train, type TrainingSettings } from '../../impl/jarzynski/trainer';
import { WalkerPopulation } from '../../impl/jarzynski/walkers';

/** One invalid setting: what to run, and what the error must contain. */
interface Scenario {
  name: string;
  setting: string;
  /** Expected error code. */
  code: SettingsErrorCode;
  /** Fragments the message must contain: the bad value, and the fix or the valid values. */
  mentions: readonly string[];
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

function tensorSystem(overrides: Partial<TensorSystemOptions> = {}): TensorSystem {
  return new TensorSystem({ energy: new TensorGmmEnergy(params(), DIM), data: data(), walkers: walkers(), optimizer: { kind: 'adam', learningRate: 0.01 }, ...overrides });
}

/** Builds a scenario that trains a valid system with invalid training settings. */
function trainingScenario(name: string, setting: string, code: SettingsErrorCode, mentions: readonly string[], settings: Partial<TrainingSettings>): Scenario {
  let target: Float64System<GmmParams> | null = null;
  return {
    name,
    setting,
    code,
    mentions,
    run: (record) => {
      target = system();
      record(Float64Array.from(target.population.positions));
      train(target, { method: 'jarzynski', steps: 3, stepSize: 0.1, ...settings } as TrainingSettings, new Rng(1));
    },
    positionsAfter: () => Float64Array.from(target!.population.positions),
  };
}

/** Builds a scenario from a call that must throw, with no walkers to watch. */
function guard(name: string, setting: string, code: SettingsErrorCode, mentions: readonly string[], run: () => unknown): Scenario {
  return { name, setting, code, mentions, run: () => void run() };
}

const STEP_FIX = 'pass a ULA step size h > 0';
const NOT_FINITE_FIX = 'every entry must be finite';
const LENGTH_FIX = 'check the dimension and walker count';
const TRIGGER_FIX = "use for example { kind: 'cv2-above', threshold: 0.5 }";

/** Returns a float64 population with evaluated caches, for the guards of its moves. */
function population(): WalkerPopulation {
  const walkerPopulation = new WalkerPopulation(walkers(), DIM);
  walkerPopulation.evaluate(new GaussianMixtureEnergy(DIM, 2), params());
  return walkerPopulation;
}

const SCENARIOS: Scenario[] = [
  trainingScenario('zero step size', 'stepSize', 'non-positive', ['got 0;', STEP_FIX], { stepSize: 0 }),
  trainingScenario('negative step size', 'stepSize', 'non-positive', ['got -0.1', STEP_FIX], { stepSize: -0.1 }),
  trainingScenario('NaN step size', 'stepSize', 'not-finite', ['got NaN', STEP_FIX], { stepSize: Number.NaN }),
  trainingScenario('infinite step size', 'stepSize', 'not-finite', ['got Infinity', STEP_FIX], { stepSize: Number.POSITIVE_INFINITY }),
  trainingScenario('zero training steps', 'steps', 'empty', ['got 0;', 'pass the number of parameter updates'], { steps: 0 }),
  trainingScenario('negative training steps', 'steps', 'non-positive', ['got -2', 'pass the number of parameter updates'], { steps: -2 }),
  trainingScenario('fractional training steps', 'steps', 'not-finite', ['must be an integer, got 1.5', 'pass the number of parameter updates'], { steps: 1.5 }),
  trainingScenario('zero Langevin steps per update', 'langevinStepsPerUpdate', 'empty', ['got 0;', 'pass an integer of at least 1'], { langevinStepsPerUpdate: 0 }),
  trainingScenario('zero CD restart interval', 'cdRestartEvery', 'empty', ['got 0;', 'pass an integer of at least 1'], { method: 'cd', cdRestartEvery: 0 }),
  trainingScenario('zero batch size', 'batchSize', 'empty', ['got 0;', 'pass a positive batch size, or null'], { batchSize: 0 }),
  trainingScenario('NaN resampling threshold', 'resampling.threshold', 'out-of-range', ['got NaN', TRIGGER_FIX], { resampling: { trigger: { kind: 'cv2-above', threshold: Number.NaN }, scheme: 'systematic' } }),
  trainingScenario('infinite relative-std threshold', 'resampling.threshold', 'out-of-range', ['got Infinity', TRIGGER_FIX], { resampling: { trigger: { kind: 'relative-std-above', threshold: Number.POSITIVE_INFINITY }, scheme: 'systematic' } }),
  trainingScenario('negative ESS minimum', 'resampling.minimum', 'out-of-range', ['got -1', TRIGGER_FIX], { resampling: { trigger: { kind: 'ess-below', minimum: -1 }, scheme: 'multinomial' } }),
  trainingScenario('infinite ESS minimum', 'resampling.minimum', 'out-of-range', ['got Infinity', TRIGGER_FIX], { resampling: { trigger: { kind: 'ess-below', minimum: Number.POSITIVE_INFINITY }, scheme: 'multinomial' } }),
  trainingScenario('negative first resampling step', 'resampling.afterStep', 'out-of-range', ['got -1', TRIGGER_FIX], { resampling: { trigger: { kind: 'ess-below', minimum: 2, afterStep: -1 }, scheme: 'multinomial' } }),
  trainingScenario('NaN first resampling step', 'resampling.afterStep', 'out-of-range', ['got NaN', TRIGGER_FIX], { resampling: { trigger: { kind: 'relative-std-above', threshold: 1, afterStep: Number.NaN }, scheme: 'multinomial' } }),
  trainingScenario('unknown training method', 'method', 'out-of-range', ["got 'gibbs'", 'must be one of jarzynski, pcd, cd'], { method: 'gibbs' as never }),
  { name: 'zero walkers', setting: 'positions', code: 'empty', mentions: ['holds no walker', 'pass at least one position'], run: () => void system({ walkers: new Float64Array(0) }) },
  { name: 'walkers of the wrong dimension', setting: 'positions', code: 'dimension-mismatch', mentions: ['has 3 entries, not a multiple of the dimension 2', 'pass N·d entries'], run: () => void system({ walkers: Float64Array.of(1, 2, 3) }) },
  { name: 'NaN walker position', setting: 'positions', code: 'not-finite', mentions: ['entry 2 is NaN', NOT_FINITE_FIX], run: () => void system({ walkers: Float64Array.of(0, 0, Number.NaN, 0) }) },
  { name: 'data of the wrong dimension', setting: 'data', code: 'dimension-mismatch', mentions: ["has 3 entries, not a multiple of the energy's dimension 2", 'pass n·d entries'], run: () => void system({ data: Float64Array.of(1, 2, 3) }) },
  { name: 'no data', setting: 'data', code: 'empty', mentions: ['holds no data point', 'pass n·d entries with n ≥ 1'], run: () => void system({ data: new Float64Array(0) }) },
  { name: 'infinite data point', setting: 'data', code: 'not-finite', mentions: ['entry 1 is -Infinity', NOT_FINITE_FIX], run: () => void system({ data: Float64Array.of(0, Number.NEGATIVE_INFINITY) }) },
  { name: 'learning rates of the wrong length', setting: 'learningRates', code: 'dimension-mismatch', mentions: ['has 3 entries but the Gaussian mixture parameters needs 6', LENGTH_FIX], run: () => void system({ learningRates: new Float64Array(3) }) },
  { name: 'negative learning rate', setting: 'learningRates', code: 'out-of-range', mentions: ['entry 0 is -1', 'must be finite and ≥ 0 (0 freezes the entry)'], run: () => void system({ learningRates: new Float64Array(6).fill(-1) }) },
  { name: 'infinite learning rate', setting: 'learningRates', code: 'out-of-range', mentions: ['entry 5 is Infinity', 'must be finite and ≥ 0'], run: () => void system({ learningRates: Float64Array.of(0, 0, 0, 0, 0, Number.POSITIVE_INFINITY) }) },
  { name: 'frozen logit outside the modes', setting: 'frozenLogits', code: 'out-of-range', mentions: ['entry 2 is not a mode index in [0, 2)', 'from 0 to 1'], run: () => gmmLearningRates(DIM, 2, { means: 0.1, logits: 0.1, frozenLogits: [2] }) },
  { name: 'negative frozen logit', setting: 'frozenLogits', code: 'out-of-range', mentions: ['entry -1 is not a mode index'], run: () => gmmLearningRates(DIM, 2, { means: 0.1, logits: 0.1, frozenLogits: [-1] }) },
  { name: 'fractional frozen logit', setting: 'frozenLogits', code: 'out-of-range', mentions: ['entry 0.5 is not a mode index'], run: () => gmmLearningRates(DIM, 2, { means: 0.1, logits: 0.1, frozenLogits: [0.5] }) },
  { name: 'NaN mixture mean', setting: 'means', code: 'not-finite', mentions: ['entry 0 is NaN', NOT_FINITE_FIX], nanParameter: true, run: () => void system({ params: { means: Float64Array.of(Number.NaN, 0, 1, 0), logits: Float64Array.of(0, 0) } }) },
  { name: 'NaN mixture logit', setting: 'logits', code: 'not-finite', mentions: ['entry 1 is NaN', NOT_FINITE_FIX], nanParameter: true, run: () => void system({ params: { means: Float64Array.of(-1, 0, 1, 0), logits: Float64Array.of(0, Number.NaN) } }) },
  { name: 'means of the wrong dimension', setting: 'means', code: 'dimension-mismatch', mentions: ['has 3 entries but 2 means of dimension 2 needs 4', LENGTH_FIX], run: () => void system({ params: { means: Float64Array.of(1, 2, 3), logits: Float64Array.of(0, 0) } }) },
  { name: 'zero-dimensional mixture', setting: 'dim', code: 'empty', mentions: ['got 0;', 'pass an integer of at least 1'], run: () => void new GaussianMixtureEnergy(0, 2) },
  {
    name: 'NaN MLP weight',
    setting: 'layers[0].weights',
    code: 'not-finite',
    mentions: ['entry 1 is NaN', NOT_FINITE_FIX],
    nanParameter: true,
    run: () => {
      const shape = { dim: DIM, hidden: [3], confinementVariance: 1 };
      const mlpParams = initMlpParams(shape, new Rng(2));
      mlpParams.layers[0]!.weights[1] = Number.NaN;
      void new Float64System({ energy: new MlpEnergy(shape), params: mlpParams, data: data(), walkers: walkers(), learningRates: new Float64Array(new MlpEnergy(shape).parameterCount) });
    },
  },
  { name: 'zero confinement variance', setting: 'confinementVariance', code: 'non-positive', mentions: ['got 0;', 'pass the variance σ0² > 0'], run: () => void new MlpEnergy({ dim: DIM, hidden: [3], confinementVariance: 0 }) },
  { name: 'no hidden layer', setting: 'hidden', code: 'empty', mentions: ['lists no hidden layer', 'pass at least one width'], run: () => void new MlpEnergy({ dim: DIM, hidden: [], confinementVariance: 1 }) },
  { name: 'zero Gaussian variance', setting: 'variance', code: 'non-positive', mentions: ['got 0;', 'pass a variance s² > 0'], run: () => new GaussianEnergy(1).validate({ mean: Float64Array.of(0), variance: 0 }) },
  guard('Langevin move with NaN step size', 'stepSize', 'not-finite', ['got NaN', STEP_FIX], () => population().advance(new GaussianMixtureEnergy(DIM, 2), params(), Number.NaN, 'jarzynski', new Rng(1))),
  guard('noise of the wrong length', 'noise', 'dimension-mismatch', ['has 5 entries but 3 walkers in dimension 2 needs 6', LENGTH_FIX], () =>
    population().advance(new GaussianMixtureEnergy(DIM, 2), params(), 0.1, 'jarzynski', null, new Float64Array(5)),
  ),
  guard('Langevin move with neither noise nor generator', 'rng', 'out-of-range', ['is null and no noise was passed', 'pass one of them'], () => population().advance(new GaussianMixtureEnergy(DIM, 2), params(), 0.1, 'frozen', null)),
  guard('selection of a walker past the end', 'indices', 'out-of-range', ['entry 1 is 3, outside [0, 3)', 'pass walker indices from resampleIndices'], () => population().select(Int32Array.of(0, 3, 1))),
  guard('selection of a negative walker', 'indices', 'out-of-range', ['entry 2 is -1, outside [0, 3)'], () => population().select(Int32Array.of(0, 1, -1))),
  guard('selection of the wrong length', 'indices', 'dimension-mismatch', ['has 2 entries but a walker population needs 3'], () => population().select(Int32Array.of(0, 1))),
  guard('positions of the wrong length', 'positions', 'dimension-mismatch', ['has 4 entries but 3 walkers in dimension 2 needs 6'], () => population().setPositions(new Float64Array(4))),
  guard('walkers placed at too few data points', 'dataIndices', 'dimension-mismatch', ['has 2 entries but the walkers needs 3', LENGTH_FIX], () => system().placeAtData(Int32Array.of(0, 1))),
  guard('weights of the wrong length', 'weights', 'dimension-mismatch', ['has 2 entries but the walkers needs 3'], () => system().descend(Float64Array.of(0.5, 0.5), null)),
  guard('diverging learning rates', 'parameters', 'not-finite', ['entry 0 became NaN at update 2', 'lower the learning rates or the step size'], () => {
    // The first update leaves means near ±1e308, whose gradient then overflows.
    const diverging = system({ learningRates: new Float64Array(6).fill(Number.MAX_VALUE) });
    diverging.descend(Float64Array.of(1, 0, 0), Int32Array.of(1));
    diverging.descend(Float64Array.of(1, 0, 0), Int32Array.of(1));
  }),
  guard('normalised weights into a short array', 'out', 'dimension-mismatch', ['has 2 entries for 3 log-weights', 'pass an array of the same length'], () => normalizedWeights(Float64Array.of(0, 1, 2), new Float64Array(2))),
  guard('no log-weights', 'logWeights', 'empty', ['is empty', 'needs at least one walker'], () => logSumExp(new Float64Array(0))),
  guard('NaN log-weight', 'logWeights', 'not-finite', ['entry 1 is NaN', NOT_FINITE_FIX], () => summarizeWeights(Float64Array.of(0, Number.NaN))),
  guard('unknown resampling scheme', 'resampling.scheme', 'out-of-range', ["got 'stratified'", "must be 'multinomial' or 'systematic'"], () => resampleIndices(Float64Array.of(0.5, 0.5), 'stratified' as never, new Rng(1))),
  guard('resampling no weights', 'weights', 'empty', ['is empty', 'needs at least one walker'], () => resampleIndices(new Float64Array(0), 'systematic', new Rng(1), 1)),
  guard('resampling a negative weight', 'weights', 'out-of-range', ['entry 1 is -0.5', 'compute them with normalizedWeights'], () => resampleIndices(Float64Array.of(1.5, -0.5), 'multinomial', new Rng(1))),
  guard('resampling a NaN weight', 'weights', 'out-of-range', ['entry 0 is NaN'], () => resampleIndices(Float64Array.of(Number.NaN, 1), 'systematic', new Rng(1))),
  guard('resampling zero weights', 'weights', 'out-of-range', ['sum to 0', 'needs a positive weight'], () => resampleIndices(Float64Array.of(0, 0), 'systematic', new Rng(1))),
  guard('resampling no draws', 'resampling count', 'empty', ['got 0;'], () => resampleIndices(Float64Array.of(1), 'systematic', new Rng(1), 0)),
  guard('mixture split of the wrong length', 'counts', 'dimension-mismatch', ['has 3 entries for a mixture of 2 modes', 'pass one count per mode'], () => sampleGaussianMixtureSplit(params(), DIM, [1, 1, 1], new Rng(1))),
  guard('mixture split of no samples', 'total sample count', 'empty', ['got 0;'], () => sampleGaussianMixtureSplit(params(), DIM, [0, 0], new Rng(1))),
  guard('Gaussian expectation on two points', 'points', 'out-of-range', ['got 2;', 'pass more points'], () => gaussianExpectation((t) => t, 2)),
  guard('grid of one point per axis', 'grid.points', 'out-of-range', ['got 1;', 'a few hundred points per axis'], () => gridPoints({ xMin: 0, xMax: 1, yMin: 0, yMax: 1, points: 1 })),
  guard('grid energies of the wrong length', 'energies', 'dimension-mismatch', ['has 8 entries for a 3×3 grid', 'evaluate the energy at every point'], () => gridLogPartition(new Float64Array(8), { xMin: 0, xMax: 1, yMin: 0, yMax: 1, points: 3 })),
  guard('NaN scalar', 'logZRef', 'not-finite', ['got NaN', 'replace NaN or infinite values'], () => requireFinite('logZRef', Number.NaN)),
  guard('tfjs walkers of the wrong dimension', 'walkers', 'dimension-mismatch', ["has 3 entries, not a multiple of the energy's dimension 2", 'pass n·d entries'], () => tensorSystem({ walkers: Float64Array.of(1, 2, 3) })),
  guard('tfjs without walkers', 'walkers', 'empty', ['holds no point', 'pass n·d entries with n ≥ 1'], () => tensorSystem({ walkers: new Float64Array(0) })),
  guard('tfjs NaN data', 'data', 'not-finite', ['entry 1 is NaN', NOT_FINITE_FIX], () => tensorSystem({ data: Float64Array.of(1, Number.NaN) })),
  { name: 'tfjs NaN mixture mean', setting: 'means', code: 'not-finite', mentions: ['entry 0 is NaN', NOT_FINITE_FIX], nanParameter: true, run: () => void new TensorGmmEnergy({ means: Float64Array.of(Number.NaN, 0, 1, 0), logits: Float64Array.of(0, 0) }, DIM) },
  guard('tfjs zero learning rate for Adam', 'optimizer.learningRate', 'non-positive', ['got 0;', 'pass a finite number greater than zero'], () => tensorSystem({ optimizer: { kind: 'adam', learningRate: 0 } })),
  guard('tfjs zero clip norm', 'gradientClipNorm', 'non-positive', ['got 0;', 'pass a finite number greater than zero'], () => tensorSystem({ gradientClipNorm: 0 })),
  guard('tfjs negative regulariser', 'energyRegularization', 'out-of-range', ['got -1;', 'pass 0 for no regulariser'], () => tensorSystem({ energyRegularization: -1 })),
  guard('tfjs NaN regulariser', 'energyRegularization', 'out-of-range', ['got NaN;'], () => tensorSystem({ energyRegularization: Number.NaN })),
  guard('tfjs negative SGD rate', 'optimizer.learningRates[1]', 'out-of-range', ['got -0.5;', 'or 0 to freeze the variable'], () => tensorSystem({ optimizer: { kind: 'sgd', learningRates: [0.1, -0.5] } })),
  guard('tfjs infinite SGD rate', 'optimizer.learningRates[0]', 'out-of-range', ['got Infinity;'], () => tensorSystem({ optimizer: { kind: 'sgd', learningRates: [Number.POSITIVE_INFINITY, 0.1] } })),
  guard('tfjs SGD rates for too few variables', 'optimizer.learningRates', 'dimension-mismatch', ['has 1 entries but the Gaussian mixture variables needs 2'], () => tensorSystem({ optimizer: { kind: 'sgd', learningRates: [0.1] } })),
  guard('tfjs per-entry SGD rates of the wrong length', 'optimizer.learningRates[0]', 'dimension-mismatch', ['has 3 entries but variable 0 (shape 2×2) needs 4'], () =>
    tensorSystem({ optimizer: { kind: 'sgd', learningRates: [new Float64Array(3), 0.1] } }),
  ),
  guard('tfjs noise of the wrong length', 'noise', 'dimension-mismatch', ['has 4 entries but 3 walkers in dimension 2 needs 6'], () => tensorSystem().advanceWithNoise(0.1, 'jarzynski', new Float64Array(4))),
  guard('tfjs Langevin move with zero step size', 'stepSize', 'non-positive', ['got 0;', STEP_FIX], () => tensorSystem().advanceWithNoise(0, 'jarzynski', new Float64Array(6))),
  guard('tfjs selection of the wrong length', 'indices', 'dimension-mismatch', ['has 1 entries but the walkers needs 3'], () => tensorSystem().select(Int32Array.of(0))),
  guard('tfjs walkers placed at too few data points', 'dataIndices', 'dimension-mismatch', ['has 2 entries but the walkers needs 3'], () => tensorSystem().placeAtData(Int32Array.of(0, 1))),
  guard('tfjs positions of the wrong length', 'positions', 'dimension-mismatch', ['has 5 entries but 3 walkers in dimension 2 needs 6'], () => tensorSystem().setPositions(new Float64Array(5))),
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
          if (error.code !== scenario.code) failures.push(`${scenario.name}: the error code is '${error.code}', expected '${scenario.code}' (${error.message})`);
          if (!error.message.endsWith(`[${error.code}]`)) failures.push(`${scenario.name}: the message does not end with its code: ${error.message}`);
          for (const fragment of scenario.mentions) {
            if (!error.message.includes(fragment)) failures.push(`${scenario.name}: the message does not contain '${fragment}': ${error.message}`);
          }
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
