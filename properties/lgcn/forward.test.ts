/**
 * The forward passes: layer-wise with precomputed aggregation against end to end, permutation
 * equivariance, and the row locality of an L-GCN mini-batch step.
 */
import fc from 'fast-check';
import { beforeAll, describe } from 'vitest';
import { compareArrays, toleranceFor } from '../../harness/numeric';
import { selectBackend, tf } from '../../harness/tensor/backend';
import { propertyInvariant } from '../../harness/testing/invariant';
import { matmul, normalizeAdjacency, permuteMatrix, permuteRows, spmmFloat32, type CsrMatrix, type DenseMatrix } from '../../impl/graph/index';
import { disposeOperator, forwardLayerwise, forwardOracle, forwardTf, gatherRows, prepareOperator, relu, weightsToTensors, type GcnWeights } from '../../impl/gcn/index';
import { layerBatchLoss } from '../../impl/lgcn/index';
import { denseMatrix, gcnCase, toFloat32 } from './_graphs';

beforeAll(async () => {
  await selectBackend((process.env.PAPERPROOF_BACKEND ?? 'auto') as never);
});

const LOGIT_TOLERANCE = toleranceFor('float32', 'float64', { reductionLength: 64 });

/** A forward pass from (normalised adjacency, features, weights) to logits. */
type Forward = (adjacency: CsrMatrix, features: DenseMatrix, weights: GcnWeights) => ArrayLike<number>;

const layerwise: Forward = (adjacency, features, weights) => forwardLayerwise(adjacency, toFloat32(features), features.cols, weights);

/** Aggregates only before the first layer; later layers transform without aggregating. */
const aggregatesOnce: Forward = (adjacency, features, weights) => {
  let h: DenseMatrix = { rows: features.rows, cols: features.cols, data: Float64Array.from(spmmFloat32(adjacency, toFloat32(features), features.cols)) };
  for (const w of weights.layers) h = relu(matmul(h, w));
  return matmul(h, weights.classifier).data;
};

/** The GCN forward on a raw adjacency (normalised inside), through TensorFlow.js. */
type GraphForward = (adjacency: CsrMatrix, features: DenseMatrix, weights: GcnWeights) => ArrayLike<number>;

const tfForward: GraphForward = (adjacency, features, weights) => {
  const operator = prepareOperator(normalizeAdjacency(adjacency, { kind: 'symmetric' }));
  const tensors = weightsToTensors(weights);
  const logits = tf.tidy(() => forwardTf(operator, tf.tensor2d(toFloat32(features), [features.rows, features.cols]), tensors).dataSync());
  tf.dispose([...tensors.layers, tensors.classifier]);
  disposeOperator(operator);
  return logits;
};

const skipsLastRow: GraphForward = (adjacency, features, weights) => {
  const normalized = normalizeAdjacency(adjacency, { kind: 'symmetric' });
  const last = normalized.rows - 1;
  const truncated = { ...normalized, indptr: normalized.indptr.map((p, i) => (i === last + 1 ? normalized.indptr[last]! : p)) };
  const cut = { ...truncated, indices: normalized.indices.subarray(0, normalized.indptr[last]!), data: normalized.data.subarray(0, normalized.indptr[last]!) };
  return forwardOracle(cut, features, weights).logits.data;
};

/** One L-GCN step: loss and gradients for batch `rows` of the aggregation. */
type BatchStep = (aggregated: Float32Array, width: number, rows: number[], labels: Int32Array, classes: number, weight: DenseMatrix, classifier: DenseMatrix) => number[];

const realStep: BatchStep = (aggregated, width, rows, labels, classes, weight, classifier) =>
  batchStepOn(gatherRows(aggregated, width, rows), rows, labels, classes, width, weight, classifier);

const standardisesWithAllRows: BatchStep = (aggregated, width, rows, labels, classes, weight, classifier) => {
  const mean = new Float32Array(width);
  for (let k = 0; k < aggregated.length; k++) mean[k % width]! += aggregated[k]! / (aggregated.length / width);
  const batch = gatherRows(aggregated, width, rows).map((v, k) => v - mean[k % width]!);
  return batchStepOn(batch, rows, labels, classes, width, weight, classifier);
};

