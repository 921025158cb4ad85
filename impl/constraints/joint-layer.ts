/**
 * The joint (input-dependent) constraint layer as TensorFlow.js operations. For a batch of hidden
 * vectors Z and network inputs X, the per-sample slacks are σ(X) = (h − G_y p) − X G_xᵀ (B × m)
 * and the gauge is γ(U) = max(0, maxᵢ (U G_yᵀ)ᵢ / σᵢ(X)); the modes follow `layer.ts`.
 */
import { tf } from '../../harness/tensor/backend';
import { InvalidInputError, UnboundedSetError } from './errors';
import { jointInputLength, jointSlacks, type PreparedJointSet } from './joint';
import { assertFinite, normalized, positive } from './layer';
import type { LayerMode } from './types';

/** A joint constraint map bound to its constant tensors. Call `dispose()` when done. */
export interface JointConstraintMap {
  readonly mode: LayerMode;
  readonly inputLength: number;
  readonly outputLength: number;
  /** Maps hidden vectors Z (B × inputLength) and network inputs X (B × d) to outputs (B × n). */
  apply(z: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

/**
 * Builds the tensor map of a prepared joint set.
 *
 * @param options.validate - check for NaN, infinite entries and inputs outside the input box (default true)
 * @throws UnboundedSetError for `ray` and `boundary` on an unbounded set.
 */
export function createJointConstraintMap(set: PreparedJointSet, options: { mode: LayerMode; validate?: boolean }): JointConstraintMap {
  const mode = options.mode;
  if (mode !== 'projection' && set.unboundedDirection !== null) throw new UnboundedSetError([...set.unboundedDirection], mode);
  const validate = options.validate ?? true;
  const n = set.outputDimension;
  const d = set.inputDimension;
  const length = jointInputLength(set, mode);

  const interior = tf.keep(tf.tensor2d(Array.from(set.interior), [1, n]));
  const GyT = tf.keep(tf.transpose(tf.tensor2d(set.Gy.map((row) => Array.from(row)), [set.Gy.length, n])));
  const GxT = tf.keep(tf.transpose(tf.tensor2d(set.Gx.map((row) => Array.from(row)), [set.Gx.length, d])));
  const shifted = tf.keep(tf.tensor2d(Array.from(set.shiftedRhs), [1, set.shiftedRhs.length]));
  const firstAxis = tf.keep(tf.tensor2d(Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0)), [1, n]));

  const apply = (z: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D => {
    if (z.rank !== 2 || z.shape[1] !== length) throw new InvalidInputError(`the joint constraint layer expects hidden vectors of shape [B, ${length}], got [${z.shape.join(', ')}]`);
    if (x.rank !== 2 || x.shape[1] !== d || x.shape[0] !== z.shape[0]) {
      throw new InvalidInputError(`the joint constraint layer expects network inputs of shape [${z.shape[0]}, ${d}] (one per hidden vector), got [${x.shape.join(', ')}]`);
    }
    if (validate) {
      assertFinite(z, length, mode === 'ray' ? `1 scale logit + ${n} direction entries` : `${n} entries`);
      assertFinite(x, d, `the input dimension ${d}`, 'network input');
    }
    const slack = tf.tidy(() => tf.sub(shifted, tf.matMul(x, GxT)) as tf.Tensor2D);
    if (validate) checkSlacks(set, slack, x);

    const out = tf.tidy(() => {
      const raw = (mode === 'ray' ? tf.slice(z, [0, 1], [-1, n]) : mode === 'boundary' ? z : tf.sub(z, interior)) as tf.Tensor2D;
      const scale = tf.max(tf.abs(raw), 1, true);
      let u = normalized(raw);
      if (mode === 'boundary') u = tf.add(u, tf.mul(tf.sub(1, tf.step(scale)), firstAxis)) as tf.Tensor2D;
      const g = tf.relu(tf.max(tf.div(tf.matMul(u, GyT), slack), 1, true)) as tf.Tensor2D;
      if (mode === 'projection') return tf.add(interior, tf.div(raw, tf.maximum(tf.mul(scale, g), 1)));
      const step = mode === 'ray' ? tf.div(tf.sigmoid(tf.slice(z, [0, 0], [-1, 1])), positive(g)) : tf.div(1, positive(g));
      return tf.add(interior, tf.mul(step, u));
    }) as tf.Tensor2D;
    slack.dispose();
    return out;
  };

  return {
    mode,
    inputLength: length,
    outputLength: n,
    apply,
    dispose: () => [interior, GyT, GxT, shifted, firstAxis].forEach((t) => t.dispose()),
  };
}

/** Raises the oracle's InvalidInputError for the first sample whose slacks are not all positive. */
function checkSlacks(set: PreparedJointSet, slack: tf.Tensor2D, x: tf.Tensor2D): void {
  const smallest = tf.min(slack);
  const ok = smallest.dataSync()[0]! > 0;
  smallest.dispose();
  if (ok) return;
  x.arraySync().forEach((row, index) => jointSlacks(set, row, index));
}
