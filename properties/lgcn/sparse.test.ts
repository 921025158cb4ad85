/**
 * The sparse products: CSR against dense in float64, and the TensorFlow.js aggregation (both
 * routes, forward and gradient) and GCN forward pass against the float64 oracle.
 */
import fc from 'fast-check';
import { beforeAll, describe } from 'vitest';
import { compareArrays, toleranceFor } from '../../harness/numeric';
import { selectBackend, tf } from '../../harness/tensor/backend';
import { propertyInvariant } from '../../harness/testing/invariant';
import { csrFromCoo, matmul, normalizeAdjacency, spmm, toDense, transpose, type CsrMatrix, type DenseMatrix } from '../../impl/graph/index';
import { aggregate, forwardOracle, forwardTf, prepareOperator, disposeOperator, weightsToTensors, type AggregationMode } from '../../impl/gcn/index';
import { denseMatrix, gcnCase, toFloat32 } from './_graphs';

beforeAll(async () => {
  await selectBackend((process.env.PAPERPROOF_BACKEND ?? 'auto') as never);
});

/** A sparse matrix (not necessarily square or symmetric) with random weights, and a dense factor. */
const sparseCase = fc
  .record({ rows: fc.integer({ min: 1, max: 8 }), cols: fc.integer({ min: 1, max: 8 }), width: fc.integer({ min: 1, max: 4 }) })
  .chain(({ rows, cols, width }) =>
    fc.record({
      matrix: fc
        .array(fc.tuple(fc.integer({ min: 0, max: rows - 1 }), fc.integer({ min: 0, max: cols - 1 }), fc.integer({ min: -64, max: 64 }).filter((v) => v !== 0)), { minLength: 1, maxLength: rows * cols })
        .map((entries) => csrFromCoo(rows, cols, entries.map((e) => e[0]), entries.map((e) => e[1]), entries.map((e) => e[2] / 16))),
      dense: denseMatrix(cols, width),
    }),
  );

/** The product under test. */
type Product = (matrix: CsrMatrix, dense: DenseMatrix) => DenseMatrix;

const skipsLastEntry: Product = (m, h) => {
  const out = new Float64Array(m.rows * h.cols);
  for (let i = 0; i < m.rows; i++) {
    for (let k = m.indptr[i]!; k < m.indptr[i + 1]! - 1; k++) {
      for (let c = 0; c < h.cols; c++) out[i * h.cols + c]! += m.data[k]! * h.data[m.indices[k]! * h.cols + c]!;
    }
  }
  return { rows: m.rows, cols: h.cols, data: out };
};

/** A TensorFlow.js aggregation route under test. */
type TfAggregation = (matrix: CsrMatrix, h: tf.Tensor2D, mode: AggregationMode) => tf.Tensor2D;

const realAggregation: TfAggregation = (matrix, h, mode) => {
  const operator = prepareOperator(matrix, mode);
  try {
    return aggregate(operator, h);
  } finally {
    disposeOperator(operator);
  }
};
const transposedAggregation: TfAggregation = (matrix, h, mode) => realAggregation(transpose(matrix), h, mode);
const unweightedAggregation: TfAggregation = (matrix, h, mode) => realAggregation({ ...matrix, data: matrix.data.map(() => 1) }, h, mode);

describe('sparse products', () => {
  propertyInvariant<Product>({
    id: 'lgcn/spmm-matches-dense',
    subject: spmm,
    controls: [{ name: 'skips the last stored entry of each row', subject: skipsLastEntry }],
    property: (product) =>
      fc.property(sparseCase, ({ matrix, dense }) => {
        const expected = matmul(toDense(matrix), dense);
        return compareArrays(product(matrix, dense).data, expected.data, toleranceFor('float64', 'float64', { reductionLength: matrix.cols })).ok;
      }),
  });

  propertyInvariant<TfAggregation>({
    id: 'lgcn/tfjs-matches-oracle',
    subject: realAggregation,
    controls: [
      { name: 'aggregates with the transposed adjacency', subject: transposedAggregation },
      { name: 'ignores the edge weights', subject: unweightedAggregation },
    ],
    numRuns: { quick: 40, full: 300 },
    property: (aggregation) =>
      fc.property(gcnCase({ maxNodes: 8 }), fc.constantFrom<AggregationMode>('kernel', 'segment'), ({ graph, features, weights }, mode) => {
        // A random-walk normalisation is not symmetric, so a transposed product shows.
        const matrix = normalizeAdjacency(graph.adjacency, { kind: 'random-walk' });
        const tolerance = toleranceFor('float32', 'float64', { reductionLength: graph.n * features.cols });
        const upstream = { rows: graph.n, cols: features.cols, data: features.data.map((v, k) => v * ((k % 3) - 1) + 0.5) };

        // Forward: Â H, and backward: ∂⟨ÂH, G⟩/∂H = Âᵀ G.
        const [forward, gradient] = tf.tidy(() => {
          const h = tf.tensor2d(toFloat32(features), [features.rows, features.cols]);
          const g = tf.tensor2d(toFloat32(upstream), [upstream.rows, upstream.cols]);
          const value = aggregation(matrix, h, mode);
          const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(aggregation(matrix, x as tf.Tensor2D, mode), g)))(h);
          return [value.dataSync(), grad.dataSync()];
        });
        if (!compareArrays(forward, spmm(matrix, features).data, tolerance).ok) return false;
        if (!compareArrays(gradient, spmm(transpose(matrix), upstream).data, tolerance).ok) return false;

        // The GCN forward pass built on the real aggregation matches the float64 forward pass.
        const operator = prepareOperator(matrix, mode);
        const tensors = weightsToTensors(weights);
        const logits = tf.tidy(() => forwardTf(operator, tf.tensor2d(toFloat32(features), [features.rows, features.cols]), tensors).dataSync());
        tf.dispose([...tensors.layers, tensors.classifier]);
        disposeOperator(operator);
        return compareArrays(logits, forwardOracle(matrix, features, weights).logits.data, toleranceFor('float32', 'float64', { reductionLength: 64 })).ok;
      }),
  });
});
