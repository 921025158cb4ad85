/**
 * Whole training runs of full-batch GCN, L-GCN and L²-GCN, and single L-GCN layers, on a small
 * generated graph. The loss of the first step equals a float64 oracle at the initial weights, and
 * the reported accuracy is the accuracy of the returned weights. Epochs, timings and memory
 * figures are consistent, and no tensor is leaked.
 */
import { beforeAll, describe } from 'vitest';
import { Rng } from '../../harness/rng';
import { selectBackend, tf } from '../../harness/tensor/backend';
import { caseInvariant } from '../../harness/testing/invariant';
import { generateCsbm, inducedSubgraph, matmul, normalizeAdjacency, randomSplit, spmm, type DenseMatrix, type Graph, type Normalization } from '../../impl/graph/index';
import { accuracy, csrBytes, forwardOracle, forwardTf, glorot, initWeights, prepareOperator, disposeOperator, relu, trainFullBatch, weightsToTensors, forwardLayerwise, type GcnWeights, type TrainingReport } from '../../impl/gcn/index';
import { fixedEpochs, trainL2gcn, trainLayer, trainLgcn, type EpochInfo, type L2Options, type LgcnOptions } from '../../impl/lgcn/index';
import { crossEntropyOracle } from './_graphs';

beforeAll(async () => {
  await selectBackend((process.env.PAPERPROOF_BACKEND ?? 'auto') as never);
});

/** The trainers under test, replaceable one at a time by a negative control. */
interface Trainers {
  layer: typeof trainLayer;
  fullBatch: typeof trainFullBatch;
  lgcn: typeof trainLgcn;
  l2gcn: typeof trainL2gcn;
}

const real: Trainers = { layer: trainLayer, fullBatch: trainFullBatch, lgcn: trainLgcn, l2gcn: trainL2gcn };

/** Two well separated classes with homophilous edges: training reaches high accuracy in a few dozen epochs. */
const graph: Graph = generateCsbm({ nodes: 40, classes: 2, meanDegree: 4, homophily: 0.9, featureCount: 4, featureSignal: 2, seed: 5 });
const split = randomSplit(graph.nodes, { train: 20, validation: 10, test: 10 }, 9);

const LOSS_TOLERANCE = 1e-4;

/** Mean cross-entropy of `ReLU(F W) Θ` over every row of `aggregated`, in float64. */
function layerLossOracle(aggregated: DenseMatrix, weight: DenseMatrix, classifier: DenseMatrix, labels: Int32Array): number {
  const logits = matmul(relu(matmul(aggregated, weight)), classifier);
  return crossEntropyOracle(logits, labels, Array.from(labels, (_, r) => r));
}

function featureMatrix(nodes: ArrayLike<number>): DenseMatrix {
  const data = new Float64Array(nodes.length * graph.featureCount);
  for (let r = 0; r < nodes.length; r++) {
    for (let k = 0; k < graph.featureCount; k++) data[r * graph.featureCount + k] = graph.features[nodes[r]! * graph.featureCount + k]!;
  }
  return { rows: nodes.length, cols: graph.featureCount, data };
}

/** Accuracy of `weights` on each part of the split, through the same TensorFlow.js forward pass as full-batch training. */
function fullBatchAccuracy(weights: GcnWeights, normalization: Normalization): TrainingReport['accuracy'] {
  const operator = prepareOperator(normalizeAdjacency(graph.adjacency, normalization));
  const tensors = weightsToTensors(weights);
  const logits = tf.tidy(() => forwardTf(operator, tf.tensor2d(graph.features, [graph.nodes, graph.featureCount]), tensors).dataSync() as Float32Array);
  tf.dispose([...tensors.layers, tensors.classifier]);
  disposeOperator(operator);
  const score = (nodes: Int32Array) => accuracy(logits, graph.classCount, graph.labels, nodes);
  return { train: score(split.train), validation: score(split.validation), test: score(split.test) };
}

