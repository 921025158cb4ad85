/**
 * The L²-GCN controller's REINFORCE machinery: its input vector and embedding row, the loss
 * (Σ_k log p(a_k))·(cost − baseline) recomputed from the recorded decisions, the moving baseline,
 * warm-up schedules, the training-phase policy and tensor bookkeeping.
 */
import { beforeAll, describe } from 'vitest';
import { Rng } from '../../harness/rng';
import { selectBackend, tf } from '../../harness/tensor/backend';
import { caseInvariant } from '../../harness/testing/invariant';
import { generateCsbm, randomSplit } from '../../impl/graph/index';
import { StopController, clampHead, controllerPolicy, searchController, stopRule, warmupSchedule, type ControllerOptions, type L2Options } from '../../impl/lgcn/index';

beforeAll(async () => {
  await selectBackend((process.env.PAPERPROOF_BACKEND ?? 'auto') as never);
});

/** Constructor of the controller under test. */
type ControllerFactory = (options: ControllerOptions, rng: Rng) => StopController;

const real: ControllerFactory = (options, rng) => new StopController(options, rng);

/** A controller that minimises the REINFORCE loss with the advantage's sign flipped, so it rewards costly episodes. */
class FlippedAdvantage extends StopController {
  override reinforceLoss(cost: number, baseline: number): tf.Scalar {
    return super.reinforceLoss(baseline, cost);
  }
}

/** A controller whose baseline is the last episode's cost, not the moving average. */
class LastCostBaseline extends StopController {
  override finishEpisode(cost: number): number {
    const loss = super.finishEpisode(cost);
    this.baseline = cost;
    return loss;
  }
}

const OPTIONS: ControllerOptions = { layers: 2, length: 3, learningRate: 0.05, baselineInit: 0.3, baselineRatio: 0.8 };
const PROBABILITY_TOLERANCE = 1e-4;

class Checks {
  readonly failures: string[] = [];
  runs = 0;

  expect(name: string, condition: boolean, message: string): void {
    this.runs++;
    if (!condition) this.failures.push(`${name}: ${message}`);
  }
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) < 1e-12);
}

