/**
 * Where Cluster-GCN must agree with full-batch GCN: one cluster (or all clusters in one batch),
 * the block-diagonal forward pass, the loss decomposition over clusters, and the facts of the
 * diagonal-enhanced normalisation.
 */
import fc from 'fast-check';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { beforeAll, describe } from 'vitest';
import { compareArrays, toleranceFor } from '../../harness/numeric';
import { selectBackend, tf } from '../../harness/tensor/backend';
import { propertyInvariant } from '../../harness/testing/invariant';
import { csrFromCoo, degrees, inducedSubgraph, normalizeAdjacency, rowSums, toDense, type CsrMatrix, type DenseMatrix } from '../../impl/graph/index';
import { forwardOracle, fullBatchLoss, gatherRows, prepareOperator, disposeOperator, weightsToTensors, type GcnTensors, type GcnWeights } from '../../impl/gcn/index';
import { batchNormalization, clusterBatchLoss, clusterMembers, partitionGraph } from '../../impl/clustergcn/index';
import { crossEntropyOracle, gcnCase, smallGraph, toFloat32 } from '../lgcn/_graphs';

beforeAll(async () => {
  await selectBackend((process.env.PAPERPROOF_BACKEND ?? 'auto') as never);
});

const EPS = 1e-9;

/** Computes a batch's loss from the raw adjacency, the batch's nodes, features, labels and weights. */
type BatchLoss = (adjacency: CsrMatrix, nodes: Int32Array, features: Float32Array, featureCount: number, labels: Int32Array, classes: number, weights: GcnTensors, lambda: number) => tf.Scalar;

/** The batch loss with a custom batch normalisation, for the broken variants. */
function batchLossWith(normalize: (batch: CsrMatrix) => CsrMatrix): BatchLoss {
  return (adjacency, nodes, features, featureCount, labels, classes, weights) => {
    const operator = prepareOperator(normalize(inducedSubgraph(adjacency, nodes)));
    try {
      return tf.tidy(() => fullBatchLoss(operator, tf.tensor2d(gatherRows(features, featureCount, nodes), [nodes.length, featureCount]), tf.tensor1d(Int32Array.from(nodes, (v) => labels[v]!), 'int32'), classes, null, weights, 0));
    } finally {
      disposeOperator(operator);
    }
  };
}

/** Row-normalised A without self-loops, max(1, d_i) in the denominator. */
function withoutSelfLoops(a: CsrMatrix): CsrMatrix {
  const d = degrees(a);
  return { ...a, data: Float64Array.from(a.data, (_, k) => 1 / Math.max(1, d[rowOf(a, k)]!)) };
}

function rowOf(a: CsrMatrix, k: number): number {
  let i = 0;
  while (a.indptr[i + 1]! <= k) i++;
  return i;
}

/** Loss and gradients of a loss function of the weights, flattened. */
function lossAndGrads(loss: (w: GcnTensors) => tf.Scalar, weights: GcnWeights): number[] {
  const tensors = weightsToTensors(weights);
  const list = [...tensors.layers, tensors.classifier];
  const result = tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => loss({ layers: ws.slice(0, -1) as tf.Tensor2D[], classifier: ws[ws.length - 1] as tf.Tensor2D }))(list);
    return [...value.dataSync(), ...grads.flatMap((g) => Array.from(g.dataSync()))];
  });
  tf.dispose(list);
  return result;
}

/** The forward pass of each cluster on its own subgraph, placed back in node order (float64). */
type ClusterForward = (adjacency: CsrMatrix, members: readonly Int32Array[], features: DenseMatrix, weights: GcnWeights, lambda: number) => DenseMatrix;

const perClusterForward: ClusterForward = (adjacency, members, features, weights, lambda) => {
  const classes = weights.classifier.cols;
  const out = new Float64Array(adjacency.rows * classes);
  for (const nodes of members) {
    if (nodes.length === 0) continue;
    const local = normalizeAdjacency(inducedSubgraph(adjacency, nodes), batchNormalization(lambda));
    const x = { rows: nodes.length, cols: features.cols, data: Float64Array.from(gatherRows(Float32Array.from(features.data), features.cols, nodes)) };
    const logits = forwardOracle(local, x, weights).logits;
    nodes.forEach((v, r) => out.set(logits.data.subarray(r * classes, (r + 1) * classes), v * classes));
  }
  return { rows: adjacency.rows, cols: classes, data: out };
};

