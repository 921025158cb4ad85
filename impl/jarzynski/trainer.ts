/**
 * The training loop of Jarzynski-weighted cross-entropy training, and of the contrastive
 * divergence baselines, for any walker system (float64 or TensorFlow.js).
 *
 * One iteration k, in this order (the order matters):
 *   p      = softmax(A)                                     (uniform for PCD and CD)
 *   g      = mean_batch ∂θU_θk(x*) − Σ_i p_i ∂θU_θk(X_i)     (cross-entropy gradient estimate)
 *   θ_k+1  = θ_k − γ ⊙ g                                    (or an Adam step on the same gradient)
 *   X'     = X − h ∇xU_θk(X) + sqrt(2h) ξ                   (ULA with the OLD parameters)
 *   A      = A − α_k+1(X', X) + α_k(X, X')                  (Jarzynski only)
 *   log Z  = log Z_ref + logsumexp(A) − log N
 *   if the trigger fires: resample by p(A), A = 0, log Z_ref = log Z
 * With more than one Langevin step per update, the extra moves use θ_k+1 for both α terms.
 *
 * Baselines, as the published Gaussian-mixture code runs them:
 * - PCD: A frozen at 0; walkers start at N data points drawn with replacement and persist;
 * - CD: as PCD, but the walkers are re-drawn from the data at every iteration k with
 *   k mod `cdRestartEvery` = 0 (4 by default), before the gradient of that iteration.
 */
import type { Rng } from '../../harness/rng';
import { JarzynskiSettingsError, requireCount, requirePositive } from './errors';
import { logPartitionEstimate, normalizedWeights, summarizeWeights } from './logweights';
import { resampleIndices, shouldResample, validateTrigger, type ResamplingScheme, type ResamplingTrigger } from './resampling';
import type { WeightMode } from './walkers';

/** Training method: the weighted walkers, or one of the contrastive-divergence baselines. */
export type TrainingMethod = 'jarzynski' | 'pcd' | 'cd';

export const TRAINING_METHODS: readonly TrainingMethod[] = ['jarzynski', 'pcd', 'cd'];

/**
 * Walkers, model parameters and data, as the training loop drives them. The float64 system and
 * the TensorFlow.js system implement it.
 */
export interface WalkerSystem {
  /** Number of walkers N. */
  readonly count: number;
  /** Dimension d of the state space. */
  readonly dim: number;
  /** Number of data points. */
  readonly dataCount: number;
  /** Log-weights A (owned by the system, updated in place). */
  readonly logWeights: Float64Array;
  /** log Z_ref of the free-energy estimate. */
  logZRef: number;

  /**
   * Applies one parameter update from the cross-entropy gradient estimate, with the walkers'
   * normalised weights `weights` and the data points `batch` (every point when null).
   */
  descend(weights: Float64Array, batch: Int32Array | null): void;

  /**
   * Moves every walker by one ULA step with the cached gradients, re-evaluates the caches with
   * the current parameters, and in `jarzynski` mode adds the weight increments to `logWeights`.
   */
  advance(stepSize: number, mode: WeightMode, rng: Rng): void;

  /** Replaces walker j by walker `indices[j]`, with its caches. */
  select(indices: Int32Array): void;

  /** Places walker j at data point `dataIndices[j]` and re-evaluates the caches. */
  placeAtData(dataIndices: Int32Array): void;
}

/** Settings of a training run. */
export interface TrainingSettings {
  method: TrainingMethod;
  /** Number K of parameter updates. */
  steps: number;
  /** ULA step size h > 0. */
  stepSize: number;
  /** Langevin steps per parameter update (default 1). */
  langevinStepsPerUpdate?: number;
  /** Data points per gradient estimate, drawn with replacement; null or omitted: every point, every step. */
  batchSize?: number | null;
  /** When and how the Jarzynski walkers are resampled (default: never). */
  resampling?: { trigger: ResamplingTrigger; scheme: ResamplingScheme };
  /** CD restarts the walkers from the data every this many iterations (default 4). */
  cdRestartEvery?: number;
}

/** Record of one finished iteration, passed to the `onStep` callback. */
export interface StepRecord {
  /** Index k of the iteration that just finished (0-based). */
  step: number;
  /** Free-energy estimate log Z_θ(k+1) (Jarzynski only; NaN for PCD and CD). */
  logPartition: number;
  /** Effective sample size of the weights before any resampling of this iteration. */
  ess: number;
  /** CV² of the weights before any resampling of this iteration. */
  cv2: number;
  /** True when the walkers were resampled in this iteration. */
  resampled: boolean;
}

/** Summary of a finished training run. */
export interface TrainingResult {
  method: TrainingMethod;
  steps: number;
  /** Number of resamplings. */
  resamplings: number;
  /** Final free-energy estimate (NaN for PCD and CD). */
  logPartition: number;
  /** Wall-clock time of the loop in milliseconds. */
  millis: number;
}

