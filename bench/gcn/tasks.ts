/**
 * Speed-suite tasks of the GCN methods: one training epoch per call, state prepared outside the
 * timed function.
 */
import type { RunContext } from '../../harness/runner';
import { Rng } from '../../harness/rng';
import { tf } from '../../harness/tensor/backend';
import { inducedSubgraph, normalizeAdjacency, proportionalSizes, randomSplit, spmmFloat32, type CsrMatrix, type Graph } from '../../impl/graph/index';
import { FULL_BATCH_DEFAULTS, fullBatchLoss, gatherRows, glorot, initWeights, prepareOperator, variableFrom, type GcnTensors } from '../../impl/gcn/index';
import { LGCN_CORA, batchCount } from '../../impl/lgcn/index';
import { CLUSTER_GCN_DEFAULTS, batchNormalization, buildBatch, clusterMembers, epochGroups, partitionGraph } from '../../impl/clustergcn/index';
import { comparisonGraph } from './comparisons';
import { loadGraph } from './runs';

/** Returns the comparison graph with its description, loaded once per call. */
export function benchmarkGraph(context: RunContext): { graph: Graph; data: string } {
  const { source, data } = comparisonGraph(context);
  return { graph: loadGraph(source), data };
}

function variables(graph: Graph, seed: number): GcnTensors {
  const w = initWeights({ inputs: graph.featureCount, hidden: FULL_BATCH_DEFAULTS.hidden, layers: FULL_BATCH_DEFAULTS.layers, classes: graph.classCount }, new Rng(seed));
  return { layers: w.layers.map(variableFrom), classifier: variableFrom(w.classifier) };
}

/** Returns a function running one full-batch epoch on `adjacency` (raw) with the given mask. */
export function fullBatchEpoch(adjacency: CsrMatrix, features: Float32Array, featureCount: number, labels: Int32Array, classes: number, mask: Float32Array | null, seed: number): () => void {
  const operator = prepareOperator(normalizeAdjacency(adjacency, FULL_BATCH_DEFAULTS.normalization));
  const x = tf.tensor2d(features, [adjacency.rows, featureCount]);
  const y = tf.tensor1d(labels, 'int32');
  const m = mask === null ? null : tf.tensor1d(mask);
  const weights = variables({ featureCount, classCount: classes } as Graph, seed);
  const optimizer = tf.train.adam(FULL_BATCH_DEFAULTS.learningRate);
  return () => {
    const cost = optimizer.minimize(() => fullBatchLoss(operator, x, y, classes, m, weights, FULL_BATCH_DEFAULTS.weightDecay), true);
    cost!.dataSync();
    cost!.dispose();
  };
}

/** Returns a function running one L-GCN epoch of the first layer (Cora settings). */
export function layerwiseEpoch(graph: Graph, train: Int32Array, seed: number): () => void {
  const adjacency = normalizeAdjacency(inducedSubgraph(graph.adjacency, train), LGCN_CORA.normalization);
  const aggregated = spmmFloat32(adjacency, gatherRows(graph.features, graph.featureCount, train), graph.featureCount);
  const labels = Int32Array.from(train, (v) => graph.labels[v]!);
  const rng = new Rng(seed);
  const weight = variableFrom(glorot(graph.featureCount, LGCN_CORA.hidden, rng));
  const classifier = variableFrom(glorot(LGCN_CORA.hidden, graph.classCount, rng));
  const optimizer = tf.train.adam(LGCN_CORA.learningRate);
  const order = Array.from(train, (_, r) => r);
  const batches = batchCount(train.length, LGCN_CORA.batchSize, LGCN_CORA.dropLast);
  return () => {
    rng.shuffle(order);
    for (let b = 0; b < batches; b++) {
      const rows = order.slice(b * LGCN_CORA.batchSize, (b + 1) * LGCN_CORA.batchSize);
      const x = tf.tensor2d(gatherRows(aggregated, graph.featureCount, rows), [rows.length, graph.featureCount]);
      const y = tf.tensor1d(Int32Array.from(rows, (r) => labels[r]!), 'int32');
      const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(tf.oneHot(y, graph.classCount), tf.matMul(tf.relu(tf.matMul(x, weight)), classifier)) as tf.Scalar, true, [weight, classifier]);
      cost!.dataSync();
      tf.dispose([x, y, cost!]);
    }
  };
}

/** Returns a function running one Cluster-GCN epoch on the training graph. */
export function clusterEpoch(trainAdjacency: CsrMatrix, features: Float32Array, featureCount: number, labels: Int32Array, classes: number, parts: number, q: number, seed: number): { run: () => void; partition: string } {
  const partition = partitionGraph(trainAdjacency, parts, { partitioner: 'auto', seed });
  const members = clusterMembers(partition.assignment, partition.parts);
  const weights = variables({ featureCount, classCount: classes } as Graph, seed);
  const optimizer = tf.train.adam(CLUSTER_GCN_DEFAULTS.learningRate);
  const rng = new Rng(seed);
  const run = () => {
    for (const group of epochGroups(partition.parts, q, rng)) {
      const batch = buildBatch(trainAdjacency, members, group);
      if (batch.nodes.length === 0) continue;
      const operator = prepareOperator(normalizeAdjacency(batch.adjacency, batchNormalization(CLUSTER_GCN_DEFAULTS.lambda)));
      const x = tf.tensor2d(gatherRows(features, featureCount, batch.nodes), [batch.nodes.length, featureCount]);
      const y = tf.tensor1d(Int32Array.from(batch.nodes, (v) => labels[v]!), 'int32');
      const cost = optimizer.minimize(() => fullBatchLoss(operator, x, y, classes, null, weights, 0), true);
      cost!.dataSync();
      tf.dispose([x, y, cost!]);
    }
  };
  return { run, partition: `${partition.method}, edge cut ${partition.edgeCut}, balance ${partition.balance.toFixed(3)}` };
}

/** Returns the split the speed suites use. */
export function benchmarkSplit(graph: Graph, seed: number) {
  return randomSplit(graph.nodes, proportionalSizes(graph.nodes), seed);
}
