/**
 * Losses and accuracy shared by the training methods.
 */
import { tf } from '../../harness/tensor/backend';

/**
 * Returns the mean softmax cross-entropy over the rows where `mask` is 1 (a masked mean, so no
 * gather is needed and the gradient stays on the backend's fast kernels).
 *
 * @param labels - one class per row (int32)
 * @param mask - 1 for rows in the loss, 0 otherwise; null for every row
 */
export function maskedCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, classes: number, mask: tf.Tensor1D | null): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels, classes);
    if (mask === null) return tf.losses.softmaxCrossEntropy(oneHot, logits) as tf.Scalar;
    return tf.losses.softmaxCrossEntropy(oneHot, logits, mask, 0, tf.Reduction.SUM_BY_NONZERO_WEIGHTS) as tf.Scalar;
  });
}

/** Fraction of `nodes` whose arg-max logit equals their label. */
export function accuracy(logits: Float32Array | Float64Array, classes: number, labels: Int32Array, nodes: ArrayLike<number>): number {
  if (nodes.length === 0) return Number.NaN;
  let correct = 0;
  for (let t = 0; t < nodes.length; t++) {
    const v = nodes[t]!;
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[v * classes + c]! > logits[v * classes + best]!) best = c;
    if (best === labels[v]) correct++;
  }
  return correct / nodes.length;
}