/**
 * Runs `settings.steps` iterations of the chosen method on `system`.
 *
 * For `jarzynski`, the walkers must already be exact samples of the initial model with all
 * log-weights 0 and `logZRef` = log Z_θ0 (or 0 when unknown); for PCD and CD they are placed at
 * data points here.
 *
 * @param onStep - called after every iteration, for curves and progress
 * @throws JarzynskiSettingsError for invalid settings, naming the setting, value and fix
 */
export function train(system: WalkerSystem, settings: TrainingSettings, rng: Rng, onStep?: (record: StepRecord) => void): TrainingResult {
  validateSettings(system, settings);
  const started = performance.now();
  const weighted = settings.method === 'jarzynski';
  const mode: WeightMode = weighted ? 'jarzynski' : 'frozen';
  const inner = settings.langevinStepsPerUpdate ?? 1;
  const restartEvery = settings.cdRestartEvery ?? 4;
  const batchSize = settings.batchSize ?? null;
  const moveRng = rng.fork('langevin');
  const dataRng = rng.fork('data');
  const resampleRng = rng.fork('resampling');

  const uniform = new Float64Array(system.count).fill(1 / system.count);
  const weights = new Float64Array(system.count);
  const batch = batchSize === null ? null : new Int32Array(batchSize);
  let resamplings = 0;

  if (!weighted) {
    system.logWeights.fill(0);
    system.placeAtData(drawIndices(dataRng, system.count, system.dataCount));
  }

  for (let k = 0; k < settings.steps; k++) {
    // NOTE: the published code restarts CD at k mod 4 = 0; doing it before (not after) that
    // iteration's gradient is this implementation's reading of the loop order.
    if (settings.method === 'cd' && k > 0 && k % restartEvery === 0) system.placeAtData(drawIndices(dataRng, system.count, system.dataCount));

    const p = weighted ? normalizedWeights(system.logWeights, weights) : uniform;
    if (batch !== null) fillIndices(dataRng, batch, system.dataCount);
    system.descend(p, batch);

    for (let s = 0; s < inner; s++) system.advance(settings.stepSize, mode, moveRng);

    let record: StepRecord = { step: k, logPartition: Number.NaN, ess: system.count, cv2: 0, resampled: false };
    if (weighted) {
      const summary = summarizeWeights(system.logWeights);
      const logPartition = system.logZRef + summary.logSumExp - Math.log(system.count);
      record = { step: k, logPartition, ess: summary.ess, cv2: summary.cv2, resampled: false };
      if (settings.resampling !== undefined && shouldResample(settings.resampling.trigger, system.logWeights, k)) {
        resampleSystem(system, settings.resampling.scheme, resampleRng);
        resamplings++;
        record.resampled = true;
      }
    }
    onStep?.(record);
  }

  const logPartition = weighted ? logPartitionEstimate(system.logWeights, system.logZRef) : Number.NaN;
  return { method: settings.method, steps: settings.steps, resamplings, logPartition, millis: performance.now() - started };
}

/**
 * Resamples the walkers of `system` by their normalised weights, resets the log-weights to 0 and
 * carries the free-energy offset (log Z_ref ← current estimate).
 */
export function resampleSystem(system: WalkerSystem, scheme: ResamplingScheme, rng: Rng): Int32Array {
  const estimate = logPartitionEstimate(system.logWeights, system.logZRef);
  const indices = resampleIndices(normalizedWeights(system.logWeights), scheme, rng);
  system.select(indices);
  system.logWeights.fill(0);
  system.logZRef = estimate;
  return indices;
}

/** Throws a JarzynskiSettingsError for the first invalid setting. */
export function validateSettings(system: WalkerSystem, settings: TrainingSettings): void {
  if (!TRAINING_METHODS.includes(settings.method)) {
    throw new JarzynskiSettingsError('out-of-range', 'method', `must be one of ${TRAINING_METHODS.join(', ')}, got '${String(settings.method)}'`);
  }
  requireCount('steps', settings.steps, 'pass the number of parameter updates, at least 1');
  requirePositive('stepSize', settings.stepSize, 'pass a ULA step size h > 0, for example 0.1');
  requireCount('langevinStepsPerUpdate', settings.langevinStepsPerUpdate ?? 1);
  requireCount('cdRestartEvery', settings.cdRestartEvery ?? 4);
  requireCount('walkers', system.count, 'pass at least one walker');
  requireCount('data points', system.dataCount, 'pass at least one data point');
  const batchSize = settings.batchSize ?? null;
  if (batchSize !== null) requireCount('batchSize', batchSize, 'pass a positive batch size, or null for the whole data set');
  if (settings.resampling !== undefined) validateTrigger(settings.resampling.trigger);
}

function drawIndices(rng: Rng, count: number, range: number): Int32Array {
  const out = new Int32Array(count);
  fillIndices(rng, out, range);
  return out;
}

function fillIndices(rng: Rng, out: Int32Array, range: number): void {
  for (let i = 0; i < out.length; i++) out[i] = Math.min(range - 1, Math.floor(rng.float() * range));
}