/** Normalises with the whole graph's degrees, then restricts to each cluster. */
const wholeGraphDegrees: ClusterForward = (adjacency, members, features, weights, lambda) => {
  const normalized = normalizeAdjacency(adjacency, batchNormalization(lambda));
  const classes = weights.classifier.cols;
  const out = new Float64Array(adjacency.rows * classes);
  for (const nodes of members) {
    if (nodes.length === 0) continue;
    const local = inducedSubgraph(normalized, nodes);
    const x = { rows: nodes.length, cols: features.cols, data: Float64Array.from(gatherRows(Float32Array.from(features.data), features.cols, nodes)) };
    const logits = forwardOracle(local, x, weights).logits;
    nodes.forEach((v, r) => out.set(logits.data.subarray(r * classes, (r + 1) * classes), v * classes));
  }
  return { rows: adjacency.rows, cols: classes, data: out };
};

/** The block-diagonal adjacency: links inside clusters only. */
function blockDiagonal(adjacency: CsrMatrix, assignment: Int32Array): CsrMatrix {
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < adjacency.rows; i++) {
    for (let k = adjacency.indptr[i]!; k < adjacency.indptr[i + 1]!; k++) {
      const j = adjacency.indices[k]!;
      if (assignment[i] === assignment[j]) (rows.push(i), cols.push(j));
    }
  }
  return csrFromCoo(adjacency.rows, adjacency.cols, rows, cols);
}

const clusteredCase = gcnCase({ minNodes: 2, maxNodes: 12 }).chain((c) => fc.tuple(fc.constant(c), fc.integer({ min: 1, max: Math.min(4, c.graph.n) }), fc.integer({ min: 0, max: 1000 }), fc.constantFrom(0, 0.5, 1)));