function batchStepOn(batch: Float32Array, rows: number[], labels: Int32Array, classes: number, width: number, weight: DenseMatrix, classifier: DenseMatrix): number[] {
  return tf.tidy(() => {
    const x = tf.tensor2d(batch, [rows.length, width]);
    const y = tf.tensor1d(Int32Array.from(rows, (r) => labels[r]!), 'int32');
    const w = tf.tensor2d(Float32Array.from(weight.data), [weight.rows, weight.cols]);
    const theta = tf.tensor2d(Float32Array.from(classifier.data), [classifier.rows, classifier.cols]);
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => layerBatchLoss(x, y, classes, a as tf.Tensor2D, b as tf.Tensor2D))([w, theta]);
    return [...value.dataSync(), ...grads[0]!.dataSync(), ...grads[1]!.dataSync()];
  });
}

describe('forward passes', () => {
  propertyInvariant<Forward>({
    id: 'lgcn/layerwise-equals-end-to-end',
    subject: layerwise,
    controls: [{ name: 'skips the aggregation after the first layer', subject: aggregatesOnce }],
    numRuns: { quick: 60, full: 500 },
    property: (forward) =>
      fc.property(gcnCase({ minNodes: 2, minLayers: 2 }), fc.constantFrom('lgcn' as const, 'symmetric' as const), ({ graph, features, weights }, kind) => {
        const adjacency = normalizeAdjacency(graph.adjacency, { kind });
        return compareArrays(forward(adjacency, features, weights), forwardOracle(adjacency, features, weights).logits.data, LOGIT_TOLERANCE).ok;
      }),
  });

  propertyInvariant<GraphForward>({
    id: 'lgcn/permutation-equivariance',
    subject: tfForward,
    controls: [{ name: 'sparse product that skips the last row', subject: skipsLastRow }],
    numRuns: { quick: 60, full: 500 },
    property: (forward) =>
      fc.property(
        gcnCase({ minNodes: 2 }).chain((c) => fc.tuple(fc.constant(c), fc.shuffledSubarray(Array.from({ length: c.graph.n }, (_, v) => v), { minLength: c.graph.n, maxLength: c.graph.n }))),
        ([{ graph, features, weights }, perm]) => {
          const classes = weights.classifier.cols;
          const expected = permuteRows(Float64Array.from(forward(graph.adjacency, features, weights)), classes, perm);
          const permuted = forward(permuteMatrix(graph.adjacency, perm), { ...features, data: permuteRows(Float64Array.from(features.data), features.cols, perm) }, weights);
          return compareArrays(permuted, expected, LOGIT_TOLERANCE).ok;
        },
      ),
  });

  propertyInvariant<BatchStep>({
    id: 'lgcn/row-locality',
    subject: realStep,
    controls: [{ name: 'standardises the batch with statistics of all rows', subject: standardisesWithAllRows }],
    numRuns: { quick: 50, full: 300 },
    property: (step) =>
      fc.property(
        fc.record({ rows: fc.integer({ min: 2, max: 10 }), width: fc.integer({ min: 1, max: 4 }), hidden: fc.integer({ min: 1, max: 3 }), classes: fc.integer({ min: 2, max: 3 }) }).chain((s) =>
          fc.record({
            s: fc.constant(s),
            aggregated: denseMatrix(s.rows, s.width),
            other: denseMatrix(s.rows, s.width),
            batch: fc.shuffledSubarray(Array.from({ length: s.rows }, (_, r) => r), { minLength: 1, maxLength: s.rows - 1 }),
            labels: fc.array(fc.integer({ min: 0, max: s.classes - 1 }), { minLength: s.rows, maxLength: s.rows }),
            weight: denseMatrix(s.width, s.hidden),
            classifier: denseMatrix(s.hidden, s.classes),
          }),
        ),
        ({ s, aggregated, other, batch, labels, weight, classifier }) => {
          // Rows outside the batch are replaced; the step must not change at all.
          const inBatch = new Set(batch);
          const changed = Float32Array.from(aggregated.data, (v, k) => (inBatch.has(Math.floor(k / s.width)) ? v : other.data[k]! + 3));
          const y = Int32Array.from(labels);
          const before = step(Float32Array.from(aggregated.data), s.width, batch, y, s.classes, weight, classifier);
          const after = step(changed, s.width, batch, y, s.classes, weight, classifier);
          return before.every((v, k) => Object.is(v, after[k]));
        },
      ),
  });
});
