/**
 * A log-barrier interior-point method for small convex quadratically constrained quadratic
 * programs:
 *
 *   minimize ½ xᵀ H x + hᵀ x   subject to   G x ≤ g,   ½ xᵀ Pⱼ x + qⱼᵀ x ≤ bⱼ  (Pⱼ, H PSD)
 *
 * It serves two purposes: the interior point of a set with quadratic rows (the point of largest
 * constraint margin), and the exact optimum that the optimisation comparison measures the layer
 * against. NOTE: hand-written because no maintained npm package solves convex QCQPs (HiGHS, used
 * for every linear program here, solves LPs and QPs with linear constraints only).
 *
 * Method: for t = t₀, 10 t₀, …, damped Newton steps on φₜ(x) = t f₀(x) − Σᵢ log sᵢ(x), where
 * sᵢ(x) > 0 are the slacks; stops when the duality-gap bound (number of rows)/t is below the
 * tolerance. The multipliers are λᵢ = 1 / (t sᵢ).
 */
import { CholeskyDecomposition, Matrix, pseudoInverse, solve } from 'ml-matrix';
import { dot, matVec, type Vec } from './linalg';

/** A convex QCQP; see the module comment. */
export interface Qcqp {
  dimension: number;
  /** H (omit for a linear objective). */
  H?: readonly Vec[];
  h: Vec;
  G: readonly Vec[];
  g: Vec;
  quadratic: readonly { P: readonly Vec[]; q: Vec; b: number }[];
}

/** Result of {@link solveQcqp}. */
export interface QcqpSolution {
  x: Float64Array;
  objective: number;
  /** Multipliers of the linear rows. */
  lambda: Float64Array;
  /** Multipliers of the quadratic rows. */
  mu: Float64Array;
  /** Upper bound on objective − optimum at the returned point: (number of rows) / t. */
  gapBound: number;
  newtonSteps: number;
}

/** Options of {@link solveQcqp}. */
export interface QcqpOptions {
  /** Stop when the gap bound is below this value (default 1e-10 · (1 + |objective|)). */
  tolerance?: number;
  /** Safety cap on Newton steps (default 5000). */
  maxNewtonSteps?: number;
  /** Barrier weight of the first centering (default rows / (1 + |f₀(start)|)). */
  initialT?: number;
  /**
   * Finish with Newton's method on the KKT equations of the rows found active (default false).
   * The central path approaches the optimum only as fast as the gap bound shrinks, so a point
   * can end up about √(gap) away from the true solution. The polish reaches rounding accuracy
   * when the active set is right, and is dropped when it is not.
   */
  polish?: boolean;
}

/**
 * Minimizes a convex QCQP from a strictly feasible start.
 *
 * @throws Error when `start` is not strictly feasible, or when Newton's method stalls.
 */
