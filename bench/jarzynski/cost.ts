/**
 * Cost of the Jarzynski weight update: a plain ULA step and a weighted step on the same walkers of
 * the d = 50 Gaussian mixture (float64, 10^4 walkers), timed interleaved in one process, and the
 * same weighted step in NumPy when it is installed. Also builds the speed-suite tasks.
 */
import { quantile } from '../../harness/bench';
import type { Rng } from '../../harness/rng';
import type { BenchTask, ExperimentReport, RunContext } from '../../harness/runner';
import { GaussianMixtureEnergy, sampleGaussianMixture, type GmmParams } from '../../impl/jarzynski/gmm';
import { initMlpParams, type MlpShape } from '../../impl/jarzynski/mlp';
import { TensorMlpEnergy } from '../../impl/jarzynski/tensor-energy';
import { TensorSystem } from '../../impl/jarzynski/tensor-system';
import { WalkerPopulation, type WeightMode } from '../../impl/jarzynski/walkers';
import { teacherParams } from './gmm-run';
import { startNumpyStep, type NumpyStep } from './numpy-bridge';
import { lineChart } from './plots';

export const COST_DIM = 50;
export const COST_WALKERS = 10_000;
const STEP_SIZE = 0.1;
/** Largest ratio of weighted to plain step time the suite accepts. */
const MAX_RATIO = 1.3;

/** Walkers of the timing runs: exact samples of the teacher mixture, with cached energies. */
function makePopulation(energy: GaussianMixtureEnergy, params: GmmParams, rng: Rng): WalkerPopulation {
  const population = new WalkerPopulation(sampleGaussianMixture(params, COST_DIM, COST_WALKERS, rng).positions, COST_DIM);
  population.evaluate(energy, params);
  return population;
}

/** Returns the time of one step in milliseconds. */
function timeStep(population: WalkerPopulation, energy: GaussianMixtureEnergy, params: GmmParams, mode: WeightMode, rng: Rng): number {
  const started = performance.now();
  population.advance(energy, params, STEP_SIZE, mode, rng);
  return performance.now() - started;
}

/** Runs the weight-update cost experiment. */
export async function runWeightUpdateCost(context: RunContext): Promise<ExperimentReport> {
  const rng = context.rng('jarzynski/weight-update-cost');
  const energy = new GaussianMixtureEnergy(COST_DIM, 2);
  const params = teacherParams(COST_DIM);
  const walkers = sampleGaussianMixture(params, COST_DIM, COST_WALKERS, rng.fork('walkers')).positions;
  const plain = new WalkerPopulation(walkers, COST_DIM);
  const weighted = new WalkerPopulation(walkers, COST_DIM);
  plain.evaluate(energy, params);
  weighted.evaluate(energy, params);

  const numpy = await startNumpyStep(params, COST_DIM, COST_WALKERS, STEP_SIZE, rng.int(0, 2 ** 31 - 1));
  const rounds = context.profile === 'full' ? 30 : 10;
  const stepsPerRound = 3;
  const times = { ula: [] as number[], weighted: [] as number[], numpy: [] as number[], numpyRoundTrip: [] as number[] };
  const roundRatios: number[] = [];
  const plotRows: { round: number; step: string; ms: number }[] = [];

  try {
    // Warm-up: the first calls include compilation.
    for (let k = 0; k < 2; k++) {
      timeStep(plain, energy, params, 'frozen', rng);
      timeStep(weighted, energy, params, 'jarzynski', rng);
      if (numpy.ok) await numpy.step.run(1);
    }
    for (let round = 0; round < rounds; round++) {
      context.progress(`timing round ${round + 1}/${rounds}`);
      const ula: number[] = [];
      const jar: number[] = [];
      // Alternate which variant goes first, so drift within a round favours neither.
      for (let s = 0; s < stepsPerRound; s++) {
        if ((round + s) % 2 === 0) {
          ula.push(timeStep(plain, energy, params, 'frozen', rng));
          jar.push(timeStep(weighted, energy, params, 'jarzynski', rng));
        } else {
          jar.push(timeStep(weighted, energy, params, 'jarzynski', rng));
          ula.push(timeStep(plain, energy, params, 'frozen', rng));
        }
      }
      times.ula.push(...ula);
      times.weighted.push(...jar);
      roundRatios.push(median(jar) / median(ula));
      plotRows.push({ round: round + 1, step: 'plain ULA (TypeScript)', ms: median(ula) }, { round: round + 1, step: 'weighted (TypeScript)', ms: median(jar) });
      if (numpy.ok) {
        const started = performance.now();
        const inPython = await numpy.step.run(stepsPerRound);
        times.numpyRoundTrip.push((performance.now() - started) / stepsPerRound);
        times.numpy.push(...inPython);
        plotRows.push({ round: round + 1, step: 'weighted (NumPy)', ms: median(inPython) });
      }
    }
  } finally {
    if (numpy.ok) numpy.step.close();
  }

  const ulaMedian = median(times.ula);
  const weightedMedian = median(times.weighted);
  const ratio = weightedMedian / ulaMedian;
  const metrics: ExperimentReport['metrics'] = {
    'plain ULA step (median)': { value: ulaMedian, unit: 'ms' },
    'weighted step (median)': { value: weightedMedian, unit: 'ms' },
    'plain ULA throughput': { value: (COST_WALKERS / ulaMedian) * 1000, unit: 'walker-steps/s' },
    'weighted throughput': { value: (COST_WALKERS / weightedMedian) * 1000, unit: 'walker-steps/s' },
    'weighted / plain ULA': { value: ratio, unit: 'ratio' },
    'weighted / plain ULA, per-round p25': { value: quantile(sorted(roundRatios), 0.25), unit: 'ratio' },
    'weighted / plain ULA, per-round p75': { value: quantile(sorted(roundRatios), 0.75), unit: 'ratio' },
  };
  const notes = [`${rounds} rounds of ${stepsPerRound} steps of each variant, alternating their order; medians over all steps. Same process, same walkers (two copies started from the same exact samples).`];
  let numpySentence: string;
  if (numpy.ok) {
    const numpyMedian = median(times.numpy);
    metrics['NumPy weighted step (median, timed in Python)'] = { value: numpyMedian, unit: 'ms' };
    metrics['NumPy weighted step incl. pipe round trip'] = { value: median(times.numpyRoundTrip), unit: 'ms' };
    metrics['TypeScript / NumPy weighted step'] = { value: weightedMedian / numpyMedian, unit: 'ratio' };
    numpySentence = ` Against vectorised NumPy ${numpy.step.version} (one BLAS thread), the TypeScript weighted step takes ${(weightedMedian / numpyMedian).toFixed(2)}× the time (${weightedMedian.toFixed(1)} ms against ${numpyMedian.toFixed(1)} ms).`;
    notes.push(`NumPy ran in ${numpy.step.python} as a subprocess with OMP/OPENBLAS/MKL threads set to 1; its step times are measured with time.perf_counter inside Python.`);
  } else {
    numpySentence = ` The NumPy side-by-side was skipped: ${numpy.reason}.`;
    notes.push(`NumPy comparison skipped: ${numpy.reason}.`);
  }

  return {
    verdict: ratio <= MAX_RATIO ? 'reproduced' : 'not-reproduced',
    summary:
      `On ${COST_WALKERS} walkers in d = ${COST_DIM}, the weighted step took ${ratio.toFixed(3)}× the time of a plain ULA step ` +
      `(${weightedMedian.toFixed(1)} ms against ${ulaMedian.toFixed(1)} ms, ${((COST_WALKERS / weightedMedian) * 1000).toExponential(3)} walker-steps/s); the suite requires at most ${MAX_RATIO}×.` +
      numpySentence,
    metrics,
    data: `generated: ${COST_WALKERS} exact samples of the two-mode teacher mixture in d = ${COST_DIM}, h = ${STEP_SIZE}`,
    notes,
    plots: [lineChart({ title: 'Step time per round', rows: plotRows, x: 'round', y: 'ms', series: 'step', xTitle: 'round', yTitle: 'median ms per step', caption: 'Median step time of each variant in each interleaved round.' })],
  };
}

