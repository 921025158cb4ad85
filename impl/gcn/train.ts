/**
 * Full-batch GCN training: every epoch is one forward and backward pass over the whole graph,
 * with the loss averaged over the training nodes (transductive, as Kipf and Welling train it).
 */
import { Rng } from '../../harness/rng';
import { tf } from '../../harness/tensor/backend';
import { GraphValueError } from '../graph/errors';
import type { Graph } from '../graph/graph';
import { normalizeAdjacency, type Normalization } from '../graph/normalize';
import type { NodeSplit } from '../graph/split';
import { disposeOperator, prepareOperator, type AggregationMode, type SparseOperator } from './aggregate';
import { accuracy, maskedCrossEntropy } from './loss';
import { forwardTf, initWeights, tensorsToWeights, variableFrom, type GcnTensors, type GcnWeights } from './model';
import { csrBytes, profilePeakBytes, type TrainingReport } from './report';

/** Settings of {@link trainFullBatch}. */
export interface FullBatchOptions {
  layers: number;
  hidden: number;
  epochs: number;
  learningRate: number;
  /** L2 penalty on the layer weights (not the classifier). */
  weightDecay: number;
  normalization: Normalization;
  aggregation: AggregationMode;
  seed: number;
}

/** Settings of Kipf and Welling's Cora runs, on the shared architecture. */
export const FULL_BATCH_DEFAULTS: Omit<FullBatchOptions, 'seed'> = {
  layers: 2,
  hidden: 16,
  epochs: 200,
  learningRate: 0.01,
  weightDecay: 5e-4,
  normalization: { kind: 'symmetric' },
  aggregation: 'kernel',
};

/** Checks the common numeric training settings. @throws GraphValueError naming the setting */
export function checkTrainingSettings(settings: Record<string, number>): void {
  for (const [key, value] of Object.entries(settings)) {
    if (key === 'learningRate') {
      if (!(Number.isFinite(value) && value > 0)) throw new GraphValueError(`training setting learningRate = ${value} is invalid; use a finite positive number`);
    } else if (key === 'weightDecay') {
      if (!(Number.isFinite(value) && value >= 0)) throw new GraphValueError(`training setting weightDecay = ${value} is invalid; use a finite non-negative number`);
    } else {
      const minimum = key === 'epochs' ? 0 : 1;
      if (!(Number.isSafeInteger(value) && value >= minimum)) throw new GraphValueError(`training setting ${key} = ${value} is invalid; use an integer ≥ ${minimum}`);
    }
  }
}

/**
 * Trains a GCN full batch and evaluates it on the split.
 *
 * @example const report = await trainFullBatch(cora, split, { ...FULL_BATCH_DEFAULTS, seed: 1 });
 */
export async function trainFullBatch(graph: Graph, split: NodeSplit, options: FullBatchOptions): Promise<TrainingReport & { weights: GcnWeights }> {
  checkTrainingSettings({ layers: options.layers, hidden: options.hidden, epochs: options.epochs, learningRate: options.learningRate, weightDecay: options.weightDecay });
  const started = performance.now();
  const adjacency = normalizeAdjacency(graph.adjacency, options.normalization);
  const operator = prepareOperator(adjacency, options.aggregation);
  const features = tf.tensor2d(graph.features, [graph.nodes, graph.featureCount]);
  const labels = tf.tensor1d(graph.labels, 'int32');
  const maskValues = new Float32Array(graph.nodes);
  for (const v of split.train) maskValues[v] = 1;
  const mask = tf.tensor1d(maskValues);
  const rng = new Rng(options.seed);
  const initial = initWeights({ inputs: graph.featureCount, hidden: options.hidden, layers: options.layers, classes: graph.classCount }, rng);
  const variables: GcnTensors = {
    layers: initial.layers.map(variableFrom),
    classifier: variableFrom(initial.classifier),
  };
  const optimizer = tf.train.adam(options.learningRate);
  const preprocessingMillis = performance.now() - started;

  const epochMillis: number[] = [];
  let peak = 0;
  let lastLoss = Number.NaN;
  const step = () => {
    const cost = optimizer.minimize(() => fullBatchLoss(operator, features, labels, graph.classCount, mask, variables, options.weightDecay), true);
    lastLoss = cost!.dataSync()[0]!;
    cost!.dispose();
  };
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const t = performance.now();
    if (epoch === 0) peak = await profilePeakBytes(step);
    else step();
    epochMillis.push(performance.now() - t);
  }
  const trainingMillis = performance.now() - started;

  const logits = tf.tidy(() => forwardTf(operator, features, variables));
  const values = logits.dataSync() as Float32Array;
  const result = {
    method: 'full-batch GCN',
    epochs: options.epochs,
    epochMillis,
    trainingMillis,
    preprocessingMillis,
    peakTrainingBytes: peak + (operator.mode === 'kernel' ? 2 * csrBytes(adjacency) : 0),
    accuracy: { train: accuracy(values, graph.classCount, graph.labels, split.train), validation: accuracy(values, graph.classCount, graph.labels, split.validation), test: accuracy(values, graph.classCount, graph.labels, split.test) },
    finalLoss: lastLoss,
    notes: [],
    weights: tensorsToWeights(variables),
  };
  tf.dispose([logits, features, labels, mask, ...variables.layers, variables.classifier]);
  optimizer.dispose();
  disposeOperator(operator);
  return result;
}

/**
 * Returns the training loss of one full-batch step: masked cross-entropy plus the L2 penalty
 * `weightDecay · Σ_l ‖W^(l)‖² / 2` on the layer weights.
 */
export function fullBatchLoss(operator: SparseOperator, features: tf.Tensor2D, labels: tf.Tensor1D, classes: number, mask: tf.Tensor1D | null, weights: GcnTensors, weightDecay: number): tf.Scalar {
  return tf.tidy(() => {
    const logits = forwardTf(operator, features, weights);
    let loss = maskedCrossEntropy(logits, labels, classes, mask);
    if (weightDecay > 0) for (const w of weights.layers) loss = tf.add(loss, tf.mul(weightDecay / 2, tf.sum(tf.square(w))));
    return loss as tf.Scalar;
  });
}
