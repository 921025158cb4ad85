/**
 * Sparse aggregation `Â · H` in TensorFlow.js, differentiable with respect to `H`.
 *
 * tfjs has no sparse–dense matmul kernel. Two routes are offered:
 * - `kernel` (default): a custom gradient op whose forward and backward run the CSR product on
 *   the host (float32 storage, float64 accumulation per row): `Y = Â H`, `∂L/∂H = Âᵀ · ∂L/∂Y`.
 *   This is the fast route on wasm and cpu, where the tensors live in host memory anyway.
 * - `segment`: `unsortedSegmentSum(gather(H, col) · value, row, N)`, built from tfjs ops only.
 *   It is the natural route for a native TensorFlow backend. The wasm kernel set lacks
 *   UnsortedSegmentSum, so on wasm each call falls back to the cpu backend through the backend shim.
 */
import { tf } from '../../harness/tensor/backend';
import { nnz, spmmFloat32, transpose, type CsrMatrix } from '../graph/csr';
import { GraphValueError } from '../graph/errors';

/** Implementation of the sparse product. */
export type AggregationMode = 'kernel' | 'segment';

/** A normalised adjacency prepared for repeated products. */
export interface SparseOperator {
  matrix: CsrMatrix;
  mode: AggregationMode;
  /** `Âᵀ`, used by the backward pass of the kernel route. */
  transposed: CsrMatrix;
  /** Coordinate tensors of the segment route (null for the kernel route). */
  coo: { rows: tf.Tensor1D; cols: tf.Tensor1D; values: tf.Tensor1D } | null;
}

/** Prepares `matrix` for {@link aggregate}. Dispose it with {@link disposeOperator}. */
export function prepareOperator(matrix: CsrMatrix, mode: AggregationMode = 'kernel'): SparseOperator {
  if (mode !== 'kernel' && mode !== 'segment') throw new GraphValueError(`aggregation mode must be 'kernel' or 'segment', got '${String(mode)}'`);
  const transposed = transpose(matrix);
  if (mode === 'kernel') return { matrix, mode, transposed, coo: null };
  const total = nnz(matrix);
  const rows = new Int32Array(total);
  for (let i = 0; i < matrix.rows; i++) rows.fill(i, matrix.indptr[i]!, matrix.indptr[i + 1]!);
  return {
    matrix,
    mode,
    transposed,
    coo: { rows: tf.tensor1d(rows, 'int32'), cols: tf.tensor1d(matrix.indices, 'int32'), values: tf.tensor1d(Float32Array.from(matrix.data), 'float32') },
  };
}

/** Releases the tensors held by an operator. */
export function disposeOperator(operator: SparseOperator): void {
  if (operator.coo !== null) tf.dispose([operator.coo.rows, operator.coo.cols, operator.coo.values]);
}

/**
 * Returns `Â · h` for `h` of shape `[Â.cols, F]`.
 *
 * @throws GraphValueError when the row count of `h` differs from the column count of `Â`
 */
export function aggregate(operator: SparseOperator, h: tf.Tensor2D): tf.Tensor2D {
  const { matrix } = operator;
  const [rows, width] = h.shape;
  if (rows !== matrix.cols) throw new GraphValueError(`aggregation shape mismatch: adjacency is ${matrix.rows}×${matrix.cols} but the features have ${rows} rows`);

  if (operator.coo !== null) {
    const { rows: rowIndex, cols, values } = operator.coo;
    return tf.tidy(() => tf.unsortedSegmentSum(tf.mul(tf.gather(h, cols), values.expandDims(1)), rowIndex, matrix.rows) as tf.Tensor2D);
  }

  const product = tf.customGrad((x, save) => {
    void save;
    const value = tf.tensor2d(spmmFloat32(matrix, (x as tf.Tensor).dataSync() as Float32Array, width), [matrix.rows, width]);
    const gradFunc = (dy: tf.Tensor) => tf.tensor2d(spmmFloat32(operator.transposed, dy.dataSync() as Float32Array, width), [matrix.cols, width]);
    return { value, gradFunc };
  });
  return product(h) as tf.Tensor2D;
}
