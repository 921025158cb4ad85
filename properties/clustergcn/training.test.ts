/**
 * A Cluster-GCN training run and its report on a 14-node graph. The learning rate is so small that
 * the weights barely move, so the loss of the last epoch can be recomputed from the returned
 * weights, and the batches of every epoch from the same seeded random source.
 */
import { beforeAll, describe } from 'vitest';
import { Rng } from '../../harness/rng';
import { selectBackend, tf } from '../../harness/tensor/backend';
import { caseInvariant } from '../../harness/testing/invariant';
import { GraphValueError } from '../../impl/graph/errors';
import { csrFromCoo, inducedSubgraph, normalizeAdjacency, symmetrize, type Graph, type NodeSplit } from '../../impl/graph/index';
import { accuracy, csrBytes, forwardLayerwise, initWeights, weightsToTensors, type AggregationMode } from '../../impl/gcn/index';
import { CLUSTER_GCN_DEFAULTS, batchNormalization, buildBatch, clusterBatchLoss, clusterMembers, epochGroups, hasGpmetis, trainClusterGcn, type ClusterGcnOptions } from '../../impl/clustergcn/index';

beforeAll(async () => {
  await selectBackend((process.env.PAPERPROOF_BACKEND ?? 'auto') as never);
});

type Train = typeof trainClusterGcn;

/** Two rings of seven nodes joined by two links. Each node's label is its ring. */
function smallGraph(): Graph {
  const n = 14;
  const edges: [number, number][] = [[0, 7], [3, 10]];
  for (let v = 0; v < 7; v++) edges.push([v, (v + 1) % 7], [7 + v, 7 + ((v + 1) % 7)]);
  const rng = new Rng(5);
  return {
    name: 'generated: two rings',
    nodes: n,
    adjacency: symmetrize(csrFromCoo(n, n, edges.map((e) => e[0]), edges.map((e) => e[1]))),
    features: Float32Array.from({ length: n * 3 }, () => rng.float() * 2 - 1),
    featureCount: 3,
    labels: Int32Array.from({ length: n }, (_, v) => (v < 7 ? 0 : 1)),
    classCount: 2,
  } as Graph;
}

const SPLIT: NodeSplit = {
  train: Int32Array.from([0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12]),
  validation: Int32Array.from([6]),
  test: Int32Array.from([13]),
  description: 'fixed: 12 train, 1 validation, 1 test',
};

/** Training nodes with no link among them, so the training graph has no edges. */
const EDGELESS_SPLIT: NodeSplit = {
  train: Int32Array.from([1, 3, 5, 8, 11, 13]),
  validation: Int32Array.from([0, 2, 4]),
  test: Int32Array.from([6, 7, 9]),
  description: 'fixed: 6 train nodes without links among them',
};

/** Reports only one epoch's worth of steps, as a loop that stops after the first epoch would. */
const stepsOfOneEpoch: Train = async (graph, split, options) => {
  const report = await trainClusterGcn(graph, split, options);
  return { ...report, notes: report.notes.map((note) => note.replace(/, (\d+) steps in total/, (_, steps) => `, ${Number(steps) / Math.max(1, options.epochs)} steps in total`)) };
};

/** Reports the sum of the last epoch's batch losses instead of their mean. */
const summedLoss: Train = async (graph, split, options) => {
  const report = await trainClusterGcn(graph, split, options);
  return { ...report, finalLoss: report.finalLoss * Math.ceil(options.parts / options.clustersPerBatch) };
};

/** Settings of one run: small networks, and the defaults (auto partitioner, kernel aggregation) in the last. */
function run(parts: number, q: number, epochs: number, aggregation: AggregationMode, seed: number): ClusterGcnOptions {
  return { parts, clustersPerBatch: q, layers: 2, hidden: 4, epochs, learningRate: 1e-9, lambda: 1, partitioner: 'louvain', aggregation, seed };
}

/** The run with the defaults, whose partitioner must be auto. */
const DEFAULTS_RUN: ClusterGcnOptions = { ...CLUSTER_GCN_DEFAULTS, parts: 3, clustersPerBatch: 2, seed: 7, epochs: 1, learningRate: 1e-9 };

