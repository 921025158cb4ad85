/**
 * The implementations the constraint properties check, and their negative controls: deliberately
 * broken variants, most of them the real oracle run on a corrupted prepared set.
 */
import type { FloatDtype } from '../../harness/numeric';
import { tf } from '../../harness/tensor/backend';
import {
  createConstraintMap,
  createJointConstraintMap,
  jointOracleOutput,
  oracleOutputs,
  type LayerMode,
  type PreparedJointSet,
  type PreparedSet,
} from '../../impl/constraints/index';
import { lift } from '../../impl/constraints/_internals/reduced';
import { sigmoid } from '../../impl/constraints/oracle';

/** Outputs of one implementation, with the dtype that sets its tolerance. */
export interface Outputs {
  dtype: FloatDtype;
  ys: ArrayLike<number>[];
}

/** A forward map under test: a batch of inputs to outputs, possibly from several implementations. */
export type Forward = (set: PreparedSet, mode: LayerMode, zs: number[][]) => Outputs[];

/** Runs the tensor layer on a batch and returns its rows (float32). */
export function layerOutputs(set: PreparedSet, mode: LayerMode, zs: number[][]): Float32Array[] {
  const map = createConstraintMap(set, { mode });
  const input = tf.tensor2d(zs, [zs.length, map.inputLength]);
  const output = map.apply(input);
  const values = output.dataSync() as Float32Array;
  const n = map.outputLength;
  const rows = zs.map((_, i) => values.slice(i * n, (i + 1) * n));
  input.dispose();
  output.dispose();
  map.dispose();
  return rows;
}

/** The real subject: the float64 oracle and the float32 tensor layer. */
export const realForward: Forward = (set, mode, zs) => [
  { dtype: 'float64', ys: oracleOutputs(set, mode, zs) },
  { dtype: 'float32', ys: layerOutputs(set, mode, zs) },
];

/** Runs the oracle on a corrupted copy of the set. */
function corrupted(corrupt: (set: PreparedSet) => PreparedSet): Forward {
  return (set, mode, zs) => [{ dtype: 'float64', ys: oracleOutputs(corrupt(set), mode, zs) }];
}

/** Control: the step is the hidden vector itself, never limited by where the ray leaves the set. */
export const ignoresCrossing: Forward = (set, mode, zs) => [
  {
    dtype: 'float64',
    ys: zs.map((z) => {
      if (mode === 'projection') return Float64Array.from(z);
      const d = mode === 'ray' ? z.slice(1) : z;
      const factor = mode === 'ray' ? sigmoid(z[0]!) : 1;
      return lift(set, set.interior.map((p, i) => p + factor * d[i]!));
    }),
  },
];

/** Control: only the first linear row limits the ray. */
export const firstRowOnly = corrupted((set) => ({ ...set, rows: set.rows.slice(0, 1), slack: set.slack.slice(0, 1) }));

/** Control: slacks measured from the origin (bᵢ) instead of from the interior point (bᵢ − aᵢ·p). */
export const slackFromOrigin = corrupted((set) => ({ ...set, slack: Float64Array.from(set.rhs, (b) => Math.abs(b) + 1) }));

/** Control: the ½ of the quadratic rows applied twice, which halves the curvature along the ray. */
export const halvedCurvature = corrupted((set) => ({ ...set, quadratics: set.quadratics.map((q) => ({ ...q, P: q.P.map((row) => row.map((x) => x / 2)) })) }));

/** Control: quadratic rows ignored. */
export const dropsQuadratics = corrupted((set) => ({ ...set, quadratics: [] }));

/** Control: the box fast path swaps the upper and lower slacks. */
export const swappedBoxSlacks = corrupted((set) => (set.box === null ? set : { ...set, box: { upperSlack: set.box.lowerSlack, lowerSlack: set.box.upperSlack } }));

/** Control: the particular solution p₀ = C⁺e replaced by 0, so outputs solve C y = 0. */
export const zeroOffset = corrupted((set) => ({ ...set, offset: new Float64Array(set.dimension) }));

/** Control: the null-space basis replaced by the first coordinate axes, so outputs leave the affine set. */
export const axesAsBasis = corrupted((set) =>
  set.basis === null ? set : { ...set, basis: set.basis.map((_, i) => Float64Array.from({ length: set.freeDimension }, (_, k) => (i === k ? 1 : 0))) },
);

/** Outputs of a joint-set implementation for hidden vectors and network inputs. */
export type JointForward = (set: PreparedJointSet, mode: LayerMode, zs: number[][], xs: number[][]) => Outputs[];

/** The real joint subject: the float64 oracle and the float32 tensor layer. */
export const realJointForward: JointForward = (set, mode, zs, xs) => {
  const map = createJointConstraintMap(set, { mode });
  const z = tf.tensor2d(zs, [zs.length, map.inputLength]);
  const x = tf.tensor2d(xs, [xs.length, set.inputDimension]);
  const y = map.apply(z, x);
  const values = y.dataSync() as Float32Array;
  const n = set.outputDimension;
  [z, x, y].forEach((t) => t.dispose());
  map.dispose();
  return [
    { dtype: 'float64', ys: zs.map((zi, i) => jointOracleOutput(set, mode, zi, xs[i]!, i)) },
    { dtype: 'float32', ys: zs.map((_, i) => values.slice(i * n, (i + 1) * n)) },
  ];
};

/** Control: every sample uses the slacks of the batch's first input. */
export const firstInputSlacks: JointForward = (set, mode, zs, xs) => [{ dtype: 'float64', ys: zs.map((zi) => jointOracleOutput(set, mode, zi, xs[0]!)) }];