export function solveQcqp(problem: Qcqp, start: Vec, options: QcqpOptions = {}): QcqpSolution {
  const n = problem.dimension;
  const rows = problem.G.length + problem.quadratic.length;
  const maxSteps = options.maxNewtonSteps ?? 5000;
  let x = Float64Array.from(start);
  const initial = slacks(problem, x);
  if (!initial.every((s) => s > 0)) throw new Error(`barrier start is not strictly feasible (smallest slack ${Math.min(...initial)})`);
  if (rows === 0) throw new Error('barrier method needs at least one constraint row');

  // Start the path where the barrier's gap bound rows/t matches the objective's size, so the first
  // centering begins near the central path instead of far below it.
  let t = options.initialT ?? rows / (1 + Math.abs(objectiveValue(problem, x)));
  let steps = 0;
  for (;;) {
    // Centering: Newton's method on φₜ. Far from the centre (Newton decrement λ² ≥ 0.1) steps are
    // damped by a backtracking line search on φₜ; near it, full steps converge quadratically for a
    // self-concordant barrier and are taken without comparing values of φₜ, whose rounding error
    // (about t·|f₀|·1e-16) would otherwise stall the search. Stops when λ²/2 ≤ 1e-12, or when λ²
    // stops shrinking in the full-step phase (rounding floor).
    let centeringSteps = 0;
    let previous = Infinity;
    for (;;) {
      const { gradient, hessian } = derivatives(problem, x, t);
      const step = solveNewton(hessian, gradient, n);
      const decrement = -dot(gradient, step);
      if (decrement / 2 <= 1e-12 || steps >= maxSteps || centeringSteps >= 500) break;
      if (decrement < 0.1 && decrement >= previous) break;
      steps++;
      centeringSteps++;

      if (decrement < 0.1) {
        const candidate = x.map((xi, i) => xi + step[i]!);
        if (slacks(problem, candidate).every((s) => s > 0)) {
          x = candidate;
          previous = decrement;
          continue;
        }
      }

      let alpha = 1;
      let improved = false;
      const current = barrierValue(problem, x, t);
      while (alpha >= 1e-20) {
        const candidate = x.map((xi, i) => xi + alpha * step[i]!);
        const value = barrierValue(problem, candidate, t);
        if (Number.isFinite(value) && value <= current - 0.25 * alpha * decrement) {
          // A step that leaves φₜ unchanged in floating point means rounding has ended the centering.
          improved = value < current;
          x = candidate;
          break;
        }
        alpha /= 2;
      }
      if (!improved) break;
    }

    const objective = objectiveValue(problem, x);
    const tolerance = options.tolerance ?? 1e-10 * (1 + Math.abs(objective));
    if (rows / t <= tolerance || steps >= maxSteps) {
      if (steps >= maxSteps && rows / t > tolerance) throw new Error(`barrier method did not converge within ${maxSteps} Newton steps (gap bound ${rows / t})`);
      const s = slacks(problem, x);
      const estimates = Float64Array.from(s, (si) => 1 / (t * si));
      let multipliers = refineMultipliers(problem, x, estimates);
      let point: Float64Array = x;
      if (options.polish) {
        const polished = polishKkt(problem, x, multipliers);
        if (polished !== null) {
          point = polished.x;
          multipliers = polished.multipliers;
        }
      }
      return { x: point, objective: objectiveValue(problem, point), lambda: multipliers.slice(0, problem.G.length), mu: multipliers.slice(problem.G.length), gapBound: rows / t, newtonSteps: steps };
    }
    t *= 10;
  }
}

/**
 * Refits the multipliers of the active rows to stationarity, Σ λᵢ ∇gᵢ(x) = −∇f₀(x), by least
 * squares. The barrier's estimates 1/(t sᵢ) divide by slacks of order 1/t, which carry the
 * rounding error of bᵢ − gᵢ(x): 1e-3 relative and worse once sᵢ ≈ 1e-12. The fit has no such
 * error. Keeps the estimates when the fit gives a negative multiplier.
 */
function refineMultipliers(problem: Qcqp, x: Float64Array, estimates: Float64Array): Float64Array {
  let largest = 0;
  for (const e of estimates) largest = Math.max(largest, e);
  const active = [...estimates.keys()].filter((i) => estimates[i]! > 1e-6 * largest);
  if (active.length === 0) return estimates;

  const normals = active.map((i) => {
    if (i < problem.G.length) return Array.from(problem.G[i]!);
    const { P, q } = problem.quadratic[i - problem.G.length]!;
    return Array.from(matVec(P, x), (v, k) => v + q[k]!);
  });
  const gradient = Array.from(problem.h, (hk, k) => hk + (problem.H === undefined ? 0 : dot(problem.H[k]!, x)));
  const N = new Matrix(normals);
  const fitted = pseudoInverse(N.mmul(N.transpose())).mmul(N.mmul(Matrix.columnVector(gradient.map((g) => -g)))).to1DArray();
  if (fitted.some((lambda) => lambda < 0)) return estimates;
  const refined = new Float64Array(estimates.length);
  active.forEach((i, k) => (refined[i] = fitted[k]!));
  return refined;
}

