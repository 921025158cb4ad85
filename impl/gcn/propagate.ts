/**
 * Layer-wise propagation on the host: the aggregation `F^(l) = Â H^(l-1)` is a CSR product
 * computed once per layer without parameters, and the transformation `H^(l) = ReLU(F^(l) W^(l))`
 * runs in TensorFlow.js over row chunks, so no tensor is larger than one chunk.
 */
import { tf } from '../../harness/tensor/backend';
import { spmmFloat32, type CsrMatrix, type DenseMatrix } from '../graph/csr';
import { GraphValueError } from '../graph/errors';
import type { GcnWeights } from './model';

/** Rows per tensor when transforming host features (bounds tensor memory independently of N). */
export const CHUNK_ROWS = 4096;

/** Copies rows `nodes` of a row-major `width`-wide array into a new array. */
export function gatherRows(values: Float32Array, width: number, nodes: ArrayLike<number>): Float32Array {
  const out = new Float32Array(nodes.length * width);
  for (let r = 0; r < nodes.length; r++) {
    const v = nodes[r]!;
    out.set(values.subarray(v * width, (v + 1) * width), r * width);
  }
  return out;
}

/** Returns `ReLU(F W)` (or `F W` when `activate` is false) for host rows `F`, chunk by chunk. */
export function transformRows(aggregated: Float32Array, width: number, weight: tf.Tensor2D, activate = true): Float32Array {
  const rows = aggregated.length / width;
  const [fanIn, fanOut] = weight.shape;
  if (fanIn !== width) throw new GraphValueError(`transform shape mismatch: features are ${width} wide but the weight is ${fanIn}×${fanOut}`);
  const out = new Float32Array(rows * fanOut);
  for (let start = 0; start < rows; start += CHUNK_ROWS) {
    const end = Math.min(rows, start + CHUNK_ROWS);
    const chunk = tf.tidy(() => {
      const product = tf.matMul(tf.tensor2d(aggregated.subarray(start * width, end * width), [end - start, width]), weight);
      return activate ? tf.relu(product) : product;
    });
    out.set(chunk.dataSync() as Float32Array, start * fanOut);
    chunk.dispose();
  }
  return out;
}

/**
 * Computes the GCN forward pass layer by layer: precompute `F^(l) = Â H^(l-1)` on the host, then
 * transform. This is how L-GCN propagates between layers and how it predicts.
 *
 * @param adjacency - normalised adjacency `Â` (N×N)
 * @param features - `X`, N×F row-major
 * @returns logits, N×C row-major
 */
export function forwardLayerwise(adjacency: CsrMatrix, features: Float32Array, featureCount: number, weights: GcnWeights): Float32Array {
  let h = features;
  let width = featureCount;
  for (const w of weights.layers) {
    const aggregated = spmmFloat32(adjacency, h, width);
    const weight = denseToTensor(w);
    h = transformRows(aggregated, width, weight);
    weight.dispose();
    width = w.cols;
  }
  const classifier = denseToTensor(weights.classifier);
  const logits = transformRows(h, width, classifier, false);
  classifier.dispose();
  return logits;
}

function denseToTensor(m: DenseMatrix): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols]);
}