const CASES: ClusterGcnOptions[] = [
  run(4, 1, 2, 'kernel', 3),
  run(4, 3, 3, 'segment', 11),
  run(3, 3, 1, 'kernel', 29),
  // Twelve clusters of at most two nodes for twelve nodes: some clusters, so some batches of q = 1, are empty.
  run(12, 1, 1, 'kernel', 5),
  DEFAULTS_RUN,
];

/** The run on EDGELESS_SPLIT, whose training graph has no edges. */
const EDGELESS_RUN: ClusterGcnOptions = run(3, 2, 1, 'kernel', 13);
CASES.push(EDGELESS_RUN);

async function checkTraining(train: Train) {
  const failures: string[] = [];
  let runs = 0;
  const graph = smallGraph();

  for (const options of CASES) {
    runs++;
    const { parts, clustersPerBatch: q, epochs, aggregation, seed, partitioner } = options;
    const label = `c=${parts}, q=${q}, ${epochs} epochs, ${partitioner}, ${aggregation}, seed ${seed}`;
    const fail = (problem: string) => failures.push(`${label}: ${problem}`);
    const split = options === EDGELESS_RUN ? EDGELESS_SPLIT : SPLIT;
    const trainAdjacency = inducedSubgraph(graph.adjacency, split.train);
    const trainEdges = trainAdjacency.indptr[trainAdjacency.rows]! / 2;
    const features = Float32Array.from(Array.from(split.train).flatMap((v) => Array.from(graph.features.subarray(v * 3, v * 3 + 3))));
    const labels = Int32Array.from(split.train, (v) => graph.labels[v]!);

    const tensorsBefore = tf.memory().numTensors;
    const started = performance.now();
    const report = await train(graph, split, options);
    const wall = performance.now() - started;
    if (tf.memory().numTensors !== tensorsBefore) fail(`${tf.memory().numTensors - tensorsBefore} tensors left allocated`);

    // Timings: one per epoch, each inside the wall time of the call.
    if (report.method !== `Cluster-GCN (c=${parts}, q=${q})`) fail(`method '${report.method}'`);
    if (report.epochs !== epochs || report.epochMillis.length !== epochs) fail(`epochs ${report.epochs}, ${report.epochMillis.length} epoch timings`);
    if (report.epochMillis.some((t) => !(t >= 0 && t <= wall))) fail(`epoch timings ${report.epochMillis.join(', ')} outside [0, ${wall}]`);
    if (!(report.preprocessingMillis >= 0 && report.preprocessingMillis <= report.trainingMillis && report.trainingMillis <= wall)) {
      fail(`preprocessing ${report.preprocessingMillis} ms, training ${report.trainingMillis} ms, wall ${wall} ms`);
    }

    // Replay the batch sequence: the random source first draws the initial weights, then each epoch's groups.
    const rng = new Rng(seed);
    const initial = initWeights({ inputs: 3, hidden: options.hidden, layers: options.layers, classes: 2 }, rng);
    const members = clusterMembers(report.partition.assignment, report.partition.parts);
    let steps = 0;
    let largestBatchBytes = 0;
    let lastEpoch: Int32Array[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      lastEpoch = [];
      for (const group of epochGroups(report.partition.parts, q, rng)) {
        const batch = buildBatch(trainAdjacency, members, group);
        if (batch.nodes.length === 0) continue;
        steps++;
        lastEpoch.push(batch.nodes);
        largestBatchBytes = Math.max(largestBatchBytes, 2 * csrBytes(normalizeAdjacency(batch.adjacency, batchNormalization(1))));
      }
    }
    const edgesSeen = lastEpoch.reduce((sum, nodes) => sum + inducedSubgraph(trainAdjacency, nodes).indptr[nodes.length]! / 2, 0);

    // The weights start from the seeded initial draw and, at this learning rate, stay there.
    const moved = Array.from(report.weights.classifier.data).reduce((m: number, w: number, k: number) => Math.max(m, Math.abs(w - initial.classifier.data[k]!)), 0);
    if (!(moved < 1e-4)) fail(`classifier weights moved by ${moved} from the seeded initial draw`);

    // Final loss: the mean of the last epoch's batch losses. Computing them frees every tensor.
    const tensors = weightsToTensors(report.weights);
    const tensorsBeforeLoss = tf.memory().numTensors;
    const losses = lastEpoch.map((nodes) => {
      // Not inside tf.tidy, which would also free tensors that clusterBatchLoss fails to free.
      const loss = clusterBatchLoss(trainAdjacency, nodes, features, 3, labels, 2, tensors, 1, aggregation);
      const value = loss.dataSync()[0]!;
      loss.dispose();
      return value;
    });
    if (tf.memory().numTensors !== tensorsBeforeLoss) fail(`clusterBatchLoss left ${tf.memory().numTensors - tensorsBeforeLoss} tensors allocated`);
    tf.dispose([...tensors.layers, tensors.classifier]);
    const meanLoss = losses.reduce((s, l) => s + l, 0) / losses.length;
    if (!(Math.abs(report.finalLoss - meanLoss) <= 1e-4 * (1 + meanLoss))) fail(`final loss ${report.finalLoss}, expected the mean batch loss ${meanLoss}`);

    // Accuracy of the returned weights on the full graph, normalised as in the batches.
    const logits = forwardLayerwise(normalizeAdjacency(graph.adjacency, batchNormalization(1)), graph.features, 3, report.weights);
    for (const part of ['train', 'validation', 'test'] as const) {
      const expected = accuracy(logits, 2, graph.labels, split[part]);
      if (report.accuracy[part] !== expected) fail(`${part} accuracy ${report.accuracy[part]}, expected ${expected}`);
    }

    // Memory: the profiled first epoch plus, for the kernel mode, the largest batch adjacency.
    const kernelBytes = aggregation === 'kernel' ? largestBatchBytes : 0;
    if (!(report.peakTrainingBytes > kernelBytes)) fail(`peak training bytes ${report.peakTrainingBytes}, expected more than ${kernelBytes}`);

    // The defaults use auto: METIS when gpmetis starts, else Louvain with a note saying so.
    if (options === DEFAULTS_RUN && !(hasGpmetis() ? report.partition.method.startsWith('METIS') : report.partition.notes.some((note) => note.startsWith('gpmetis is not installed')))) {
      fail(`auto partition '${report.partition.method}' with notes ${JSON.stringify(report.partition.notes)}`);
    }

    // Notes: the partition line, the partition's own notes, and the batch counts.
    const p = report.partition;
    const expectedNotes = [
      `partition: ${p.method}; edge cut ${p.edgeCut} of ${trainEdges} training-graph edges (${(100 * p.edgeCutFraction).toFixed(1)}%), balance ${p.balance.toFixed(3)}`,
      ...p.notes,
      `batches per epoch ${Math.ceil(p.parts / q)}, ${steps} steps in total; last epoch saw ${edgesSeen} of ${trainEdges} training edges (${trainEdges === 0 ? '100' : ((100 * edgesSeen) / trainEdges).toFixed(1)}%)`,
    ];
    if (JSON.stringify(report.notes) !== JSON.stringify(expectedNotes)) fail(`notes ${JSON.stringify(report.notes)}, expected ${JSON.stringify(expectedNotes)}`);
  }

  // Invalid settings are rejected before any work, with the setting, its value and the valid range.
  const invalid: [keyof ClusterGcnOptions, number, string][] = [
    ['learningRate', 0, 'use a finite positive number'],
    ['epochs', -1, 'use an integer ≥ 0'],
    ['hidden', 0, 'use an integer ≥ 1'],
    ['layers', 1.5, 'use an integer ≥ 1'],
    ['clustersPerBatch', 0, 'use an integer ≥ 1'],
  ];
  for (const [key, value, fix] of invalid) {
    runs++;
    const error = await train(graph, SPLIT, { ...run(4, 2, 1, 'kernel', 1), [key]: value }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    if (!(error instanceof GraphValueError) || !error.message.includes(`${key} = ${value}`) || !error.message.includes(fix)) {
      failures.push(`${key} = ${value}: ${error === null ? 'trained without an error' : `${error.name}: ${error.message}`}`);
    }
  }
  return { runs, failures };
}

describe('Cluster-GCN training', () => {
  caseInvariant<Train>({
    id: 'clustergcn/training-run',
    subject: trainClusterGcn,
    controls: [
      { name: 'reports the steps of one epoch only', subject: stepsOfOneEpoch },
      { name: 'sums the batch losses of the last epoch', subject: summedLoss },
    ],
    timeoutMs: 60_000,
    check: checkTraining,
  });
});