/**
 * Solves the KKT equations of the active rows A by Newton's method:
 *
 *   H x + h + Σ_{i∈A} λᵢ ∇gᵢ(x) = 0,   gᵢ(x) = bᵢ for i ∈ A,
 *
 * from the barrier's point and multipliers. Returns null unless it converges to a point where
 * every multiplier is non-negative and every other row is satisfied; the caller then keeps the
 * barrier's point.
 */
function polishKkt(problem: Qcqp, start: Float64Array, multipliers: Float64Array): { x: Float64Array; multipliers: Float64Array } | null {
  const n = problem.dimension;
  let largest = 0;
  for (const m of multipliers) largest = Math.max(largest, m);
  const active = [...multipliers.keys()].filter((i) => multipliers[i]! > 1e-9 * largest);
  if (active.length === 0 || active.length > n) return null;
  const k = active.length;
  const linearCount = problem.G.length;

  let x = Float64Array.from(start);
  let lambda = Float64Array.from(active, (i) => multipliers[i]!);
  const normalOf = (i: number, at: Float64Array): Float64Array => {
    if (i < linearCount) return Float64Array.from(problem.G[i]!);
    const { P, q } = problem.quadratic[i - linearCount]!;
    return Float64Array.from(matVec(P, at), (v, j) => v + q[j]!);
  };
  const scale = 1 + Math.max(...Array.from(x, Math.abs));

  for (let iteration = 0; iteration < 30; iteration++) {
    const normals = active.map((i) => normalOf(i, x));
    const residual = new Float64Array(n + k);
    for (let j = 0; j < n; j++) residual[j] = problem.h[j]! + (problem.H === undefined ? 0 : dot(problem.H[j]!, x));
    normals.forEach((normal, a) => normal.forEach((v, j) => (residual[j]! += lambda[a]! * v)));
    const s = slacks(problem, x);
    active.forEach((i, a) => (residual[n + a] = -s[i]!));
    if (Math.max(...Array.from(residual, Math.abs)) <= 1e-14 * scale) break;

    // Jacobian [[H + Σ λᵢ ∇²gᵢ, Nᵀ], [N, 0]].
    const jacobian = Array.from({ length: n + k }, () => new Array<number>(n + k).fill(0));
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) jacobian[i]![j] = problem.H === undefined ? 0 : problem.H[i]![j]!;
    active.forEach((row, a) => {
      if (row >= linearCount) {
        const P = problem.quadratic[row - linearCount]!.P;
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) jacobian[i]![j]! += lambda[a]! * P[i]![j]!;
      }
      normals[a]!.forEach((v, j) => {
        jacobian[j]![n + a] = v;
        jacobian[n + a]![j] = v;
      });
    });
    let step: number[];
    try {
      step = solve(new Matrix(jacobian), Matrix.columnVector(Array.from(residual, (r) => -r))).to1DArray();
    } catch {
      return null;
    }
    if (!step.every(Number.isFinite)) return null;
    x = x.map((v, j) => v + step[j]!);
    lambda = lambda.map((v, a) => v + step[n + a]!);
  }

  // Accept only a KKT point: multipliers non-negative, the other rows satisfied.
  const normals = active.map((i) => normalOf(i, x));
  const stationarity = Float64Array.from({ length: n }, (_, j) => problem.h[j]! + (problem.H === undefined ? 0 : dot(problem.H[j]!, x)));
  normals.forEach((normal, a) => normal.forEach((v, j) => (stationarity[j]! += lambda[a]! * v)));
  if (Math.max(...Array.from(stationarity, Math.abs)) > 1e-10 * scale) return null;
  if (lambda.some((v) => v < 0)) return null;
  const s = slacks(problem, x);
  const bounds = [...Array.from(problem.g), ...problem.quadratic.map((q) => q.b)];
  if (s.some((si, i) => si < -1e-12 * (1 + Math.abs(bounds[i]!)))) return null;

  const full = new Float64Array(multipliers.length);
  active.forEach((i, a) => (full[i] = lambda[a]!));
  return { x, multipliers: full };
}