/** Accuracy of `weights` through the layer-wise forward pass that L-GCN predicts with. */
function layerwiseAccuracy(weights: GcnWeights, normalization: Normalization): TrainingReport['accuracy'] {
  const logits = forwardLayerwise(normalizeAdjacency(graph.adjacency, normalization), graph.features, graph.featureCount, weights);
  const score = (nodes: Int32Array) => accuracy(logits, graph.classCount, graph.labels, nodes);
  return { train: score(split.train), validation: score(split.validation), test: score(split.test) };
}

/** Collects failures of one run, each prefixed with the run's name. */
class RunChecks {
  readonly failures: string[] = [];
  runs = 0;

  expect(run: string, condition: boolean, message: string): void {
    this.runs++;
    if (!condition) this.failures.push(`${run}: ${message}`);
  }

  /** Checks epochs, timings against the wall time measured around the call, and the accuracies. */
  report(run: string, report: TrainingReport, wallMillis: number, epochs: number, expectedAccuracy: TrainingReport['accuracy']): void {
    this.expect(run, report.epochs === epochs, `reports ${report.epochs} epochs, expected ${epochs}`);
    this.expect(run, report.epochMillis.length === epochs, `has ${report.epochMillis.length} epoch times for ${epochs} epochs`);
    const epochSum = report.epochMillis.reduce((a, b) => a + b, 0);
    this.expect(run, report.epochMillis.every((t) => t >= 0) && epochSum <= report.trainingMillis, `epoch times ${report.epochMillis.join(', ')} do not fit in ${report.trainingMillis} ms of training`);
    this.expect(run, report.preprocessingMillis >= 0 && report.preprocessingMillis <= report.trainingMillis, `preprocessing took ${report.preprocessingMillis} ms of ${report.trainingMillis} ms`);
    this.expect(run, report.trainingMillis >= 0 && report.trainingMillis <= wallMillis, `training took ${report.trainingMillis} ms but the call took ${wallMillis} ms`);
    this.expect(run, JSON.stringify(report.accuracy) === JSON.stringify(expectedAccuracy), `accuracy ${JSON.stringify(report.accuracy)}, but its weights score ${JSON.stringify(expectedAccuracy)}`);
  }

  close(run: string, actual: number, expected: number): void {
    this.expect(run, Math.abs(actual - expected) <= LOSS_TOLERANCE * Math.max(1, Math.abs(expected)), `loss ${actual}, expected ${expected}`);
  }
}

async function timed<T>(call: () => Promise<T>): Promise<{ value: T; wallMillis: number }> {
  const started = performance.now();
  const value = await call();
  return { value, wallMillis: performance.now() - started };
}

async function checkLayer(t: Trainers, checks: RunChecks): Promise<void> {
  const rows = 20;
  const width = 3;
  const source = new Rng(17);
  const aggregated = Float32Array.from({ length: rows * width }, () => 2 * source.float() - 1);
  const labels = Int32Array.from({ length: rows }, (_, r) => r % 2);

  // Steps per epoch: 3 full batches of 6 with dropLast, 4 without it, and 1 when one batch contains every row.
  for (const [batchSize, dropLast, perEpoch] of [[6, true, 3], [6, false, 4], [20, true, 1], [64, true, 1]] as const) {
    const run = `layer, batch ${batchSize}${dropLast ? ', drop last' : ''}`;
    const seen: EpochInfo[] = [];
    const stopAfterTwo = { startLayer: () => {}, describe: () => 'two epochs', afterEpoch: (info: EpochInfo) => seen.push(info) >= 2 };
    const rng = new Rng(23);
    const outcome = await t.layer({ aggregated, width, labels, classes: 2, hidden: 4, learningRate: 0.05, batchSize, dropLast, layer: 1, globalEpochStart: 7, policy: stopAfterTwo, rng, profile: batchSize === 64 });
    checks.expect(run, outcome.epochs === 2 && outcome.epochMillis.length === 2 && outcome.steps === 2 * perEpoch, `${outcome.epochs} epochs and ${outcome.steps} steps, expected 2 and ${2 * perEpoch}`);
    checks.expect(run, JSON.stringify(seen.map((i) => [i.layer, i.epochInLayer, i.globalEpoch])) === '[[1,1,8],[1,2,9]]', `the policy saw ${JSON.stringify(seen)}`);
    checks.expect(run, seen.every((i) => i.loss > 0 && Number.isFinite(i.loss)) && outcome.lastLoss === seen[1]!.loss, `losses ${seen.map((i) => i.loss).join(', ')}, last ${outcome.lastLoss}`);
    checks.expect(run, (outcome.peakBytes > 0) === (batchSize === 64), `peak ${outcome.peakBytes} bytes with profiling ${batchSize === 64 ? 'on' : 'off'}`);

    // The next layer's input is ReLU(F W) with the returned weight.
    const expectedNext = relu(matmul({ rows, cols: width, data: Float64Array.from(aggregated) }, outcome.weight)).data;
    checks.expect(run, outcome.next.length === expectedNext.length && outcome.next.every((v, k) => Math.abs(v - expectedNext[k]!) < 1e-5), 'next-layer rows differ from ReLU(F W)');
    checks.expect(run, outcome.classifier.rows === 4 && outcome.classifier.cols === 2, `classifier is ${outcome.classifier.rows}×${outcome.classifier.cols}`);

    // Full-batch steps draw nothing after the initial weights; mini-batches shuffle with the same generator.
    const mirror = new Rng(23);
    glorot(width, 4, mirror);
    glorot(4, 2, mirror);
    const untouched = rng.float() === mirror.float();
    checks.expect(run, untouched === (perEpoch === 1), `the generator was ${untouched ? 'not ' : ''}advanced by the epochs`);
  }
}

