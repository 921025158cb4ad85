/**
 * The Euclidean projection as a differentiable TensorFlow.js operation, for comparing it with the
 * constraint layer inside a trained model. The forward pass reads the batch back to the CPU and
 * projects each row in float64 (see `euclidean.ts`); the backward pass multiplies the upstream
 * gradient by the projection's Jacobian at each row, the projection onto the tangent subspace of
 * the active face (polyhedral sets only).
 */
import { tf } from '../../harness/tensor/backend';
import { InvalidConstraintSetError } from './errors';
import { euclideanProjection, projectionVjp, type EuclideanProjection } from './euclidean';
import { assertFinite } from './layer';
import type { PreparedSet } from './prepare';

/**
 * Returns a function mapping a batch Z (B × n) to its projections (B × n), with gradients.
 *
 * @throws InvalidConstraintSetError for sets with quadratic rows (no backward pass for them).
 */
export function createEuclideanProjectionOp(set: PreparedSet): (z: tf.Tensor2D) => tf.Tensor2D {
  if ((set.spec.quadratic ?? []).length > 0) {
    throw new InvalidConstraintSetError('the differentiable Euclidean projection supports polyhedral sets only (linear rows, box bounds, equalities)');
  }
  const n = set.dimension;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const z = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    const rows = z.arraySync();
    const projections: EuclideanProjection[] = rows.map((row) => euclideanProjection(set, row));
    const value = tf.tensor2d(projections.map((p) => Array.from(p.y)), [rows.length, n]);
    save([]);
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const upstream = (dy as tf.Tensor2D).arraySync();
        return tf.tensor2d(upstream.map((g, i) => Array.from(projectionVjp(set.spec, projections[i]!, g))), [rows.length, n]);
      },
    };
  });
  return (z: tf.Tensor2D) => {
    assertFinite(z, n, `a point of the set's dimension ${n}`);
    return op(z) as tf.Tensor2D;
  };
}