/** Builds the speed-suite tasks (float64 mixture steps, tfjs MLP steps, and NumPy when present). */
export async function costBenchmarks(context: RunContext): Promise<BenchTask[]> {
  const rng = context.rng('jarzynski/benchmarks');
  const energy = new GaussianMixtureEnergy(COST_DIM, 2);
  const params = teacherParams(COST_DIM);
  const data = `generated: ${COST_WALKERS} exact samples of the two-mode teacher mixture in d = ${COST_DIM}, float64`;
  const plain = makePopulation(energy, params, rng.fork('walkers'));
  const weighted = makePopulation(energy, params, rng.fork('walkers'));
  const beside = makePopulation(energy, params, rng.fork('walkers'));
  const tasks: BenchTask[] = [
    { id: 'jarzynski/ula-step', data, fn: () => plain.advance(energy, params, STEP_SIZE, 'frozen', rng) },
    { id: 'jarzynski/weighted-step', data, fn: () => weighted.advance(energy, params, STEP_SIZE, 'jarzynski', rng) },
  ];

  const numpy = await startNumpyStep(params, COST_DIM, COST_WALKERS, STEP_SIZE, rng.int(0, 2 ** 31 - 1));
  if (numpy.ok) {
    const step: NumpyStep = numpy.step;
    tasks.push(
      { id: 'jarzynski/numpy-weighted-step', data: `${data}; NumPy ${step.version}, one BLAS thread, timed with the pipe round trip`, fn: async () => void (await step.run(1)) },
      { id: 'jarzynski/weighted-step-vs-numpy', data, fn: () => beside.advance(energy, params, STEP_SIZE, 'jarzynski', rng) },
    );
  } else {
    context.log.warn(`jarzynski: NumPy benchmarks skipped: ${numpy.reason}`);
  }

  // The runner selected the tensor backend before the speed suite (usesTensors).
  const shape: MlpShape = { dim: 2, hidden: [32, 32], confinementVariance: 9 };
  const walkers = Float64Array.from({ length: 2 * 2000 }, () => 3 * rng.normal());
  const makeTensorSystem = () => new TensorSystem({ energy: new TensorMlpEnergy(shape, initMlpParams(shape, rng.fork('mlp'), 0.3)), data: walkers.slice(0, 20), walkers, optimizer: { kind: 'adam', learningRate: 1e-3 } });
  const tensorPlain = makeTensorSystem();
  const tensorWeighted = makeTensorSystem();
  const tensorData = 'generated: 2,000 walkers of a 2-D MLP energy (hidden 32-32), TensorFlow.js float32';
  tasks.push(
    { id: 'jarzynski/tensor-ula-step', data: tensorData, fn: () => tensorPlain.advance(0.01, 'frozen', rng) },
    { id: 'jarzynski/tensor-weighted-step', data: tensorData, fn: () => tensorWeighted.advance(0.01, 'jarzynski', rng) },
  );
  return tasks;
}

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function median(values: readonly number[]): number {
  return quantile(sorted(values), 0.5);
}
