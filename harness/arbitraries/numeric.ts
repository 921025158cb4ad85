/**
 * fast-check arbitraries for numeric methods: finite vectors, adversarial magnitudes, matrices
 * with a bounded condition number, positive (semi)definite matrices, polytopes with a non-empty
 * interior and ellipsoids, each with a known interior point.
 *
 * Shapes (lengths, dimensions, row counts) are fast-check values and shrink. Matrix and polytope
 * entries are built from a fast-check seed with the suite's seeded generator, because shrinking
 * entries one by one would leave the guaranteed class (an orthogonal factor stops being
 * orthogonal, a polytope loses its interior); a failing case still replays from fast-check's seed
 * and path.
 */
import fc from 'fast-check';
import { Matrix, QrDecomposition } from 'ml-matrix';
import { Rng } from '../rng';

/** Magnitudes that break careless numeric code: zero, a tiny normal number, a value near 1, a large one. */
export const ADVERSARIAL_MAGNITUDES: readonly number[] = [0, 1e-300, 1e-8, 1, 1e6];

/** A dense matrix as rows. */
export type Rows = number[][];

/**
 * Arbitrary of magnitudes: the adversarial ones of {@link ADVERSARIAL_MAGNITUDES} half of the
 * time, otherwise log-uniform in [1e-3, 1e3].
 */
export function adversarialMagnitude(): fc.Arbitrary<number> {
  return fc.oneof(
    fc.constantFrom(...ADVERSARIAL_MAGNITUDES),
    fc.double({ min: -3, max: 3, noNaN: true }).map((e) => 10 ** e),
  );
}

/**
 * Arbitrary of finite vectors with entries in [-maxMagnitude, maxMagnitude].
 *
 * @example finiteVector(3, { maxMagnitude: 10 })
 * @param length - number of entries
 * @param options.maxMagnitude - bound on every entry's absolute value (default 1e3)
 */
export function finiteVector(length: number, options: { maxMagnitude?: number } = {}): fc.Arbitrary<number[]> {
  const bound = options.maxMagnitude ?? 1e3;
  return fc.array(fc.double({ min: -bound, max: bound, noNaN: true, noDefaultInfinity: true }), { minLength: length, maxLength: length });
}

/**
 * Arbitrary of vectors `magnitude · u` with `u` a random direction of unit max-norm and the
 * magnitude from {@link adversarialMagnitude}, so 0, 1e-300 and 1e6 all occur.
 *
 * @param length - number of entries
 */
export function scaledVector(length: number): fc.Arbitrary<number[]> {
  return fc.tuple(seed(), adversarialMagnitude()).map(([s, magnitude]) => {
    const direction = gaussianVector(new Rng(s), length);
    const norm = Math.max(...direction.map(Math.abs));
    return direction.map((x) => (norm === 0 ? 0 : (magnitude * x) / norm));
  });
}

/**
 * Arbitrary of `rows × cols` matrices `U diag(σ) Vᵀ` with random orthogonal `U`, `V` and singular
 * values log-uniform in [scale, scale · maxCondition], so the 2-norm condition number is at most
 * `maxCondition`.
 *
 * @param options.maxCondition - bound on the condition number (default 100)
 * @param options.scale - smallest singular value (default 1)
 */
export function wellConditionedMatrix(rows: number, cols: number, options: { maxCondition?: number; scale?: number } = {}): fc.Arbitrary<Rows> {
  const kappa = options.maxCondition ?? 100;
  const scale = options.scale ?? 1;
  if (!(kappa >= 1)) throw new Error(`wellConditionedMatrix needs maxCondition >= 1, got ${kappa}`);
  return seed().map((s) => {
    const rng = new Rng(s);
    const u = randomOrthogonal(rng, rows);
    const v = randomOrthogonal(rng, cols);
    const sigma = Array.from({ length: Math.min(rows, cols) }, () => scale * kappa ** rng.float());
    return product(u, sigma, v, rows, cols);
  });
}

