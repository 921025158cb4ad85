/**
 * One training run of an MLP energy on a 2-D ring of Gaussian modes, with the KL divergence and
 * the mode masses computed by quadrature on a grid (the teacher density is known exactly).
 */
import type { Rng } from '../../harness/rng';
import { tf } from '../../harness/tensor/backend';
import { sampleGaussian } from '../../impl/jarzynski/gaussian';
import { normalizedWeights } from '../../impl/jarzynski/logweights';
import { confinementLogPartition, initMlpParams, type MlpShape } from '../../impl/jarzynski/mlp';
import { gridLogPartition, gridPoints, type Grid2d } from '../../impl/jarzynski/quadrature';
import type { ResamplingTrigger } from '../../impl/jarzynski/resampling';
import { TensorMlpEnergy } from '../../impl/jarzynski/tensor-energy';
import { TensorSystem } from '../../impl/jarzynski/tensor-system';
import { train, type TrainingMethod } from '../../impl/jarzynski/trainer';

/** The teacher: isotropic Gaussian modes on a circle, with unequal masses. */
export interface RingTeacher {
  radius: number;
  std: number;
  masses: readonly number[];
}

export const RING_TEACHER: RingTeacher = { radius: 3, std: 0.35, masses: [0.1, 0.2, 0.3, 0.4] };

/** Settings of one ring run. */
export interface RingSettings {
  walkers: number;
  dataPoints: number;
  steps: number;
  stepSize: number;
  batchSize: number;
  learningRate: number;
  hidden: number[];
  confinementVariance: number;
  trigger: ResamplingTrigger;
  recordPoints: number;
  grid: Grid2d;
}

/** One recorded point of a ring run. */
export interface RingPoint {
  step: number;
  /** KL(ρ_* ‖ ρ_θ) by quadrature on the grid. */
  kl: number;
  /** Model mass of each teacher mode (its Voronoi cell), by quadrature. */
  modelMasses: number[];
  /** Weighted share of the walkers in each cell. */
  walkerMasses: number[];
  essFraction: number;
}

export interface RingRun {
  method: TrainingMethod;
  curve: RingPoint[];
  /** Final walker positions (x, y) with their normalised weights. */
  walkers: { x: number; y: number; weight: number }[];
  resamplings: number;
  millis: number;
}

/** Mode centres of the ring teacher. */
export function ringCentres(teacher: RingTeacher): [number, number][] {
  const count = teacher.masses.length;
  return Array.from({ length: count }, (_, j) => [teacher.radius * Math.cos((2 * Math.PI * j) / count), teacher.radius * Math.sin((2 * Math.PI * j) / count)]);
}

/** Draws `count` points of the ring teacher, row by row. */
export function sampleRing(teacher: RingTeacher, count: number, rng: Rng): Float64Array {
  const centres = ringCentres(teacher);
  const out = new Float64Array(2 * count);
  for (let i = 0; i < count; i++) {
    let u = rng.float();
    let j = 0;
    while (j < centres.length - 1 && u >= (teacher.masses[j] as number)) u -= teacher.masses[j++] as number;
    out[2 * i] = centres[j]![0] + teacher.std * rng.normal();
    out[2 * i + 1] = centres[j]![1] + teacher.std * rng.normal();
  }
  return out;
}

/** Returns log ρ_*(x) of the ring teacher. */
export function ringLogDensity(teacher: RingTeacher, x: number, y: number): number {
  const centres = ringCentres(teacher);
  const variance = teacher.std ** 2;
  let max = -Infinity;
  const terms = centres.map(([cx, cy], j) => {
    const t = Math.log(teacher.masses[j] as number) - ((x - cx) ** 2 + (y - cy) ** 2) / (2 * variance) - Math.log(2 * Math.PI * variance);
    max = Math.max(max, t);
    return t;
  });
  return max + Math.log(terms.reduce((s, t) => s + Math.exp(t - max), 0));
}

/** Index of the teacher mode nearest to (x, y): the Voronoi cell the mode masses are counted in. */
export function nearestMode(teacher: RingTeacher, x: number, y: number): number {
  const count = teacher.masses.length;
  const angle = Math.atan2(y, x);
  return ((Math.round((angle / (2 * Math.PI)) * count) % count) + count) % count;
}

