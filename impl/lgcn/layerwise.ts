/**
 * L-GCN: layer-wise training of a GCN (You, Chen, Wang and Shen, CVPR 2020). For l = 1..L:
 *
 *   1. aggregate once, without parameters:   F^(l) = Â H^(l-1)          (Â on the training graph)
 *   2. train only the transformation:        min over W^(l), Θ^(l) of
 *        (1/|B|) Σ_{i∈B} CE(softmax(ReLU(F^(l)_i W^(l)) Θ^(l)), y_i)
 *      by mini-batch Adam over rows of F^(l) (each node is an independent sample)
 *   3. freeze W^(l) and propagate:           H^(l) = ReLU(F^(l) W^(l))
 *
 * Each layer gets fresh Glorot weights, a fresh classifier and a fresh Adam; only the last
 * classifier is kept, as `Θ`. Training is inductive: `Â` is normalised inside the subgraph
 * induced by the training nodes. Prediction is the ordinary GCN forward pass on the full graph.
 * Per step only a batch of rows and one weight matrix are tensors, so step memory does not grow
 * with the graph. `F^(l)` stays in host memory.
 */
import { Rng } from '../../harness/rng';
import { tf } from '../../harness/tensor/backend';
import { spmmFloat32, type DenseMatrix } from '../graph/csr';
import { GraphValueError } from '../graph/errors';
import { inducedSubgraph, type Graph } from '../graph/graph';
import { normalizeAdjacency, type Normalization } from '../graph/normalize';
import type { NodeSplit } from '../graph/split';
import { accuracy } from '../gcn/loss';
import { glorot, variableFrom, type GcnWeights } from '../gcn/model';
import { profilePeakBytes, type TrainingReport } from '../gcn/report';
import { checkTrainingSettings } from '../gcn/train';
import { forwardLayerwise, gatherRows, transformRows } from '../gcn/propagate';
import { fixedEpochs, type StopPolicy } from './stop';

/** Settings of {@link trainLgcn}. */
export interface LgcnOptions {
  layers: number;
  hidden: number;
  learningRate: number;
  /** Rows per Adam step. */
  batchSize: number;
  /** Drop the last incomplete batch of each epoch (the released L-GCN code does). */
  dropLast: boolean;
  normalization: Normalization;
  seed: number;
}

/** The Cora configuration of the released L²-GCN code: 2 layers, 16 hidden, lr 0.005, batch 256, 80 epochs per layer. */
export const LGCN_CORA: Omit<LgcnOptions, 'seed'> & { epochsPerLayer: number } = {
  layers: 2,
  hidden: 16,
  learningRate: 0.005,
  batchSize: 256,
  dropLast: true,
  normalization: { kind: 'lgcn' },
  epochsPerLayer: 80,
};

/** Safety cap on epochs per layer; a stop policy that never stops is a bug. */
const MAX_EPOCHS_PER_LAYER = 100_000;

/** Outcome of one layer's training. */
export interface LayerOutcome {
  weight: DenseMatrix;
  classifier: DenseMatrix;
  /** Rows of `ReLU(F W)`, the next layer's input. */
  next: Float32Array;
  epochs: number;
  epochMillis: number[];
  steps: number;
  lastLoss: number;
  peakBytes: number;
}

/** Input of {@link trainLayer}. */
export interface LayerInput {
  /** `F^(l)`, rows × width, row-major (host memory). */
  aggregated: Float32Array;
  width: number;
  /** Class of each row. */
  labels: Int32Array;
  classes: number;
  hidden: number;
  learningRate: number;
  /** Rows per step; at least the row count means full-batch steps. */
  batchSize: number;
  dropLast: boolean;
  layer: number;
  /** Epochs completed before this layer (over all earlier layers). */
  globalEpochStart: number;
  policy: StopPolicy;
  rng: Rng;
  /** Measure peak tensor bytes during the first epoch. */
  profile: boolean;
}