async function checkFullBatch(t: Trainers, checks: RunChecks): Promise<void> {
  const base = { layers: 2, hidden: 4, learningRate: 0.05, weightDecay: 0, normalization: { kind: 'symmetric' } as const, aggregation: 'kernel' as const, seed: 3 };
  const adjacency = normalizeAdjacency(graph.adjacency, base.normalization);
  const initial = initWeights({ inputs: graph.featureCount, hidden: base.hidden, layers: base.layers, classes: graph.classCount }, new Rng(base.seed));

  // No epochs: the weights are the initial ones and only the adjacency counts as training memory.
  const untrained = await timed(() => t.fullBatch(graph, split, { ...base, epochs: 0 }));
  checks.report('full batch, 0 epochs', untrained.value, untrained.wallMillis, 0, fullBatchAccuracy(initial, base.normalization));
  checks.expect('full batch, 0 epochs', untrained.value.peakTrainingBytes === 2 * csrBytes(adjacency), `peak ${untrained.value.peakTrainingBytes} bytes, expected twice the adjacency's ${csrBytes(adjacency)}`);
  checks.expect('full batch, 0 epochs', untrained.value.method === 'full-batch GCN' && untrained.value.notes.length === 0, `method '${untrained.value.method}', notes ${JSON.stringify(untrained.value.notes)}`);
  const segment = await t.fullBatch(graph, split, { ...base, epochs: 0, aggregation: 'segment' });
  checks.expect('full batch, segment route, 0 epochs', segment.peakTrainingBytes === 0, `peak ${segment.peakTrainingBytes} bytes; the segment route keeps no host copy of the adjacency`);

  // One epoch: the reported loss is the loss at the initial weights, weight decay on the layer weights only.
  const decay = 0.05;
  const one = await timed(() => t.fullBatch(graph, split, { ...base, epochs: 1, weightDecay: decay }));
  const logits = forwardOracle(adjacency, featureMatrix(Array.from({ length: graph.nodes }, (_, v) => v)), initial).logits;
  const penalty = (decay / 2) * initial.layers.reduce((sum, w) => sum + Array.from(w.data).reduce((s, x) => s + x * x, 0), 0);
  checks.close('full batch, 1 epoch', one.value.finalLoss, crossEntropyOracle(logits, graph.labels, split.train) + penalty);
  checks.report('full batch, 1 epoch', one.value, one.wallMillis, 1, fullBatchAccuracy(one.value.weights, base.normalization));
  checks.expect('full batch, 1 epoch', one.value.peakTrainingBytes > 2 * csrBytes(adjacency), `peak ${one.value.peakTrainingBytes} bytes is no more than the adjacency`);

  const trained = await timed(() => t.fullBatch(graph, split, { ...base, epochs: 40 }));
  checks.report('full batch, 40 epochs', trained.value, trained.wallMillis, 40, fullBatchAccuracy(trained.value.weights, base.normalization));
  checks.expect('full batch, 40 epochs', trained.value.accuracy.train >= 0.9, `train accuracy ${trained.value.accuracy.train} on two separable classes`);
}

