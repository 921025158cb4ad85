/**
 * One training run on the Gaussian-mixture teacher of the comparison (two unit-covariance modes
 * at −10 e_1 and +6 e_1 with masses 1/4 and 3/4), with the curves the report plots.
 */
import type { Rng } from '../../harness/rng';
import { Float64System, gmmLearningRates } from '../../impl/jarzynski/float64-system';
import {
  GaussianMixtureEnergy,
  gmmLogPartition,
  meanEnergy,
  modeMasses,
  sampleGaussianMixture,
  sampleGaussianMixtureSplit,
  weightedResponsibilities,
  type GmmParams,
} from '../../impl/jarzynski/gmm';
import { normalizedWeights } from '../../impl/jarzynski/logweights';
import type { ResamplingTrigger } from '../../impl/jarzynski/resampling';
import { train, type TrainingMethod } from '../../impl/jarzynski/trainer';

/** Settings of one Gaussian-mixture comparison. */
export interface GmmSettings {
  dim: number;
  walkers: number;
  dataPoints: number;
  steps: number;
  stepSize: number;
  /** Learning rates of the means and of the free logit; CD multiplies both by `cdLearningRateFactor`. */
  meanRate: number;
  logitRate: number;
  cdLearningRateFactor: number;
  trigger: ResamplingTrigger;
  /** Number of curve points recorded over the run. */
  recordPoints: number;
}

/** One point of a training curve. */
export interface CurvePoint {
  step: number;
  /** Exact KL(ρ_data ‖ ρ_θ) up to the data average: log Z_θ (analytic) + mean U_θ(x*) + mean log ρ_*(x*). */
  kl: number;
  /** The same with the walkers' free-energy estimate in place of the analytic log Z (Jarzynski only). */
  klEstimate: number | null;
  /** Model mass of mode 2, softmax(−z)_2. */
  modelMass: number;
  /** The walkers' estimate of the mass of mode 2, Σ p_i π_2(X_i). */
  walkerMass: number;
  /** Effective sample size fraction ESS/N (1 for PCD and CD). */
  essFraction: number;
}

/** Result of one run. */
export interface GmmRun {
  method: TrainingMethod;
  repetition: number;
  curve: CurvePoint[];
  resamplings: number;
  millis: number;
  finalParams: GmmParams;
}

/** Returns the teacher mixture in dimension `dim`. */
export function teacherParams(dim: number): GmmParams {
  const means = new Float64Array(2 * dim);
  means[0] = -10;
  means[dim] = 6;
  return { means, logits: Float64Array.of(0, -Math.log(3)) };
}

/** Returns the student's initial parameters: means 0.01 N(0, I) with first coordinates −0.1 and +0.1, logits 0. */
export function initialStudent(dim: number, rng: Rng): GmmParams {
  const means = Float64Array.from({ length: 2 * dim }, () => 0.01 * rng.normal());
  means[0] = -0.1;
  means[dim] = 0.1;
  return { means, logits: Float64Array.of(0, 0) };
}

/** Draws the teacher data set with the deterministic 1/4, 3/4 split. */
export function teacherData(dim: number, points: number, rng: Rng): Float64Array {
  const first = Math.round(points / 4);
  return sampleGaussianMixtureSplit(teacherParams(dim), dim, [first, points - first], rng).positions;
}

/** Trains one student with `method` and records its curve. */
export function runGmm(method: TrainingMethod, settings: GmmSettings, data: Float64Array, repetition: number, rng: Rng): GmmRun {
  const d = settings.dim;
  const energy = new GaussianMixtureEnergy(d, 2);
  const teacher = teacherParams(d);
  const dataCount = data.length / d;
  const teacherLogDensity = -meanEnergy(energy, teacher, data, dataCount) - gmmLogPartition(teacher, d);

  const student = initialStudent(d, rng.fork('student'));
  // Jarzynski walkers are exact samples of the initial model; PCD and CD start from data.
  const walkers = sampleGaussianMixture(student, d, settings.walkers, rng.fork('walkers')).positions;
  const factor = method === 'cd' ? settings.cdLearningRateFactor : 1;
  const system = new Float64System({
    energy,
    params: student,
    data,
    walkers,
    learningRates: gmmLearningRates(d, 2, { means: settings.meanRate * factor, logits: settings.logitRate * factor, frozenLogits: [0] }),
    logPartition0: gmmLogPartition(student, d),
  });

  const curve: CurvePoint[] = [];
  const every = Math.max(1, Math.floor(settings.steps / settings.recordPoints));
  const record = (step: number, logPartitionEstimate: number | null, essFraction: number) => {
    const logPartition = gmmLogPartition(system.params, d);
    const crossEntropyTail = meanEnergy(energy, system.params, data, dataCount) + teacherLogDensity;
    const weights = method === 'jarzynski' ? normalizedWeights(system.logWeights) : new Float64Array(system.count).fill(1 / system.count);
    curve.push({
      step,
      kl: logPartition + crossEntropyTail,
      klEstimate: logPartitionEstimate === null ? null : logPartitionEstimate + crossEntropyTail,
      modelMass: modeMasses(system.params)[1] as number,
      walkerMass: weightedResponsibilities(energy, system.params, system.population.positions, weights)[1] as number,
      essFraction,
    });
  };

  const result = train(
    system,
    { method, steps: settings.steps, stepSize: settings.stepSize, resampling: { trigger: settings.trigger, scheme: 'multinomial' } },
    rng.fork('train'),
    (step) => {
      if ((step.step + 1) % every === 0 || step.step === 0) record(step.step + 1, method === 'jarzynski' ? step.logPartition : null, step.ess / system.count);
    },
  );
  return { method, repetition, curve, resamplings: result.resamplings, millis: result.millis, finalParams: system.params };
}
