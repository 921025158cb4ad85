/**
 * The feasible set in reduced coordinates. Equalities C y = e are removed by writing
 * y = R w + p₀ (R: orthonormal basis of the null space of C, p₀ = C⁺e), so every other
 * constraint becomes a constraint on w ∈ Rʳ, r = n − rank C:
 *
 *   linear     a·y ≤ b                 →  (Rᵀa)·w ≤ b − a·p₀
 *   quadratic  ½ yᵀPy + qᵀy ≤ b         →  ½ wᵀ(RᵀPR)w + (Rᵀ(P p₀ + q))ᵀ w ≤ b − ½ p₀ᵀP p₀ − qᵀp₀
 *
 * Without equalities R = I and p₀ = 0. Box bounds become linear rows ±e_j.
 */
import { EmptyInteriorError, InfeasibleSetError, InvalidConstraintSetError } from '../errors';
import type { ConstraintSetSpec } from '../types';
import { affineSolution, dot, matTVec, matVec, maxAbs, norm2 } from './linalg';

/** A quadratic row ½ wᵀPw + qᵀw ≤ b in reduced coordinates. */
export interface ReducedQuadratic {
  P: Float64Array[];
  q: Float64Array;
  b: number;
  label: string;
}

/** The set in reduced coordinates, before an interior point is known. */
export interface ReducedSet {
  n: number;
  r: number;
  /** n × r basis R as rows, or null without equalities. */
  basis: Float64Array[] | null;
  offset: Float64Array;
  rows: Float64Array[];
  rhs: Float64Array;
  rowLabels: string[];
  quadratics: ReducedQuadratic[];
  /** Labels of constraints that restrict nothing once the equalities hold (dropped). */
  dropped: string[];
}

/**
 * Reduces a validated spec to coordinates w.
 *
 * @throws InfeasibleSetError when the equalities are inconsistent, a box has lower > upper, or a
 *   row becomes an unsatisfiable constant once the equalities hold.
 * @throws InvalidConstraintSetError when the equalities fix every output.
 * @throws EmptyInteriorError when a box pins a coordinate (lower = upper).
 */
export function reduce(spec: ConstraintSetSpec): ReducedSet {
  const n = spec.dimension;
  checkBox(spec);

  let basis: Float64Array[] | null = null;
  let offset: Float64Array = new Float64Array(n);
  let r = n;
  if (spec.equality !== undefined && spec.equality.C.length > 0) {
    const affine = affineSolution(spec.equality.C, spec.equality.e, n);
    if (affine.inconsistentRows.length > 0) {
      throw new InfeasibleSetError(
        affine.inconsistentRows.map((i) => `equality row ${i}`),
        `the equalities have no common solution; their least-squares residual is ${affine.inconsistency.toExponential(2)} of |e|`,
      );
    }
    if (affine.rank === n) {
      throw new InvalidConstraintSetError(
        `the equality constraints have rank ${n}, the set's dimension, so they fix the output to a single point and leave the network nothing to choose; remove equality rows or drop the layer`,
      );
    }
    basis = affine.nullBasis;
    offset = affine.particular;
    r = n - affine.rank;
  }

  const rows: Float64Array[] = [];
  const rhs: number[] = [];
  const rowLabels: string[] = [];
  const dropped: string[] = [];
  const addRow = (a: ArrayLike<number>, b: number, label: string) => {
    const reducedRow = basis === null ? Float64Array.from(a) : matTVec(basis, a, r);
    const reducedRhs = b - dot(a, offset);
    const scale = Math.max(1, norm2(a));
    if (maxAbs(reducedRow) <= 1e-13 * scale) {
      if (reducedRhs < -1e-9 * Math.max(1, Math.abs(b))) {
        throw new InfeasibleSetError([label, ...(basis === null ? [] : ['the equality constraints'])], `once the equalities hold, this row reads 0 ≤ ${reducedRhs.toPrecision(4)}`);
      }
      dropped.push(label);
      return;
    }
    rows.push(reducedRow);
    rhs.push(reducedRhs);
    rowLabels.push(label);
  };

  if (spec.linear !== undefined) spec.linear.A.forEach((a, i) => addRow(a, spec.linear!.b[i]!, `linear row ${i}`));
  if (spec.box !== undefined) {
    for (let j = 0; j < n; j++) {
      const unit = Array.from({ length: n }, (_, k) => (k === j ? 1 : 0));
      if (spec.box.upper[j] !== Infinity) addRow(unit, spec.box.upper[j]!, `box upper bound of y[${j}]`);
      if (spec.box.lower[j] !== -Infinity) addRow(unit.map((x) => -x), -spec.box.lower[j]!, `box lower bound of y[${j}]`);
    }
  }

  const quadratics: ReducedQuadratic[] = [];
  for (const [j, quadratic] of (spec.quadratic ?? []).entries()) {
    const label = `quadratic constraint ${j}`;
    const reducedQuadratic = reduceQuadratic(quadratic.P, quadratic.q, quadratic.b, basis, offset, r, label);
    const curvature = Math.max(...reducedQuadratic.P.map(maxAbs), 0);
    if (curvature <= 1e-13 * Math.max(1, ...quadratic.P.map((row) => maxAbs(row))) && maxAbs(reducedQuadratic.q) <= 1e-13 * Math.max(1, maxAbs(quadratic.q))) {
      if (reducedQuadratic.b < -1e-9 * Math.max(1, Math.abs(quadratic.b))) {
        throw new InfeasibleSetError([label, ...(basis === null ? [] : ['the equality constraints'])], `once the equalities hold, this row reads 0 ≤ ${reducedQuadratic.b.toPrecision(4)}`);
      }
      dropped.push(label);
      continue;
    }
    quadratics.push(reducedQuadratic);
  }

  return { n, r, basis, offset, rows, rhs: Float64Array.from(rhs), rowLabels, quadratics, dropped };
}