/**
 * Arbitrary of symmetric positive semidefinite `n × n` matrices `Q diag(λ) Qᵀ`.
 *
 * @param options.rank - number of non-zero eigenvalues (default n: positive definite)
 * @param options.maxCondition - ratio of the largest to the smallest non-zero eigenvalue (default 100)
 * @param options.scale - smallest non-zero eigenvalue (default 1)
 */
export function psdMatrix(n: number, options: { rank?: number; maxCondition?: number; scale?: number } = {}): fc.Arbitrary<Rows> {
  return seed().map((s) => randomPsd(new Rng(s), n, options));
}

/** A bounded polytope `{y : A y ≤ b}` with a known interior point and inscribed ball. */
export interface PolytopeCase {
  dimension: number;
  A: Rows;
  b: number[];
  /** A point with `A interior < b`. */
  interior: number[];
  /** Radius of a ball around `interior` inside the polytope. */
  radius: number;
}

/** Options of {@link polytope}. */
export interface PolytopeOptions {
  /** Rows beyond the n + 1 that bound the polytope (default 0 to 2n). */
  extraRows?: fc.Arbitrary<number>;
  /** Whether to include the n + 1 rows whose normals positively span the space (default true). */
  bounded?: boolean;
  /** Largest |entry| of the interior point (default 10). */
  centreMagnitude?: number;
}

/**
 * Arbitrary of polytopes in dimension `n` with a non-empty interior. Row normals are random unit
 * vectors, and each offset puts the row at a distance in [0.2, 2] · size from the centre, so the
 * ball of radius 0.2 · size around it is inside. With `bounded` (the default), n + 1 of the
 * normals are the vertices of a randomly rotated simplex; their positive span is the whole space,
 * so the polytope is bounded. Each row is then multiplied by a factor in [0.1, 10], which changes
 * its scale but not the set.
 */
export function polytope(n: number, options: PolytopeOptions = {}): fc.Arbitrary<PolytopeCase> {
  const bounded = options.bounded ?? true;
  const centreMagnitude = options.centreMagnitude ?? 10;
  const extra = options.extraRows ?? fc.integer({ min: 0, max: 2 * n });
  return fc.tuple(seed(), extra, fc.double({ min: -1, max: 1, noNaN: true })).map(([s, extraRows, logSize]) => {
    const rng = new Rng(s);
    const size = 10 ** logSize;
    const centre = Array.from({ length: n }, () => centreMagnitude * (2 * rng.float() - 1));
    const normals: number[][] = bounded ? spanningNormals(rng, n) : [];
    for (let k = 0; k < extraRows; k++) normals.push(unit(gaussianVector(rng, n)));
    if (normals.length === 0) normals.push(unit(gaussianVector(rng, n)));

    const A: Rows = [];
    const b: number[] = [];
    let radius = Infinity;
    for (const normal of normals) {
      const distance = size * (0.2 + 1.8 * rng.float());
      radius = Math.min(radius, distance);
      const rowScale = 10 ** (2 * rng.float() - 1);
      A.push(normal.map((x) => x * rowScale));
      b.push((dot(normal, centre) + distance) * rowScale);
    }
    return { dimension: n, A, b, interior: centre, radius };
  });
}

/** An ellipsoid `{y : ½ yᵀ P y + qᵀ y ≤ b}`, written as `½ (y − c)ᵀ P (y − c) ≤ ½ ρ²`. */
export interface EllipsoidCase {
  dimension: number;
  P: Rows;
  q: number[];
  b: number;
  centre: number[];
  /** ρ: the set is the points within P-distance ρ of the centre. */
  radius: number;
}

/**
 * Arbitrary of ellipsoids (P positive definite, condition number at most `maxCondition`) that
 * contain the point `contains` strictly inside: the radius exceeds the P-distance of `contains`
 * from the centre by a factor in [1.2, 3].
 *
 * @param contains - a point the ellipsoid must contain in its interior; the centre is drawn
 *   within distance 1 of it
 */