describe('Cluster-GCN equivalences', () => {
  propertyInvariant<BatchLoss>({
    id: 'clustergcn/single-cluster-equals-full-batch',
    subject: clusterBatchLoss,
    controls: [
      { name: 'batch normalised without diagonal enhancement', subject: batchLossWith((a) => normalizeAdjacency(a, { kind: 'random-walk' })) },
      { name: 'batch adjacency without self-loops', subject: batchLossWith(withoutSelfLoops) },
    ],
    numRuns: { quick: 40, full: 300 },
    property: (batchLoss) =>
      fc.property(gcnCase({ minNodes: 2, maxNodes: 10 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom(0.5, 1, 2), ({ graph, features, labels, classes, weights }, parts, lambda) => {
        const x = toFloat32(features);
        const full = (w: GcnTensors) => {
          const operator = prepareOperator(normalizeAdjacency(graph.adjacency, batchNormalization(lambda)));
          try {
            return fullBatchLoss(operator, tf.tensor2d(x, [graph.n, features.cols]), tf.tensor1d(labels, 'int32'), classes, null, w, 0);
          } finally {
            disposeOperator(operator);
          }
        };
        const expected = lossAndGrads(full, weights);
        const tolerance = toleranceFor('float32', 'float32', { reductionLength: 64 });

        // One cluster: the batch is the whole training graph.
        const all = Int32Array.from({ length: graph.n }, (_, v) => v);
        if (!compareArrays(lossAndGrads((w) => batchLoss(graph.adjacency, all, x, features.cols, labels, classes, w, lambda), weights), expected, tolerance).ok) return false;

        // All clusters in one batch (q = c): the union of the clusters is the whole graph again.
        const members = clusterMembers(partitionGraph(graph.adjacency, Math.min(parts, graph.n), { partitioner: 'louvain', seed: 1 }).assignment, Math.min(parts, graph.n));
        const union = Int32Array.from(members.flatMap((m) => Array.from(m))).sort();
        return compareArrays(lossAndGrads((w) => batchLoss(graph.adjacency, union, x, features.cols, labels, classes, w, lambda), weights), expected, tolerance).ok;
      }),
  });

  propertyInvariant<ClusterForward>({
    id: 'clustergcn/block-decomposition',
    subject: perClusterForward,
    controls: [{ name: 'per-cluster forward normalised with whole-graph degrees', subject: wholeGraphDegrees }],
    numRuns: { quick: 60, full: 500 },
    property: (forward) =>
      fc.property(clusteredCase, ([{ graph, features, weights }, parts, seed, lambda]) => {
        const { assignment } = partitionGraph(graph.adjacency, parts, { partitioner: 'louvain', seed });
        const expected = forwardOracle(normalizeAdjacency(blockDiagonal(graph.adjacency, assignment), batchNormalization(lambda)), features, weights).logits;
        const actual = forward(graph.adjacency, clusterMembers(assignment, parts), features, weights, lambda);
        return compareArrays(actual.data, expected.data, toleranceFor('float64', 'float64', { reductionLength: 64 })).ok;
      }),
  });

  type Combine = (losses: number[], sizes: number[]) => number;
  const weighted: Combine = (losses, sizes) => {
    const n = sizes.reduce((a, b) => a + b, 0);
    return losses.reduce((a, l, t) => a + (sizes[t]! / n) * l, 0);
  };
  propertyInvariant<Combine>({
    id: 'clustergcn/loss-decomposition',
    subject: weighted,
    controls: [{ name: 'unweighted mean of the cluster losses', subject: (losses) => losses.reduce((a, b) => a + b, 0) / losses.length }],
    numRuns: { quick: 60, full: 500 },
    property: (combine) =>
      fc.property(clusteredCase, ([{ graph, features, labels, weights }, parts, seed, lambda]) => {
        const { assignment } = partitionGraph(graph.adjacency, parts, { partitioner: 'louvain', seed });
        const members = clusterMembers(assignment, parts).filter((m) => m.length > 0);
        const logits = forwardOracle(normalizeAdjacency(blockDiagonal(graph.adjacency, assignment), batchNormalization(lambda)), features, weights).logits;
        const whole = crossEntropyOracle(logits, labels, Int32Array.from({ length: graph.n }, (_, v) => v));
        const perCluster = members.map((nodes) => crossEntropyOracle(logits, labels, nodes));
        return Math.abs(combine(perCluster, members.map((m) => m.length)) - whole) <= 1e-9 * (1 + Math.abs(whole));
      }),
  });

  type Enhance = (adjacency: CsrMatrix, lambda: number) => CsrMatrix;
  const addsIdentity: Enhance = (a, lambda) => {
    const walk = normalizeAdjacency(a, { kind: 'random-walk' });
    const data = walk.data.slice();
    for (let i = 0; i < walk.rows; i++) for (let k = walk.indptr[i]!; k < walk.indptr[i + 1]!; k++) if (walk.indices[k] === i) data[k]! += lambda;
    return { ...walk, data };
  };
  propertyInvariant<Enhance>({
    id: 'clustergcn/diagonal-enhancement',
    subject: (a, lambda) => normalizeAdjacency(a, batchNormalization(lambda)),
    controls: [{ name: 'adds λ·I instead of λ·diag(Ã)', subject: addsIdentity }],
    property: (enhance) =>
      fc.property(smallGraph(1, 10), fc.double({ min: 0, max: 3, noNaN: true }), ({ n, adjacency }, lambda) => {
        const d = degrees(adjacency);
        const m = enhance(adjacency, lambda);
        const dense = toDense(m);
        const walk = toDense(normalizeAdjacency(adjacency, { kind: 'random-walk' }));
        const sums = rowSums(m);
        for (let i = 0; i < n; i++) {
          if (Math.abs(dense.data[i * n + i]! - (1 + lambda) / (d[i]! + 1)) > EPS) return false;
          if (Math.abs(sums[i]! - (1 + lambda / (d[i]! + 1))) > EPS) return false;
          for (let j = 0; j < n; j++) if (i !== j && Math.abs(dense.data[i * n + j]! - walk.data[i * n + j]!) > EPS) return false;
        }
        const zero = toDense(enhance(adjacency, 0));
        if (zero.data.some((v, k) => Math.abs(v - walk.data[k]!) > EPS)) return false;
        const matrix = new Matrix(Array.from({ length: n }, (_, i) => Array.from(dense.data.subarray(i * n, (i + 1) * n))));
        const evd = new EigenvalueDecomposition(matrix);
        const radius = Math.max(...evd.realEigenvalues.map((re, k) => Math.hypot(re, evd.imaginaryEigenvalues[k]!)));
        const dMin = Math.min(...d);
        return radius >= 1 - 1e-7 && radius <= 1 + lambda / (dMin + 1) + 1e-7;
      }),
  });
});
