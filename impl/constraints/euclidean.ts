/**
 * The Euclidean (nearest-point) projection onto the feasible set, the baseline users reach for
 * when outputs must be feasible:
 *
 *   Π(z) = argmin over y ∈ Ω of ½ |y − z|²
 *
 * Algorithms, both in float64:
 * - Polyhedral sets (linear rows, box bounds, equalities): the Goldfarb–Idnani dual active-set
 *   method of the `quadprog` package, which ends after finitely many active-set changes with the
 *   exact projection and its Lagrange multipliers.
 * - Sets with quadratic rows: the log-barrier interior-point method of `_internals/barrier.ts`,
 *   a convex QCQP solved to a duality-gap bound of 1e-13 · (1 + |z|²).
 *   NOTE: Dykstra's alternating projections, the other convergent method for this case, needed
 *   over 20 000 sweeps on the suite's generated sets for points 1e3 to 1e6 away from the set.
 *
 * Multipliers satisfy the KKT conditions of the projection:
 *   z − y = Σᵢ λᵢ aᵢ + Σⱼ μⱼ ∇fⱼ(y) + Σ box terms + Cᵀν,   λ, μ ≥ 0, each zero unless its row is active.
 */
import { Matrix, pseudoInverse } from 'ml-matrix';
import { solveQP } from 'quadprog';
import { ConstraintError, InvalidConstraintSetError } from './errors';
import { solveQcqp } from './_internals/barrier';
import { dot, matVec, maxAbs } from './_internals/linalg';
import { lift, lower } from './_internals/reduced';
import type { PreparedSet } from './prepare';
import type { ConstraintSetSpec } from './types';
import { validateInputs } from './validate';

/** The projection and its multipliers, indexed like the spec's rows. */
export interface EuclideanProjection {
  y: Float64Array;
  /** Multipliers of `linear` rows (≥ 0). */
  linear: Float64Array;
  /** Multipliers of box upper bounds and lower bounds, per coordinate (≥ 0; 0 for open sides). */
  boxUpper: Float64Array;
  boxLower: Float64Array;
  /** Multipliers of quadratic rows (≥ 0). */
  quadratic: Float64Array;
  /** Multipliers of equality rows (any sign). */
  equality: Float64Array;
  method: 'active-set-qp' | 'interior-point';
  /** Active-set iterations (QP) or Newton steps (interior point). */
  iterations: number;
}

/** Options of {@link euclideanProjection}. */
export interface EuclideanOptions {
  /** Sets with quadratic rows: stop at a duality-gap bound of tolerance · (1 + |z|²) (default 1e-13). */
  tolerance?: number;
}

/**
 * Projects `z` onto the set.
 *
 * @example euclideanProjection(set, [3, -1]).y
 * @throws InvalidInputError for NaN, infinite entries or a wrong length; ConstraintError when
 *   the active-set QP fails.
 */
export function euclideanProjection(set: PreparedSet, z: ArrayLike<number>, options: EuclideanOptions = {}): EuclideanProjection {
  validateInputs([z], set.dimension, 'point', `a point of the set's dimension ${set.dimension}`);
  // A point whose reduced coordinates meet every inequality (up to 1e-12 of each row's magnitude,
  // the rounding of a computed projection) projects to itself within the affine hull of the set.
  // Returning it unchanged keeps the projection idempotent.
  const target = lower(set, z);
  if (satisfiesInequalities(set, target)) return assemble(set, z, lift(set, target), new Float64Array(set.rows.length), new Float64Array(set.quadratics.length), 'active-set-qp', 0);
  if (set.quadratics.length === 0) return polyhedralProjection(set, z);
  return barrierProjection(set, z, options);
}

/**
 * Returns Jᵀg = J g for the Jacobian J of the projection at a point whose projection is `projection`,
 * for polyhedral sets: J = I − Nᵀ(N Nᵀ)⁺N, with N the normals of the rows whose multiplier is
 * positive and of the equalities (the projection onto the tangent subspace of the active face).
 *
 * @throws InvalidConstraintSetError for sets with quadratic rows.
 */