export function ellipsoid(n: number, contains: readonly number[], options: { maxCondition?: number; rank?: number } = {}): fc.Arbitrary<EllipsoidCase> {
  if (contains.length !== n) throw new Error(`ellipsoid: 'contains' has length ${contains.length}, expected ${n}`);
  return seed().map((s) => {
    const rng = new Rng(s);
    const P = randomPsd(rng, n, { maxCondition: options.maxCondition ?? 20, scale: 0.05 + rng.float(), rank: options.rank ?? n });
    const centre = contains.map((x) => x + (2 * rng.float() - 1));
    const offset = contains.map((x, i) => x - centre[i]!);
    const inner = Math.sqrt(Math.max(quadraticForm(P, offset), 1e-2));
    const radius = inner * (1.2 + 1.8 * rng.float());
    const Pc = matVec(P, centre);
    return { dimension: n, P, q: Pc.map((x) => -x), b: 0.5 * radius * radius - 0.5 * dot(centre, Pc), centre, radius };
  });
}

// ---------------------------------------------------------------------------------------------
// Helpers, exported for tests and for arbitraries built elsewhere on the same seeds.

/** Arbitrary of 32-bit seeds for the suite's generator. */
export function seed(): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 0x7fffffff });
}

/** Returns `n` independent standard normal entries. */
export function gaussianVector(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.normal());
}

/** Returns a random orthogonal `n × n` matrix (Q factor of a Gaussian matrix, signs fixed by R's diagonal). */
export function randomOrthogonal(rng: Rng, n: number): Rows {
  if (n === 0) return [];
  const gaussian = new Matrix(Array.from({ length: n }, () => gaussianVector(rng, n)));
  const qr = new QrDecomposition(gaussian);
  const q = qr.orthogonalMatrix.to2DArray();
  const r = qr.upperTriangularMatrix;
  // Multiplying column j by sign(R_jj) makes the distribution uniform (Haar) on the orthogonal group.
  for (let j = 0; j < n; j++) {
    if (r.get(j, j) < 0) for (let i = 0; i < n; i++) q[i]![j] = -q[i]![j]!;
  }
  return q;
}

/** Returns a random symmetric positive semidefinite matrix; see {@link psdMatrix}. */
export function randomPsd(rng: Rng, n: number, options: { rank?: number; maxCondition?: number; scale?: number } = {}): Rows {
  const rank = options.rank ?? n;
  const kappa = options.maxCondition ?? 100;
  const scale = options.scale ?? 1;
  if (!(rank >= 0 && rank <= n)) throw new Error(`psd matrix rank must be in [0, ${n}], got ${rank}`);
  const q = randomOrthogonal(rng, n);
  const eigenvalues = Array.from({ length: n }, (_, k) => (k < rank ? scale * kappa ** rng.float() : 0));
  const P: Rows = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += q[i]![k]! * eigenvalues[k]! * q[j]![k]!;
      P[i]![j] = sum;
      P[j]![i] = sum;
    }
  }
  return P;
}

function spanningNormals(rng: Rng, n: number): number[][] {
  const q = randomOrthogonal(rng, n);
  const simplex: number[][] = [];
  for (let k = 0; k < n; k++) simplex.push(q.map((row) => row[k]!));
  simplex.push(unit(q.map((row) => -row.reduce((a, x) => a + x, 0))));
  return simplex;
}

function product(u: Rows, sigma: number[], v: Rows, rows: number, cols: number): Rows {
  const out: Rows = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let sum = 0;
      for (let k = 0; k < sigma.length; k++) sum += u[i]![k]! * sigma[k]! * v[j]![k]!;
      out[i]![j] = sum;
    }
  }
  return out;
}

function unit(x: number[]): number[] {
  const norm = Math.hypot(...x);
  return norm === 0 ? x.map((_, i) => (i === 0 ? 1 : 0)) : x.map((v) => v / norm);
}

function dot(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function matVec(m: Rows, x: readonly number[]): number[] {
  return m.map((row) => dot(row, x));
}

function quadraticForm(m: Rows, x: readonly number[]): number {
  return dot(x, matVec(m, x));
}
