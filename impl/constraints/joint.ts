/**
 * Constraints that depend on the network input x ("joint" or dynamic constraints):
 *
 *   G_y y + G_x x ≤ h,   i.e. for each input x the feasible set Ω(x) = { y : G_y y ≤ h − G_x x }.
 *
 * One interior point p serves every input in a declared input box X = [l, u]: it is the Chebyshev
 * centre of the robust set { y : G_y y ≤ h − max over x ∈ X of G_x x }, where the maximum is
 * Σⱼ max(G_x,ij lⱼ, G_x,ij uⱼ) for row i. For each sample the slacks are
 *
 *   σᵢ(x) = hᵢ − (G_x x)ᵢ − (G_y p)ᵢ > 0
 *
 * and the forward maps are those of the fixed-set layer (see `oracle.ts`) with these per-sample
 * slacks, at O(n·m + d·m) per sample. Boundedness does not depend on x: Ω(x) is bounded for every
 * x iff { d : G_y d ≤ 0 } = {0}.
 */
import { InvalidConstraintSetError, InvalidInputError, UnboundedSetError } from './errors';
import { unboundedDirection } from './_internals/bounded';
import { checkUserInterior, computeInterior } from './_internals/interior';
import { dot } from './_internals/linalg';
import type { ReducedSet } from './_internals/reduced';
import { sigmoid } from './oracle';
import type { DenseRows, LayerMode } from './types';
import { validateInputs } from './validate';

/** A set of joint constraints G_y y + G_x x ≤ h. */
export interface JointConstraintSpec {
  /** n, the output length. */
  outputDimension: number;
  /** d, the length of the network input x. */
  inputDimension: number;
  /** m × n. */
  Gy: DenseRows;
  /** m × d. */
  Gx: DenseRows;
  /** Length m. */
  h: readonly number[];
  /** The inputs the interior point must serve (finite bounds). */
  inputBox: { lower: readonly number[]; upper: readonly number[] };
  /** Optional interior point; it must be strictly feasible for every x in the input box. */
  interiorPoint?: readonly number[];
}

/** A prepared joint set. Treat as read-only. */
export interface PreparedJointSet {
  readonly kind: 'prepared-joint-set';
  readonly spec: JointConstraintSpec;
  readonly outputDimension: number;
  readonly inputDimension: number;
  readonly interior: Float64Array;
  /** Inscribed radius of the robust set at p. */
  readonly margin: number;
  /** hᵢ − (G_y p)ᵢ, so that σᵢ(x) = shiftedRhsᵢ − (G_x x)ᵢ. */
  readonly shiftedRhs: Float64Array;
  readonly Gy: readonly Float64Array[];
  readonly Gx: readonly Float64Array[];
  readonly unboundedDirection: Float64Array | null;
}

/**
 * Validates a joint spec and finds its common interior point.
 *
 * @throws InvalidConstraintSetError for malformed specs; InfeasibleSetError or EmptyInteriorError
 *   naming the rows when no point is strictly feasible for every input in the box.
 */
export async function prepareJointSet(spec: JointConstraintSpec): Promise<PreparedJointSet> {
  const n = spec.outputDimension;
  const d = spec.inputDimension;
  if (!Number.isInteger(n) || n < 1) throw new InvalidConstraintSetError(`outputDimension must be a positive integer, got ${n}`);
  if (!Number.isInteger(d) || d < 1) throw new InvalidConstraintSetError(`inputDimension must be a positive integer, got ${d}`);
  const m = spec.Gy.length;
  checkRows(spec.Gy, m, n, 'Gy');
  checkRows(spec.Gx, m, d, 'Gx');
  checkFinite(spec.h, m, 'h');
  checkFinite(spec.inputBox.lower, d, 'inputBox.lower');
  checkFinite(spec.inputBox.upper, d, 'inputBox.upper');
  for (let j = 0; j < d; j++) {
    if (spec.inputBox.lower[j]! > spec.inputBox.upper[j]!) throw new InvalidConstraintSetError(`inputBox.lower[${j}] = ${spec.inputBox.lower[j]} exceeds inputBox.upper[${j}] = ${spec.inputBox.upper[j]}; swap them`);
  }

  // Robust right-hand sides: hᵢ − max over the box of (G_x x)ᵢ.
  const robust = Float64Array.from(spec.h, (hi, i) => {
    let worst = 0;
    for (let j = 0; j < d; j++) {
      const g = spec.Gx[i]![j]!;
      worst += Math.max(g * spec.inputBox.lower[j]!, g * spec.inputBox.upper[j]!);
    }
    return hi - worst;
  });
  const reduced: ReducedSet = {
    n,
    r: n,
    basis: null,
    offset: new Float64Array(n),
    rows: spec.Gy.map((row) => Float64Array.from(row)),
    rhs: robust,
    rowLabels: spec.Gy.map((_, i) => `joint row ${i}`),
    quadratics: [],
    dropped: [],
  };
  const interior = spec.interiorPoint !== undefined ? checkUserInterior(reduced, [...spec.interiorPoint], undefined) : await computeInterior(reduced);
  const p = interior.w;
  return {
    kind: 'prepared-joint-set',
    spec,
    outputDimension: n,
    inputDimension: d,
    interior: p,
    margin: interior.margin,
    shiftedRhs: Float64Array.from(spec.h, (hi, i) => hi - dot(spec.Gy[i]!, p)),
    Gy: reduced.rows,
    Gx: spec.Gx.map((row) => Float64Array.from(row)),
    unboundedDirection: await unboundedDirection(reduced),
  };
}