export function projectionVjp(spec: ConstraintSetSpec, projection: EuclideanProjection, g: ArrayLike<number>): Float64Array {
  if ((spec.quadratic ?? []).length > 0) {
    throw new InvalidConstraintSetError('the backward pass of the Euclidean projection supports polyhedral sets only (linear rows, box bounds, equalities); remove the quadratic rows or use the ray layer');
  }
  const n = spec.dimension;
  const normals: number[][] = [];
  const scale = Math.max(1e-300, maxAbs(projection.linear), maxAbs(projection.boxUpper), maxAbs(projection.boxLower));
  const active = (lambda: number) => lambda > 1e-12 * scale;
  spec.linear?.A.forEach((a, i) => {
    if (active(projection.linear[i]!)) normals.push([...a]);
  });
  for (let j = 0; j < n; j++) {
    if (active(projection.boxUpper[j]!) || active(projection.boxLower[j]!)) normals.push(Array.from({ length: n }, (_, k) => (k === j ? 1 : 0)));
  }
  spec.equality?.C.forEach((c) => normals.push([...c]));
  const out = Float64Array.from(g);
  if (normals.length === 0) return out;

  const N = new Matrix(normals);
  const gram = N.mmul(N.transpose());
  const coefficients = pseudoInverse(gram).mmul(N.mmul(Matrix.columnVector(Array.from(g))));
  const correction = N.transpose().mmul(coefficients).to1DArray();
  for (let j = 0; j < n; j++) out[j]! -= correction[j]!;
  return out;
}

/**
 * Projects onto a polyhedral set by quadprog, in reduced coordinates (y = R w + p₀ with
 * orthonormal R, so ½|y − z|² = ½|w − Rᵀ(z − p₀)|² + constant). Working on w removes the
 * equalities, which the Goldfarb–Idnani method rejects as inconsistent when they are linearly
 * dependent.
 */
function polyhedralProjection(set: PreparedSet, z: ArrayLike<number>): EuclideanProjection {
  const r = set.freeDimension;
  const target = lower(set, z);
  let w: Float64Array = target;
  let lambda = new Float64Array(set.rows.length);
  let iterations = 0;

  if (set.rows.length > 0) {
    // quadprog: minimize ½|w|² − targetᵀw subject to Aᵀw ≥ b₀ (1-based arrays); a·w ≤ b becomes (−a)·w ≥ −b.
    // D = I is its own inverse Cholesky factor, so it is passed as already factorized.
    const D = oneBased(Array.from({ length: r }, (_, i) => oneBased(Array.from({ length: r }, (_, j) => (i === j ? 1 : 0)))));
    const A = oneBased(Array.from({ length: r }, (_, i) => oneBased(set.rows.map((row) => -row[i]!))));
    const solved = solveQP(D, oneBased(Array.from(target)), A, oneBased(Array.from(set.rhs, (b) => -b)), 0, [0, 1]);
    if (solved.message !== '') throw new ConstraintError(`the active-set QP of the Euclidean projection failed: ${solved.message}`);
    w = Float64Array.from(solved.solution.slice(1));
    // Stationarity reads target − w = Σ λᵢ aᵢ with λᵢ the Lagrangian of row i.
    lambda = Float64Array.from(solved.Lagrangian.slice(1));
    iterations = solved.iterations[1] ?? 0;
  }
  return assemble(set, z, lift(set, w), lambda, new Float64Array(0), 'active-set-qp', iterations);
}

/**
 * Builds the result from multipliers of the reduced rows, mapped back to the spec's rows by their
 * labels; equality multipliers ν are fitted to z − y − (inequality terms) = Cᵀν by least squares.
 */