/** The affine map between reduced and output coordinates. */
export interface AffineMap {
  readonly basis: readonly Float64Array[] | null;
  readonly offset: Float64Array;
}

/** Maps a reduced point w to y = R w + p₀. */
export function lift(map: AffineMap, w: ArrayLike<number>): Float64Array {
  if (map.basis === null) return Float64Array.from(w);
  const y = matVec(map.basis, w);
  for (let i = 0; i < y.length; i++) y[i]! += map.offset[i]!;
  return y;
}

/** Maps y to the reduced coordinates of its orthogonal projection onto the affine hull: w = Rᵀ(y − p₀). */
export function lower(map: AffineMap, y: ArrayLike<number>): Float64Array {
  if (map.basis === null) return Float64Array.from(y);
  const shifted = Float64Array.from(y, (v, i) => v - map.offset[i]!);
  return matTVec(map.basis, shifted, map.basis[0]?.length ?? 0);
}

function reduceQuadratic(P: readonly (readonly number[])[], q: readonly number[], b: number, basis: Float64Array[] | null, offset: Float64Array, r: number, label: string): ReducedQuadratic {
  if (basis === null) return { P: P.map((row) => Float64Array.from(row)), q: Float64Array.from(q), b, label };
  const n = P.length;
  // PR (n × r), then Rᵀ(PR) (r × r).
  const PR = P.map((row) => matTVec(basis, row, r));
  const reducedP = Array.from({ length: r }, (_, i) => Float64Array.from({ length: r }, (_, k) => {
    let sum = 0;
    for (let row = 0; row < n; row++) sum += basis[row]![i]! * PR[row]![k]!;
    return sum;
  }));
  for (let i = 0; i < r; i++) {
    for (let k = 0; k < i; k++) {
      const mean = 0.5 * (reducedP[i]![k]! + reducedP[k]![i]!);
      reducedP[i]![k] = mean;
      reducedP[k]![i] = mean;
    }
  }
  const Pp0 = matVec(P, offset);
  const linear = Float64Array.from(Pp0, (v, i) => v + q[i]!);
  return { P: reducedP, q: matTVec(basis, linear, r), b: b - 0.5 * dot(offset, Pp0) - dot(q, offset), label };
}

function checkBox(spec: ConstraintSetSpec): void {
  if (spec.box === undefined) return;
  for (let j = 0; j < spec.dimension; j++) {
    const l = spec.box.lower[j]!;
    const u = spec.box.upper[j]!;
    if (l > u) throw new InfeasibleSetError([`box lower bound of y[${j}]`, `box upper bound of y[${j}]`], `lower ${l} > upper ${u}`);
    if (l === u) throw new EmptyInteriorError([`box lower bound of y[${j}]`, `box upper bound of y[${j}]`], `both pin y[${j}] to ${l}`);
  }
}