async function checkLgcn(t: Trainers, checks: RunChecks): Promise<void> {
  const base: LgcnOptions = { layers: 1, hidden: 4, learningRate: 0.05, batchSize: 64, dropLast: false, normalization: { kind: 'lgcn' }, seed: 4 };
  const trainAdjacency = normalizeAdjacency(inducedSubgraph(graph.adjacency, split.train), base.normalization);
  const aggregated = spmm(trainAdjacency, featureMatrix(split.train));
  const labels = Int32Array.from(split.train, (v) => graph.labels[v]!);
  const rng = new Rng(base.seed);
  const weight = glorot(graph.featureCount, base.hidden, rng);
  const classifier = glorot(base.hidden, graph.classCount, rng);
  const initialLoss = layerLossOracle(aggregated, weight, classifier, labels);

  // One full-batch epoch, and one epoch of four equal batches at a negligible learning rate:
  // both report the loss at the initial weights on the training subgraph's aggregation.
  const whole = await timed(() => t.lgcn(graph, split, base, fixedEpochs(1)));
  checks.close('L-GCN, full batch, 1 epoch', whole.value.finalLoss, initialLoss);
  checks.report('L-GCN, full batch, 1 epoch', whole.value, whole.wallMillis, 1, layerwiseAccuracy(whole.value.weights, base.normalization));
  checks.expect('L-GCN, full batch, 1 epoch', whole.value.peakTrainingBytes > 0, `peak ${whole.value.peakTrainingBytes} bytes; the first epoch of each layer is profiled`);
  const batched = await t.lgcn(graph, split, { ...base, batchSize: 5, dropLast: true, learningRate: 1e-9 }, fixedEpochs(1));
  checks.close('L-GCN, 4 batches, 1 epoch', batched.finalLoss, initialLoss);

  const layered = await timed(() => t.lgcn(graph, split, { ...base, layers: 2, batchSize: 8, dropLast: true }, fixedEpochs([3, 5])));
  checks.report('L-GCN, 2 layers', layered.value, layered.wallMillis, 8, layerwiseAccuracy(layered.value.weights, base.normalization));
  checks.expect('L-GCN, 2 layers', JSON.stringify(layered.value.epochsPerLayer) === '[3,5]', `epochs per layer ${JSON.stringify(layered.value.epochsPerLayer)}, expected [3,5]`);
  checks.expect('L-GCN, 2 layers', layered.value.weights.layers.length === 2 && layered.value.weights.layers[1]!.rows === base.hidden, 'does not return one hidden×hidden weight per later layer');
  checks.expect('L-GCN, 2 layers', layered.value.peakTrainingBytes > 0, `peak ${layered.value.peakTrainingBytes} bytes`);
  checks.expect('L-GCN, 2 layers', layered.value.method === 'L-GCN', `method '${layered.value.method}'`);
  const notes = layered.value.notes.join('\n');
  checks.expect('L-GCN, 2 layers', notes.includes('stop policy: fixed 3/5 epochs per layer') && /aggregation on the host took \d+ ms in total/.test(notes), `notes ${JSON.stringify(layered.value.notes)}`);

  const trained = await t.lgcn(graph, split, { ...base, layers: 2 }, fixedEpochs(40));
  checks.expect('L-GCN, 40 epochs per layer', trained.accuracy.train >= 0.9, `train accuracy ${trained.accuracy.train} on two separable classes`);
}