function assemble(set: PreparedSet, z: ArrayLike<number>, y: Float64Array, rowMultipliers: Float64Array, quadraticMultipliers: Float64Array, method: EuclideanProjection['method'], iterations: number): EuclideanProjection {
  const spec = set.spec;
  const n = spec.dimension;
  const result: EuclideanProjection = {
    y,
    linear: new Float64Array((spec.linear?.A ?? []).length),
    boxUpper: new Float64Array(n),
    boxLower: new Float64Array(n),
    quadratic: new Float64Array((spec.quadratic ?? []).length),
    equality: new Float64Array((spec.equality?.C ?? []).length),
    method,
    iterations,
  };
  set.rowLabels.forEach((label, i) => {
    const lambda = rowMultipliers[i]!;
    const linear = /^linear row (\d+)$/.exec(label);
    const box = /^box (upper|lower) bound of y\[(\d+)\]$/.exec(label);
    if (linear !== null) result.linear[Number(linear[1])] = lambda;
    else if (box !== null) (box[1] === 'upper' ? result.boxUpper : result.boxLower)[Number(box[2])] = lambda;
  });
  set.quadratics.forEach((q, j) => {
    result.quadratic[Number(/^quadratic constraint (\d+)$/.exec(q.label)![1])] = quadraticMultipliers[j]!;
  });
  if (spec.equality !== undefined && spec.equality.C.length > 0) result.equality = equalityMultipliers(spec, z, result);
  return result;
}

/**
 * Projects onto a set with quadratic rows by the barrier method, in reduced coordinates
 * (y = R w + p₀ with orthonormal R, so ½|y − z|² = ½|w − Rᵀ(z − p₀)|² + constant), started at the
 * interior point. Complementarity is met up to the final 1/t, and the multipliers are refitted to
 * stationarity by least squares.
 */
function barrierProjection(set: PreparedSet, z: ArrayLike<number>, options: EuclideanOptions): EuclideanProjection {
  const r = set.freeDimension;
  const target = lower(set, z);
  const identity = Array.from({ length: r }, (_, i) => Float64Array.from({ length: r }, (_, k) => (i === k ? 1 : 0)));
  const solution = solveQcqp(
    { dimension: r, H: identity, h: target.map((x) => -x), G: set.rows, g: set.rhs, quadratic: set.quadratics.map((q) => ({ P: q.P, q: q.q, b: q.b })) },
    set.interior,
    { tolerance: (options.tolerance ?? 1e-13) * (1 + dot(target, target)), polish: true },
  );
  return assemble(set, z, lift(set, solution.x), solution.lambda, solution.mu, 'interior-point', solution.newtonSteps);
}

function satisfiesInequalities(set: PreparedSet, w: Float64Array): boolean {
  const slack = 1e-12;
  for (let i = 0; i < set.rows.length; i++) {
    const terms = set.rows[i]!.reduce((sum, a, k) => sum + Math.abs(a * w[k]!), 0);
    if (dot(set.rows[i]!, w) - set.rhs[i]! > slack * (1 + terms + Math.abs(set.rhs[i]!))) return false;
  }
  for (const q of set.quadratics) {
    const Pw = matVec(q.P, w);
    const terms = Math.abs(0.5 * dot(w, Pw)) + q.q.reduce((sum, a, k) => sum + Math.abs(a * w[k]!), 0);
    if (0.5 * dot(w, Pw) + dot(q.q, w) - q.b > slack * (1 + terms + Math.abs(q.b))) return false;
  }
  return true;
}

/** Returns the ν that fits z − y − (inequality terms) = Cᵀν by least squares. */
function equalityMultipliers(spec: ConstraintSetSpec, z: ArrayLike<number>, projection: EuclideanProjection): Float64Array {
  const n = spec.dimension;
  const y = projection.y;
  const residual = Float64Array.from(z, (zi, i) => zi - y[i]!);
  spec.linear?.A.forEach((a, i) => a.forEach((x, k) => (residual[k]! -= projection.linear[i]! * x)));
  for (let k = 0; k < n; k++) residual[k]! -= projection.boxUpper[k]! - projection.boxLower[k]!;
  spec.quadratic?.forEach((q, j) => {
    const gradient = matVec(q.P, y).map((v, i) => v + q.q[i]!);
    gradient.forEach((g, k) => (residual[k]! -= projection.quadratic[j]! * g));
  });
  const C = new Matrix(spec.equality!.C.map((row) => [...row]));
  return Float64Array.from(pseudoInverse(C.mmul(C.transpose())).mmul(C.mmul(Matrix.columnVector(Array.from(residual)))).to1DArray());
}

function oneBased<T>(values: T[]): T[] {
  return [undefined as unknown as T, ...values];
}