/**
 * Trains one layer's transformation `W` and auxiliary classifier `Θ` on fixed aggregated rows
 * until the stop policy returns true, then propagates `H = ReLU(F W)`.
 */
export async function trainLayer(input: LayerInput): Promise<LayerOutcome> {
  const rows = input.labels.length;
  if (input.aggregated.length !== rows * input.width) throw new GraphValueError(`invalid layer input: ${input.aggregated.length} values, expected rows × width = ${rows} × ${input.width}`);
  const weight = variableFrom(glorot(input.width, input.hidden, input.rng));
  const classifier = variableFrom(glorot(input.hidden, input.classes, input.rng));
  const optimizer = tf.train.adam(input.learningRate);
  const batches = batchCount(rows, input.batchSize, input.dropLast);
  const order = Array.from({ length: rows }, (_, r) => r);

  // Full-batch steps reuse one input tensor instead of copying every row at every step.
  const wholeBatch = batches === 1 && input.batchSize >= rows ? { x: tf.tensor2d(input.aggregated, [rows, input.width]), y: tf.tensor1d(input.labels, 'int32') } : null;
  const epochMillis: number[] = [];
  let steps = 0;
  let lastLoss = Number.NaN;
  let peakBytes = 0;
  input.policy.startLayer(input.layer);
  for (let epoch = 1; ; epoch++) {
    if (epoch > MAX_EPOCHS_PER_LAYER) throw new GraphValueError(`layer ${input.layer} did not stop within ${MAX_EPOCHS_PER_LAYER} epochs; the stop policy (${input.policy.describe()}) never stops`);
    const started = performance.now();
    const runEpoch = () => {
      if (wholeBatch !== null) {
        lastLoss = stepOn(wholeBatch.x, wholeBatch.y);
        steps++;
        return;
      }
      input.rng.shuffle(order);
      let sum = 0;
      for (let b = 0; b < batches; b++) {
        const batch = order.slice(b * input.batchSize, Math.min(rows, (b + 1) * input.batchSize));
        sum += step(batch);
        steps++;
      }
      lastLoss = sum / batches;
    };
    if (input.profile && epoch === 1) peakBytes = await profilePeakBytes(runEpoch);
    else runEpoch();
    epochMillis.push(performance.now() - started);
    if (input.policy.afterEpoch({ layer: input.layer, epochInLayer: epoch, globalEpoch: input.globalEpochStart + epoch, loss: lastLoss })) break;
  }

  const next = transformRows(input.aggregated, input.width, weight);
  const outcome: LayerOutcome = { weight: toDense(weight), classifier: toDense(classifier), next, epochs: epochMillis.length, epochMillis, steps, lastLoss, peakBytes };
  tf.dispose([weight, classifier]);
  if (wholeBatch !== null) tf.dispose([wholeBatch.x, wholeBatch.y]);
  optimizer.dispose();
  return outcome;

  function step(batch: number[]): number {
    const x = tf.tensor2d(gatherRows(input.aggregated, input.width, batch), [batch.length, input.width]);
    const y = tf.tensor1d(Int32Array.from(batch, (r) => input.labels[r]!), 'int32');
    const value = stepOn(x, y);
    tf.dispose([x, y]);
    return value;
  }

  function stepOn(x: tf.Tensor2D, y: tf.Tensor1D): number {
    const cost = optimizer.minimize(() => layerBatchLoss(x, y, input.classes, weight, classifier), true, [weight, classifier]);
    const value = cost!.dataSync()[0]!;
    cost!.dispose();
    return value;
  }
}

/**
 * Returns the loss of one L-GCN step on batch rows `x` of the precomputed aggregation:
 * mean cross-entropy of `softmax(ReLU(x W) Θ)`.
 */
export function layerBatchLoss(x: tf.Tensor2D, y: tf.Tensor1D, classes: number, weight: tf.Tensor2D, classifier: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(y, classes), tf.matMul(tf.relu(tf.matMul(x, weight)), classifier)) as tf.Scalar);
}

