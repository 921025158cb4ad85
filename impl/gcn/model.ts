/**
 * The GCN that all three training methods share, so their accuracies compare training schemes
 * and not architectures. With normalised adjacency `Â` (N×N), features `X` (N×F), layer weights
 * `W^(l)` (F_{l-1}×F_l) and classifier `Θ` (F_L×C):
 *
 *   H^(0) = X,   H^(l) = ReLU(Â H^(l-1) W^(l))  for l = 1..L,   Z = H^(L) Θ   (logits, N×C)
 *
 * This is the network L-GCN trains layer by layer, and its last auxiliary classifier becomes `Θ`.
 * Full-batch GCN and Cluster-GCN train all of it end to end. The float64 `forwardOracle` is the
 * reference; `forwardTf` is the TensorFlow.js version used in training.
 */
import { tf } from '../../harness/tensor/backend';
import type { Rng } from '../../harness/rng';
import { matmul, spmm, type CsrMatrix, type DenseMatrix } from '../graph/csr';
import { GraphValueError } from '../graph/errors';
import { aggregate, type SparseOperator } from './aggregate';

/** Sizes of a GCN. */
export interface GcnShape {
  /** Input feature width `F`. */
  inputs: number;
  /** Width of every hidden layer. */
  hidden: number;
  /** Number of graph-convolution layers `L`. */
  layers: number;
  /** Number of classes `C`. */
  classes: number;
}

/** Weights of a GCN in float64: `layers[l]` is `W^(l+1)`. */
export interface GcnWeights {
  layers: DenseMatrix[];
  classifier: DenseMatrix;
}

/** Weights of a GCN as tensors (variables while training). */
export interface GcnTensors {
  layers: tf.Tensor2D[];
  classifier: tf.Tensor2D;
}

/** Checks that every size of `shape` is a positive integer. @throws GraphValueError naming the size */
export function checkShape(shape: GcnShape): void {
  for (const [key, value] of Object.entries(shape)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new GraphValueError(`GCN ${key} must be a positive integer, got ${value}`);
  }
}

/** Returns a `rows × cols` matrix with Glorot-uniform entries, `U(−a, a)`, `a = √(6/(rows+cols))`. */
export function glorot(rows: number, cols: number, rng: Rng): DenseMatrix {
  const limit = Math.sqrt(6 / (rows + cols));
  const data = new Float64Array(rows * cols);
  for (let k = 0; k < data.length; k++) data[k] = (2 * rng.float() - 1) * limit;
  return { rows, cols, data };
}

/** Draws Glorot-uniform weights for every layer and the classifier. */
export function initWeights(shape: GcnShape, rng: Rng): GcnWeights {
  checkShape(shape);
  const layers: DenseMatrix[] = [];
  for (let l = 0; l < shape.layers; l++) layers.push(glorot(l === 0 ? shape.inputs : shape.hidden, shape.hidden, rng));
  return { layers, classifier: glorot(shape.hidden, shape.classes, rng) };
}

/** Element-wise ReLU of a dense matrix (a new matrix). */
export function relu(m: DenseMatrix): DenseMatrix {
  return { rows: m.rows, cols: m.cols, data: Float64Array.from(m.data, (v) => (v > 0 ? v : 0)) };
}

/**
 * Computes the GCN forward pass in float64: the reference of every equivalence property.
 *
 * @param adjacency - normalised adjacency `Â`
 * @param features - `X`, N×F
 * @returns hidden representations `H^(1..L)` and logits `Z`
 */
export function forwardOracle(adjacency: CsrMatrix, features: DenseMatrix, weights: GcnWeights): { hidden: DenseMatrix[]; logits: DenseMatrix } {
  let h = features;
  const hidden: DenseMatrix[] = [];
  for (const w of weights.layers) {
    h = relu(spmm(adjacency, matmul(h, w)));
    hidden.push(h);
  }
  return { hidden, logits: matmul(h, weights.classifier) };
}

/**
 * Creates a trainable variable holding `m` (float32). The temporary tensor is disposed, so the
 * variable owns the only reference to its data.
 */
export function variableFrom(m: DenseMatrix): tf.Variable<tf.Rank.R2> {
  const initial = tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols]);
  const variable = tf.variable(initial);
  initial.dispose();
  return variable;
}

/** Converts float64 weights to tensors (float32). */
export function weightsToTensors(weights: GcnWeights): GcnTensors {
  const toTensor = (m: DenseMatrix) => tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols]);
  return { layers: weights.layers.map(toTensor), classifier: toTensor(weights.classifier) };
}

/** Reads tensors back into float64 weights. */
export function tensorsToWeights(tensors: GcnTensors): GcnWeights {
  const toDense = (t: tf.Tensor2D): DenseMatrix => ({ rows: t.shape[0], cols: t.shape[1], data: Float64Array.from(t.dataSync()) });
  return { layers: tensors.layers.map(toDense), classifier: toDense(tensors.classifier) };
}

/**
 * Computes the GCN forward pass in TensorFlow.js. Each layer multiplies by `W` before
 * aggregating when that narrows the features (`Â(HW)` instead of `(ÂH)W`, the same product).
 */
export function forwardTf(operator: SparseOperator, features: tf.Tensor2D, weights: GcnTensors): tf.Tensor2D {
  return tf.tidy(() => {
    let h = features;
    for (const w of weights.layers) {
      const [fanIn, fanOut] = w.shape;
      h = (fanOut <= fanIn ? tf.relu(aggregate(operator, tf.matMul(h, w))) : tf.relu(tf.matMul(aggregate(operator, h), w))) as tf.Tensor2D;
    }
    return tf.matMul(h, weights.classifier);
  });
}