function objectiveValue(problem: Qcqp, x: Vec): number {
  const quadratic = problem.H === undefined ? 0 : 0.5 * dot(x, matVec(problem.H, x));
  return quadratic + dot(problem.h, x);
}

function slacks(problem: Qcqp, x: Vec): Float64Array {
  const out = new Float64Array(problem.G.length + problem.quadratic.length);
  for (let i = 0; i < problem.G.length; i++) out[i] = problem.g[i]! - dot(problem.G[i]!, x);
  for (let j = 0; j < problem.quadratic.length; j++) {
    const { P, q, b } = problem.quadratic[j]!;
    out[problem.G.length + j] = b - (0.5 * dot(x, matVec(P, x)) + dot(q, x));
  }
  return out;
}

function barrierValue(problem: Qcqp, x: Vec, t: number): number {
  const s = slacks(problem, x);
  let value = t * objectiveValue(problem, x);
  for (const si of s) {
    if (!(si > 0)) return Infinity;
    value -= Math.log(si);
  }
  return value;
}

function derivatives(problem: Qcqp, x: Vec, t: number): { gradient: Float64Array; hessian: Float64Array[] } {
  const n = problem.dimension;
  const gradient = Float64Array.from(problem.h, (hi) => t * hi);
  const hessian = Array.from({ length: n }, () => new Float64Array(n));
  if (problem.H !== undefined) {
    const Hx = matVec(problem.H, x);
    for (let i = 0; i < n; i++) {
      gradient[i]! += t * Hx[i]!;
      for (let j = 0; j < n; j++) hessian[i]![j]! += t * problem.H[i]![j]!;
    }
  }
  const s = slacks(problem, x);
  const addRow = (normal: Vec, slack: number) => {
    for (let i = 0; i < n; i++) {
      gradient[i]! += normal[i]! / slack;
      const scaled = normal[i]! / (slack * slack);
      if (scaled === 0) continue;
      for (let j = 0; j < n; j++) hessian[i]![j]! += scaled * normal[j]!;
    }
  };
  for (let i = 0; i < problem.G.length; i++) addRow(problem.G[i]!, s[i]!);
  for (let j = 0; j < problem.quadratic.length; j++) {
    const { P, q } = problem.quadratic[j]!;
    const slack = s[problem.G.length + j]!;
    const normal = matVec(P, x).map((v, i) => v + q[i]!);
    addRow(normal, slack);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) hessian[i]![k]! += P[i]![k]! / slack;
  }
  return { gradient, hessian };
}

/** Solves H Δ = −gradient by Cholesky, adding a small diagonal shift when H is numerically singular. */
function solveNewton(hessian: Float64Array[], gradient: Float64Array, n: number): Float64Array {
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(hessian[i]![i]!));
  // Rounding leaves the accumulated sums slightly asymmetric; ml-matrix's Cholesky demands exact symmetry.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const mean = 0.5 * (hessian[i]![j]! + hessian[j]![i]!);
      hessian[i]![j] = mean;
      hessian[j]![i] = mean;
    }
  }
  const rhs = Matrix.columnVector(Array.from(gradient, (g) => -g));
  for (const shift of [0, 1e-14, 1e-11, 1e-8]) {
    const shifted = new Matrix(hessian.map((row, i) => Array.from(row, (v, j) => (i === j ? v + shift * Math.max(scale, 1e-300) : v))));
    const cholesky = new CholeskyDecomposition(shifted);
    if (cholesky.isPositiveDefinite()) return Float64Array.from(cholesky.solve(rhs).to1DArray());
  }
  throw new Error('barrier Newton system is singular; the constraints leave a direction in which the problem is unbounded');
}