/** Drives one run of decisions and checks what the controller records and recomputes. */
function checkDecisions(make: ControllerFactory, checks: Checks): void {
  const before = tf.memory().numTensors;
  const controller = make(OPTIONS, new Rng(21));
  const allocated = tf.memory().numTensors;
  try {
    // Eight decisions, more than T = 3 heads, alternating layers and actions.
    const losses = [1.2, 1.1, 0.9, 1.4, 0.7, 0.8, 0.5, 0.6];
    const chosen: number[] = [];
    let previous: 0 | 1 = 0;
    for (const [k, loss] of losses.entries()) {
      const layer = k % OPTIONS.layers;
      const { pStop, record } = controller.stopProbability(k, layer, loss, losses[0]!, previous);
      const head = clampHead(k, OPTIONS.length);
      checks.expect('decision record', record.head === head, `decision ${k} used head ${record.head}, expected ${head}`);
      checks.expect('decision record', record.embeddingRow === 2 * head + previous, `decision ${k} used embedding row ${record.embeddingRow}, expected ${2 * head + previous}`);
      const u = Array.from({ length: OPTIONS.layers + 1 }, (_, j) => (j === layer + 1 ? 0.1 : 0.1 * (loss - losses[0]! + 1)));
      checks.expect('decision record', sameNumbers(record.input, u), `decision ${k} input [${record.input}], expected [${u}]`);
      const action: 0 | 1 = k % 3 === 0 ? 1 : 0;
      controller.recordAction(record, action);
      chosen.push(action === 1 ? pStop : 1 - pStop);
      previous = action;
      checks.expect('tensor bookkeeping', tf.memory().numTensors === allocated, `decision ${k} left ${tf.memory().numTensors - allocated} extra tensors`);
    }
    checks.expect('decision count', controller.decisions === losses.length, `${controller.decisions} decisions recorded, expected ${losses.length}`);

    // The loss is recomputed from a zero state, which is where the run above started too.
    const cost = 1.7;
    const baseline = 0.4;
    const expected = chosen.reduce((sum, p) => sum + Math.log(p), 0) * (cost - baseline);
    const loss = controller.reinforceLoss(cost, baseline);
    const value = loss.dataSync()[0]!;
    loss.dispose();
    checks.expect('REINFORCE loss', Math.abs(value - expected) < PROBABILITY_TOLERANCE * Math.max(1, Math.abs(expected)), `loss ${value}, expected ${expected}`);

    // One episode's update: the moving baseline, the returned loss, and a step that lowers the
    // probability of the recorded actions when the cost is above the baseline.
    const newBaseline = OPTIONS.baselineRatio * OPTIONS.baselineInit + (1 - OPTIONS.baselineRatio) * cost;
    const lossBefore = controller.reinforceLoss(cost, newBaseline);
    const expectedReturn = lossBefore.dataSync()[0]!;
    lossBefore.dispose();
    const returned = controller.finishEpisode(cost);
    checks.expect('baseline', Math.abs(controller.baseline - newBaseline) < 1e-12, `baseline ${controller.baseline}, expected ${newBaseline}`);
    checks.expect('episode loss', Math.abs(returned - expectedReturn) < PROBABILITY_TOLERANCE, `finishEpisode returned ${returned}, expected ${expectedReturn}`);
    const after = controller.reinforceLoss(1, 0);
    const logProbabilityAfter = after.dataSync()[0]!;
    after.dispose();
    const logProbabilityBefore = chosen.reduce((sum, p) => sum + Math.log(p), 0);
    checks.expect('REINFORCE step', logProbabilityAfter < logProbabilityBefore, `log-probability of the costly actions went from ${logProbabilityBefore} to ${logProbabilityAfter}`);

    // A new run starts with no decisions, and an episode without decisions only moves the baseline.
    controller.reset();
    checks.expect('reset', controller.decisions === 0, `${controller.decisions} decisions after reset`);
    const baselineBefore = controller.baseline;
    const empty = controller.finishEpisode(0.5);
    checks.expect('empty episode', empty === 0, `finishEpisode without decisions returned ${empty}`);
    const movedBaseline = OPTIONS.baselineRatio * baselineBefore + (1 - OPTIONS.baselineRatio) * 0.5;
    checks.expect('empty episode', Math.abs(controller.baseline - movedBaseline) < 1e-12, `baseline ${controller.baseline}, expected ${movedBaseline}`);
    const first = controller.stopProbability(0, 0, 1, 1, 0);
    controller.reset();
    const again = controller.stopProbability(0, 0, 1, 1, 0);
    checks.expect('reset', first.pStop === again.pStop, `the first decision after reset gave ${again.pStop}, not ${first.pStop}`);
  } finally {
    controller.dispose();
  }
  checks.expect('tensor bookkeeping', tf.memory().numTensors === before, `${tf.memory().numTensors - before} tensors left after dispose`);

  for (let layers = 1; layers <= 8; layers++) {
    const c = make({ ...OPTIONS, layers }, new Rng(layers));
    checks.expect('embedding width', c.embeddingWidth === Math.max(1, 7 - layers), `${layers} layers give embedding width ${c.embeddingWidth}`);

    // Weights drawn from U(−1/√8, 1/√8), as PyTorch initialises an LSTM of 8 units, give first
    // stop probabilities from 0.34 to 0.64 for these seeds. Weights √8 or 8 times as wide
    // saturate the gates and push most of them below 0.2 or above 0.8.
    const { pStop } = c.stopProbability(0, 0, 1, 1, 0);
    checks.expect('initial scale', pStop > 0.2 && pStop < 0.8, `a fresh controller with ${layers} layers gave p_stop ${pStop} at its first decision`);
    c.dispose();
  }
}