/** Number of hidden inputs per sample for `mode`. */
export function jointInputLength(set: PreparedJointSet, mode: LayerMode): number {
  return mode === 'ray' ? set.outputDimension + 1 : set.outputDimension;
}

/**
 * Returns the per-sample slacks σ(x) = h − G_x x − G_y p.
 *
 * @throws InvalidInputError when some σᵢ(x) ≤ 0: x lies where p is not interior (outside the input box).
 */
export function jointSlacks(set: PreparedJointSet, x: ArrayLike<number>, index = 0): Float64Array {
  const slack = Float64Array.from(set.shiftedRhs, (s, i) => s - dot(set.Gx[i]!, x));
  for (let i = 0; i < slack.length; i++) {
    if (!(slack[i]! > 0)) {
      throw new InvalidInputError(
        `network input ${index} leaves the interior point outside joint row ${i} (slack ${slack[i]!.toPrecision(4)}); the input lies outside inputBox ` +
          `[${set.spec.inputBox.lower.join(', ')}] … [${set.spec.inputBox.upper.join(', ')}]. Widen inputBox to cover every input the network receives`,
      );
    }
  }
  return slack;
}

/**
 * Maps a hidden vector and the network input to a point of Ω(x) (float64 oracle).
 *
 * @throws InvalidInputError for NaN, infinite entries, wrong lengths, or an input outside the box;
 *   UnboundedSetError for `ray` and `boundary` on an unbounded set.
 */
export function jointOracleOutput(set: PreparedJointSet, mode: LayerMode, z: ArrayLike<number>, x: ArrayLike<number>, index = 0): Float64Array {
  if (mode !== 'projection' && set.unboundedDirection !== null) throw new UnboundedSetError([...set.unboundedDirection], mode);
  const n = set.outputDimension;
  validateInputs([z], jointInputLength(set, mode), 'hidden vector', mode === 'ray' ? `1 scale logit + ${n} direction entries` : `${n} entries`);
  validateInputs([x], set.inputDimension, 'network input', `the input dimension ${set.inputDimension}`);
  const slack = jointSlacks(set, x, index);
  const p = set.interior;

  const d = mode === 'ray' ? Array.from({ length: n }, (_, i) => z[i + 1]!) : mode === 'boundary' ? Array.from(z) : Array.from(z, (v, i) => v - p[i]!);
  let scale = 0;
  for (const v of d) scale = Math.max(scale, Math.abs(v));
  if (scale === 0 && mode !== 'boundary') return Float64Array.from(p);
  const u = scale === 0 ? d.map((_, i) => (i === 0 ? 1 : 0)) : d.map((v) => v / scale);

  let t = Infinity;
  for (let i = 0; i < set.Gy.length; i++) {
    const rate = dot(set.Gy[i]!, u);
    if (rate > 0) t = Math.min(t, slack[i]! / rate);
  }
  let step = t;
  if (mode === 'ray') step = sigmoid(z[0]!) * t;
  if (mode === 'projection') step = Math.min(scale, t);
  return p.map((pi, i) => pi + step * u[i]!);
}

function checkRows(rows: DenseRows, m: number, cols: number, name: string): void {
  if (rows.length !== m) throw new InvalidConstraintSetError(`${name} has ${rows.length} rows, expected ${m} (one per joint row, as in Gy)`);
  rows.forEach((row, i) => checkFinite(row, cols, `${name}[${i}]`));
}

function checkFinite(values: readonly number[], length: number, name: string): void {
  if (values.length !== length) throw new InvalidConstraintSetError(`${name} has length ${values.length}, expected ${length}`);
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new InvalidConstraintSetError(`${name}[${i}] must be a finite number, got ${v}`);
  });
}
