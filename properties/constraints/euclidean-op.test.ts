/**
 * The differentiable Euclidean projection (a TensorFlow.js custom op over polyhedral sets): its
 * forward pass returns the float64 projection, and its gradient agrees with central finite
 * differences of the float64 projection wherever the projection is affine around the input. A
 * NaN entry is rejected with an error naming its row and column.
 */
import fc from 'fast-check';
import { beforeAll, describe } from 'vitest';
import { compareNormwise, GRADIENT_TOLERANCE, toleranceFor } from '../../harness/numeric';
import { selectBackendFromEnv, tf } from '../../harness/tensor/backend';
import { propertyInvariant } from '../../harness/testing/invariant';
import { createEuclideanProjectionOp, euclideanProjection, InvalidInputError, prepareConstraintSet, type PreparedSet } from '../../impl/constraints/index';
import { assertFinite } from '../../impl/constraints/layer';
import { anySet } from './_sets';

beforeAll(async () => {
  await selectBackendFromEnv();
});

/** Builds the op under test for a prepared set: a batch Z (B × n) to its projections (B × n). */
type ProjectionOp = (set: PreparedSet) => (z: tf.Tensor2D) => tf.Tensor2D;

/** Control: the forward pass and the NaN check are the real ones, but the backward pass returns the upstream gradient unchanged. */
const identityBackward: ProjectionOp = (set) => {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const z = args[0] as tf.Tensor2D;
    const rows = z.arraySync();
    const value = tf.tensor2d(rows.map((row) => Array.from(euclideanProjection(set, row).y)), [rows.length, set.dimension]);
    return { value, gradFunc: (dy: tf.Tensor) => tf.clone(dy) };
  });
  return (z) => {
    assertFinite(z, set.dimension, `a point of the set's dimension ${set.dimension}`);
    return op(z) as tf.Tensor2D;
  };
};

/** Relative gap between one-sided difference quotients above which the input counts as near a kink. */
const KINK_GAP = 1e-6;

describe('euclidean projection op', () => {
  propertyInvariant<ProjectionOp>({
    id: 'constraints/euclidean-op-gradient',
    subject: createEuclideanProjectionOp,
    controls: [{ name: 'backward pass returns the upstream gradient unchanged', subject: identityBackward }],
    numRuns: { quick: 40, full: 400 },
    property: (makeOp) =>
      fc.asyncProperty(
        anySet(['linear', 'box', 'equality']),
        fc.array(fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: 6, maxLength: 6 }), { minLength: 2, maxLength: 2 }),
        fc.array(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 6, maxLength: 6 }), { minLength: 2, maxLength: 2 }),
        async (c, offsets, rawWeights) => {
          const set = await prepareConstraintSet(c.spec);
          const n = set.dimension;
          // Inputs are rounded to float32 so that the op and the float64 reference see the same points.
          const zs = offsets.map((offset) => c.inside.map((x, j) => Math.fround(x + offset[j]!)));
          const weights = rawWeights.map((w) => w.slice(0, n));
          const project = (z: number[]) => euclideanProjection(set, z).y;
          const loss = (z: number[], i: number) => project(z).reduce((sum, y, j) => sum + y * weights[i]![j]!, 0);

          // Finite differences of w·Π(z), dropping inputs where the two one-sided quotients differ.
          const expected = zs.map((z, i) =>
            z.map((zk, k) => {
              const h = 1e-6 * Math.max(1, Math.abs(zk));
              const at = (delta: number) => loss(z.map((x, j) => (j === k ? x + delta : x)), i);
              const centre = at(0);
              const forward = (at(h) - centre) / h;
              const backward = (centre - at(-h)) / h;
              fc.pre(Math.abs(forward - backward) <= KINK_GAP * Math.max(1, Math.abs(forward), Math.abs(backward)));
              return (forward + backward) / 2;
            }),
          );

          const op = makeOp(set);
          const input = tf.tensor2d(zs, [zs.length, n]);
          const w = tf.tensor2d(weights, [weights.length, n]);
          const output = op(input);
          const values = output.arraySync();
          const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(op(x as tf.Tensor2D), w)))(input).arraySync() as number[][];
          [input, w, output].forEach((t) => t.dispose());

          const valueTolerance = toleranceFor('float32', 'float64', { reductionLength: n });
          zs.forEach((z, i) => {
            const reference = project(z);
            const forwardComparison = compareNormwise(values[i]!, reference, valueTolerance, Math.max(1, ...z.map(Math.abs)));
            if (!forwardComparison.ok) throw new Error(`row ${i}: op output [${values[i]!.join(', ')}] vs projection [${Array.from(reference).join(', ')}]`);
            const comparison = compareNormwise(gradient[i]!, expected[i]!, GRADIENT_TOLERANCE);
            if (!comparison.ok) throw new Error(`row ${i}: op gradient [${gradient[i]!.join(', ')}] vs finite differences [${expected[i]!.join(', ')}]: error ${comparison.maxAbsError} > ${comparison.bound}`);
          });

          // A NaN entry must be rejected before the projection runs, naming its row and column.
          const bad = tf.tensor2d(zs.map((z, i) => z.map((x, j) => (i === 1 && j === 0 ? Number.NaN : x))), [zs.length, n]);
          let caught: unknown = null;
          try {
            op(bad).dispose();
          } catch (error) {
            caught = error;
          } finally {
            bad.dispose();
          }
          if (!(caught instanceof InvalidInputError)) throw new Error(`a NaN entry raised ${String(caught)}, expected an InvalidInputError`);
          if (!/1 has NaN at index 0/.test(caught.message)) throw new Error(`the NaN error '${caught.message}' does not name row 1, index 0`);
        },
      ),
  });
});