/** The controller's parameters, read through a cast because they are private. */
interface ControllerWeights {
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D;
  embedding: tf.Tensor2D;
  headWeights: tf.Tensor3D;
  headBias: tf.Tensor2D;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * Returns p_stop of a first decision from the zero LSTM state, computed in float64 from the
 * controller's weights: gates x·K + b split into (i, f, g, o), c = σ(i)·tanh(g), h = σ(o)·tanh(c),
 * p = softmax(h·W_head + b_head).
 */
function firstStopOracle(controller: StopController, input: number[], embeddingRow: number, head: number): number {
  const weights = controller as unknown as ControllerWeights;
  const kernel = weights.kernel.arraySync();
  const bias = weights.bias.arraySync();
  const embedded = weights.embedding.arraySync()[embeddingRow]!;
  const headWeights = weights.headWeights.arraySync()[head]!;
  const headBias = weights.headBias.arraySync()[head]!;
  const hidden = bias.length / 4;
  const x = [...input, ...embedded, ...new Array<number>(hidden).fill(0)];
  const gates = bias.map((b, j) => x.reduce((sum, xi, r) => sum + xi * kernel[r]![j]!, b));
  const h = Array.from({ length: hidden }, (_, u) => {
    const c = sigmoid(gates[u]!) * Math.tanh(gates[2 * hidden + u]!);
    return sigmoid(gates[3 * hidden + u]!) * Math.tanh(c);
  });
  const logits = [0, 1].map((a) => h.reduce((sum, hu, u) => sum + hu * headWeights[u]![a]!, headBias[a]!));
  return 1 / (1 + Math.exp(logits[0]! - logits[1]!));
}

/** Checks the first decision at every head against the float64 oracle. */
function checkFirstDecisions(make: ControllerFactory, checks: Checks): void {
  const controller = make({ ...OPTIONS, length: 4 }, new Rng(13));
  try {
    for (let k = 0; k < 6; k++) {
      for (const previous of [0, 1] as const) {
        controller.reset();
        const { pStop, record } = controller.stopProbability(k, 1, 0.8, 1.3, previous);
        const expected = firstStopOracle(controller, record.input, 2 * clampHead(k, 4) + previous, clampHead(k, 4));
        checks.expect('first decision', Math.abs(pStop - expected) < PROBABILITY_TOLERANCE, `decision ${k} after action ${previous}: p_stop ${pStop}, float64 oracle ${expected}`);
      }
    }
  } finally {
    controller.dispose();
  }
}

function checkSampling(checks: Checks): void {
  const draws = new Rng(8);
  const mirror = new Rng(8);
  for (let t = 0; t < 50; t++) {
    const p = t / 49;
    const action = StopController.sample(p, draws);
    const expected = mirror.float() < p ? 1 : 0;
    checks.expect('sampling', action === expected, `sample(${p}) returned ${action}, expected ${expected}`);
  }
}

function checkWarmup(checks: Checks): void {
  for (let layers = 1; layers <= 4; layers++) {
    for (let length = layers; length <= 7; length++) {
      for (let round = 0; round < 10; round++) {
        const schedule = warmupSchedule(layers, length, round, new Rng(round));
        const increasing = schedule.every((k, i) => k >= 0 && (i === 0 || k > schedule[i - 1]!));
        checks.expect('warm-up schedule', schedule.length === layers && increasing && schedule[layers - 1] === length - 1, `L = ${layers}, T = ${length}, round ${round}: [${schedule}]`);
        if (round % 5 === 4) {
          const even = Array.from({ length: layers }, (_, l) => Math.round(((l + 1) * length) / layers) - 1);
          checks.expect('warm-up schedule', sameNumbers(schedule, even), `evenly spaced round ${round} with L = ${layers}, T = ${length}: [${schedule}], expected [${even}]`);
        }
      }
    }
  }
}

function checkPolicy(make: ControllerFactory, checks: Checks): void {
  const l2 = { decisionStep: 3, minEpochs: 2, maxEpochs: 7 } as L2Options;
  const controller = make(OPTIONS, new Rng(4));
  try {
    const threshold = 0.5;
    const policy = controllerPolicy(controller, threshold, l2);
    checks.expect('training policy', policy.describe().includes('p_stop ≥ 0.5000') && policy.describe().includes('more than 2 epochs') && policy.describe().includes('more than 7') && policy.describe().includes('every 3 epochs'), `description '${policy.describe()}'`);
    let global = 0;
    for (let layer = 0; layer < 2; layer++) {
      policy.startLayer(layer);
      for (let e = 1; e <= 20; e++) {
        global++;
        const decisionsBefore = policy.pStops.length;
        const stop = policy.afterEpoch({ layer, epochInLayer: e, globalEpoch: global, loss: 1 / global });
        if (global % l2.decisionStep !== 0) {
          checks.expect('training policy', !stop && policy.pStops.length === decisionsBefore, `decided at global epoch ${global}, not a multiple of ${l2.decisionStep}`);
          continue;
        }
        const pStop = policy.pStops[policy.pStops.length - 1]!;
        const expected = stopRule({ pStop, threshold, epochInLayer: e, minEpochs: l2.minEpochs, maxEpochs: l2.maxEpochs });
        checks.expect('training policy', stop === expected && pStop > 0 && pStop < 1, `layer ${layer}, epoch ${e}: stop ${stop} with p_stop ${pStop}, expected ${expected}`);
        if (stop) break;
      }
    }
  } finally {
    controller.dispose();
  }
}

async function checkSearch(make: ControllerFactory, checks: Checks): Promise<void> {
  const graph = generateCsbm({ nodes: 30, classes: 2, meanDegree: 4, homophily: 0.9, featureCount: 3, featureSignal: 2, seed: 2 });
  const split = randomSplit(graph.nodes, { train: 16, validation: 7, test: 7 }, 1);
  const options = { layers: 2, hidden: 3, learningRate: 0.05, batchSize: 16, dropLast: false, normalization: { kind: 'lgcn' as const }, seed: 1 };
  const l2: L2Options = { rounds: 7, warmupRounds: 1, decisionStep: 2, controllerLength: 4, minEpochs: 1, maxEpochs: 5, sampleNodes: 10, timeRatio: 0.01, controllerLearningRate: 0.05, baselineInit: 0.3, baselineRatio: 0.7 };
  const controller = make({ layers: 2, length: l2.controllerLength, learningRate: l2.controllerLearningRate, baselineInit: l2.baselineInit, baselineRatio: l2.baselineRatio }, new Rng(3));
  try {
    const outcome = await searchController(graph, split, options, l2, controller, new Rng(5));
    let baseline = l2.baselineInit;
    for (const cost of outcome.costs) baseline = l2.baselineRatio * baseline + (1 - l2.baselineRatio) * cost;
    checks.expect('search baseline', outcome.costs.length === l2.rounds && Math.abs(controller.baseline - baseline) < 1e-9, `baseline ${controller.baseline} after costs [${outcome.costs}], expected ${baseline}`);
    // Each episode makes at least one decision per layer and at most T.
    checks.expect('search decisions', controller.decisions >= options.layers && controller.decisions <= l2.controllerLength, `last episode recorded ${controller.decisions} decisions`);
    const perEpisode = outcome.stopProbabilities.length / l2.rounds;
    checks.expect('search decisions', perEpisode >= options.layers && perEpisode <= l2.controllerLength, `${outcome.stopProbabilities.length} decisions in ${l2.rounds} episodes`);
  } finally {
    controller.dispose();
  }
}

async function checkController(make: ControllerFactory): Promise<{ runs: number; failures: string[] }> {
  const checks = new Checks();
  checkDecisions(make, checks);
  checkFirstDecisions(make, checks);
  checkSampling(checks);
  checkWarmup(checks);
  checkPolicy(make, checks);
  await checkSearch(make, checks);
  return { runs: checks.runs, failures: checks.failures };
}

describe('L² controller training', () => {
  caseInvariant<ControllerFactory>({
    id: 'lgcn/controller-reinforce',
    subject: real,
    controls: [
      { name: 'REINFORCE loss with the advantage sign flipped', subject: (options, rng) => new FlippedAdvantage(options, rng) },
      { name: 'baseline set to the last cost', subject: (options, rng) => new LastCostBaseline(options, rng) },
    ],
    check: checkController,
    timeoutMs: 120_000,
  });
});