/** Trains an MLP energy on ring data with `method` and records KL and mode masses. */
export function runRing(method: TrainingMethod, settings: RingSettings, data: Float64Array, rng: Rng, teacher: RingTeacher = RING_TEACHER): RingRun {
  const shape: MlpShape = { dim: 2, hidden: settings.hidden, confinementVariance: settings.confinementVariance };
  const energy = new TensorMlpEnergy(shape, initMlpParams(shape, rng.fork('parameters')));
  const walkers = sampleGaussian({ mean: new Float64Array(2), variance: settings.confinementVariance }, settings.walkers, rng.fork('walkers'));
  const system = new TensorSystem({ energy, data, walkers, optimizer: { kind: 'adam', learningRate: settings.learningRate, beta1: 0, beta2: 0.999 }, logPartition0: confinementLogPartition(shape) });

  const { positions: gridXY, cellArea } = gridPoints(settings.grid);
  const teacherOnGrid = new Float64Array(gridXY.length / 2);
  const cellOnGrid = new Int32Array(gridXY.length / 2);
  for (let k = 0; k < teacherOnGrid.length; k++) {
    teacherOnGrid[k] = ringLogDensity(teacher, gridXY[2 * k] as number, gridXY[2 * k + 1] as number);
    cellOnGrid[k] = nearestMode(teacher, gridXY[2 * k] as number, gridXY[2 * k + 1] as number);
  }
  const gridTensor = tf.tensor2d(Float32Array.from(gridXY), [teacherOnGrid.length, 2]);

  const curve: RingPoint[] = [];
  const every = Math.max(1, Math.floor(settings.steps / settings.recordPoints));
  const record = (step: number, essFraction: number) => {
    const energies = tf.tidy(() => energy.energy(gridTensor).dataSync());
    const logZ = gridLogPartition(energies, settings.grid);
    let kl = 0;
    const modelMasses = new Array<number>(teacher.masses.length).fill(0);
    for (let k = 0; k < teacherOnGrid.length; k++) {
      const logModel = -(energies[k] as number) - logZ;
      const teacherDensity = Math.exp(teacherOnGrid[k] as number);
      kl += teacherDensity * ((teacherOnGrid[k] as number) - logModel) * cellArea;
      modelMasses[cellOnGrid[k] as number]! += Math.exp(logModel) * cellArea;
    }
    const total = modelMasses.reduce((a, b) => a + b, 0);
    curve.push({ step, kl, modelMasses: modelMasses.map((m) => m / total), walkerMasses: walkerMasses(system, method, teacher), essFraction });
  };

  try {
    record(0, 1);
    const result = train(system, { method, steps: settings.steps, stepSize: settings.stepSize, batchSize: settings.batchSize, resampling: { trigger: settings.trigger, scheme: 'systematic' } }, rng.fork('train'), (step) => {
      if ((step.step + 1) % every === 0) record(step.step + 1, step.ess / system.count);
    });
    const positions = system.readPositions();
    const weights = method === 'jarzynski' ? normalizedWeights(system.logWeights) : new Float64Array(system.count).fill(1 / system.count);
    const finalWalkers = Array.from({ length: system.count }, (_, i) => ({ x: positions[2 * i] as number, y: positions[2 * i + 1] as number, weight: weights[i] as number }));
    return { method, curve, walkers: finalWalkers, resamplings: result.resamplings, millis: result.millis };
  } finally {
    gridTensor.dispose();
    system.dispose();
    energy.dispose();
  }
}

function walkerMasses(system: TensorSystem, method: TrainingMethod, teacher: RingTeacher): number[] {
  const positions = system.readPositions();
  const weights = method === 'jarzynski' ? normalizedWeights(system.logWeights) : new Float64Array(system.count).fill(1 / system.count);
  const masses = new Array<number>(teacher.masses.length).fill(0);
  for (let i = 0; i < system.count; i++) masses[nearestMode(teacher, positions[2 * i] as number, positions[2 * i + 1] as number)]! += weights[i] as number;
  return masses;
}