/** Number of batches per epoch; with `dropLast` a final partial batch is dropped unless it is the only one. */
export function batchCount(rows: number, batchSize: number, dropLast: boolean): number {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new GraphValueError(`batchSize must be a positive integer, got ${batchSize}`);
  if (rows === 0) throw new GraphValueError('there are no training rows; the split has an empty training set');
  const full = Math.floor(rows / batchSize);
  return dropLast && full > 0 ? full : Math.ceil(rows / batchSize);
}

/**
 * Trains a GCN with L-GCN and evaluates it with the ordinary forward pass on the full graph.
 *
 * @param policy - when each layer stops (default: `epochsPerLayer` fixed epochs)
 */
export async function trainLgcn(graph: Graph, split: NodeSplit, options: LgcnOptions, policy: StopPolicy): Promise<TrainingReport & { weights: GcnWeights; epochsPerLayer: number[] }> {
  checkTrainingSettings({ layers: options.layers, hidden: options.hidden, learningRate: options.learningRate, batchSize: options.batchSize });
  const started = performance.now();
  const rng = new Rng(options.seed);
  const trainAdjacency = normalizeAdjacency(inducedSubgraph(graph.adjacency, split.train), options.normalization);
  const labels = Int32Array.from(split.train, (v) => graph.labels[v]!);
  let h = gatherRows(graph.features, graph.featureCount, split.train);
  let width = graph.featureCount;

  const layers: DenseMatrix[] = [];
  let classifier: DenseMatrix | null = null;
  const epochMillis: number[] = [];
  const epochsPerLayer: number[] = [];
  let aggregationMillis = 0;
  let peak = 0;
  let lastLoss = Number.NaN;
  for (let layer = 0; layer < options.layers; layer++) {
    const t = performance.now();
    const aggregated = spmmFloat32(trainAdjacency, h, width);
    aggregationMillis += performance.now() - t;
    const outcome = await trainLayer({
      aggregated, width, labels, classes: graph.classCount, hidden: options.hidden, learningRate: options.learningRate, batchSize: options.batchSize,
      dropLast: options.dropLast, layer, globalEpochStart: epochMillis.length, policy, rng, profile: true,
    });
    layers.push(outcome.weight);
    classifier = outcome.classifier;
    epochMillis.push(...outcome.epochMillis);
    epochsPerLayer.push(outcome.epochs);
    peak = Math.max(peak, outcome.peakBytes);
    lastLoss = outcome.lastLoss;
    h = outcome.next;
    width = options.hidden;
  }
  const trainingMillis = performance.now() - started;

  const weights: GcnWeights = { layers, classifier: classifier! };
  const logits = forwardLayerwise(normalizeAdjacency(graph.adjacency, options.normalization), graph.features, graph.featureCount, weights);
  const score = (nodes: Int32Array) => accuracy(logits, graph.classCount, graph.labels, nodes);
  return {
    method: 'L-GCN',
    epochs: epochMillis.length,
    epochMillis,
    trainingMillis,
    preprocessingMillis: aggregationMillis,
    peakTrainingBytes: peak,
    accuracy: { train: score(split.train), validation: score(split.validation), test: score(split.test) },
    finalLoss: lastLoss,
    notes: [`stop policy: ${policy.describe()}`, `aggregation on the host took ${aggregationMillis.toFixed(0)} ms in total`],
    weights,
    epochsPerLayer,
  };
}

/** Runs L-GCN with a fixed number of epochs per layer. */
export function trainLgcnFixed(graph: Graph, split: NodeSplit, options: LgcnOptions & { epochsPerLayer: number }) {
  return trainLgcn(graph, split, options, fixedEpochs(options.epochsPerLayer));
}

function toDense(t: tf.Tensor2D): DenseMatrix {
  return { rows: t.shape[0], cols: t.shape[1], data: Float64Array.from(t.dataSync()) };
}