async function checkL2gcn(t: Trainers, checks: RunChecks): Promise<void> {
  const options: LgcnOptions = { layers: 2, hidden: 4, learningRate: 0.05, batchSize: 64, dropLast: false, normalization: { kind: 'lgcn' }, seed: 6 };
  const l2: L2Options = { rounds: 7, warmupRounds: 1, decisionStep: 2, controllerLength: 4, minEpochs: 2, maxEpochs: 6, sampleNodes: 12, timeRatio: 1, controllerLearningRate: 0.05, baselineInit: 0.3, baselineRatio: 0.9 };
  const run = 'L²-GCN';
  const { value: report, wallMillis } = await timed(() => t.l2gcn(graph, split, options, l2));
  const epochs = report.epochsPerLayer.reduce((a, b) => a + b, 0);
  checks.report(run, report, wallMillis, epochs, layerwiseAccuracy(report.weights, options.normalization));
  checks.expect(run, report.method === 'L²-GCN', `method '${report.method}'`);
  checks.expect(run, report.epochsPerLayer.length === options.layers, `epochs per layer ${JSON.stringify(report.epochsPerLayer)}`);

  // Layers stop at decision epochs, after more than minEpochs and at most maxEpochs + decisionStep.
  let global = 0;
  for (const e of report.epochsPerLayer) {
    global += e;
    checks.expect(run, e > l2.minEpochs && e <= l2.maxEpochs + l2.decisionStep, `a layer trained ${e} epochs, outside (${l2.minEpochs}, ${l2.maxEpochs + l2.decisionStep}]`);
    checks.expect(run, global % l2.decisionStep === 0, `a layer stopped at global epoch ${global}, not a decision epoch`);
  }

  const { search } = report;
  checks.expect(run, search.episodes === l2.rounds && search.costs.length === l2.rounds, `search ran ${search.episodes} episodes with ${search.costs.length} costs, expected ${l2.rounds}`);
  checks.expect(run, search.stopProbabilities.length > 0 && search.stopProbabilities.every((p) => p > 0 && p < 1), `stop probabilities ${search.stopProbabilities.join(', ')}`);
  const mean = search.stopProbabilities.reduce((a, b) => a + b, 0) / search.stopProbabilities.length;
  checks.expect(run, Math.abs(search.threshold - mean) < 1e-12, `threshold ${search.threshold}, mean stop probability ${mean}`);
  checks.expect(run, search.millis >= 0 && search.millis <= wallMillis, `search took ${search.millis} ms of ${wallMillis} ms`);

  // Warm-up episodes use all T decisions with one full-batch step per epoch, so their cost is
  // the final loss (between 0 and ln 2 plus a margin on two classes) plus timeRatio · T · decisionStep.
  const warmupSteps = l2.controllerLength * l2.decisionStep;
  for (const [round, cost] of search.costs.entries()) {
    if (round < 5 * l2.warmupRounds) checks.expect(run, cost > warmupSteps && cost < warmupSteps + 2, `warm-up episode ${round} cost ${cost}, expected ${warmupSteps} plus a loss`);
    else checks.expect(run, cost > l2.decisionStep * options.layers && cost < warmupSteps + 2, `episode ${round} cost ${cost}`);
  }
  checks.expect(run, report.notes.some((note) => note.startsWith(`controller search: ${l2.rounds} episodes in `) && note.includes(`threshold ${search.threshold.toFixed(4)}`)), `notes ${JSON.stringify(report.notes)}`);
}

async function checkTrainers(t: Trainers): Promise<{ runs: number; failures: string[] }> {
  const checks = new RunChecks();
  const before = tf.memory().numTensors;
  await checkLayer(t, checks);
  await checkFullBatch(t, checks);
  await checkLgcn(t, checks);
  await checkL2gcn(t, checks);
  const leaked = tf.memory().numTensors - before;
  checks.expect('all runs', leaked === 0, `${leaked} tensors left allocated after training`);
  return { runs: checks.runs, failures: checks.failures };
}

describe('GCN training runs', () => {
  caseInvariant<Trainers>({
    id: 'lgcn/training-runs',
    subject: real,
    controls: [
      {
        name: 'full-batch loss over every node instead of the training nodes',
        subject: { ...real, fullBatch: (g, s, o) => trainFullBatch(g, { ...s, train: Int32Array.from({ length: g.nodes }, (_, v) => v) }, o) },
      },
      {
        name: 'L-GCN that aggregates with the symmetric normalisation',
        subject: { ...real, lgcn: (g, s, o, p) => trainLgcn(g, s, { ...o, normalization: { kind: 'symmetric' } }, p) },
      },
    ],
    check: checkTrainers,
    timeoutMs: 120_000,
  });
});
