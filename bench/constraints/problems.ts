/**
 * Generated constraint sets and hidden vectors for the comparison runs and speed suites. They are
 * drawn from the suite's seeded generator, so every run with a given seed gets the same problems.
 */
import { ADVERSARIAL_MAGNITUDES, gaussianVector, randomOrthogonal, randomPsd } from '../../harness/arbitraries/numeric';
import type { Rng } from '../../harness/rng';
import type { ConstraintSetSpec, JointConstraintSpec, LayerMode, QuadraticConstraint } from '../../impl/constraints/index';

/** A set with a point known to be inside it. */
export interface Problem {
  spec: ConstraintSetSpec;
  inside: number[];
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
const unit = (x: number[]) => {
  const norm = Math.hypot(...x);
  return x.map((v) => v / norm);
};

/**
 * Returns a bounded polytope with m ≥ n + 1 rows around a random centre. n + 1 normals come from
 * a rotated simplex, which makes the polytope bounded, and the rest are random. Each row lies at
 * distance 0.5 to 2 from the centre.
 */
export function randomPolytope(rng: Rng, n: number, m: number): { A: number[][]; b: number[]; centre: number[] } {
  if (m < n + 1) throw new Error(`a bounded polytope in dimension ${n} needs at least ${n + 1} rows, got ${m}`);
  const centre = Array.from({ length: n }, () => 2 * rng.normal());
  const q = randomOrthogonal(rng, n);
  const normals: number[][] = Array.from({ length: n }, (_, k) => q.map((row) => row[k]!));
  normals.push(unit(q.map((row) => -row.reduce((a, x) => a + x, 0))));
  while (normals.length < m) normals.push(unit(gaussianVector(rng, n)));
  const b = normals.map((a) => dot(a, centre) + 0.5 + 1.5 * rng.float());
  return { A: normals, b, centre };
}

/** Returns an ellipsoid ½(y − c)ᵀP(y − c) ≤ ½ρ² that contains `point`, with P of the given rank. */
export function ellipsoidAround(rng: Rng, point: readonly number[], rank = point.length): QuadraticConstraint {
  const n = point.length;
  const P = randomPsd(rng, n, { rank, maxCondition: 10, scale: 0.2 + rng.float() });
  const centre = point.map((x) => x + 0.5 * rng.normal());
  const offset = point.map((x, i) => x - centre[i]!);
  const inner = Math.sqrt(Math.max(dot(offset, P.map((row) => dot(row, offset))), 0.25));
  const radius = inner * (1.5 + rng.float());
  const Pc = P.map((row) => dot(row, centre));
  return { P, q: Pc.map((x) => -x), b: 0.5 * radius * radius - 0.5 * dot(centre, Pc) };
}

/** The families of the feasibility sweep. */
export type FamilyName = 'linear' | 'quadratic' | 'mixed' | 'box' | 'equality';

/** Returns a set of the given family in dimension n. */
export function familyProblem(rng: Rng, family: FamilyName, n: number): Problem {
  if (family === 'box') {
    const lower = Array.from({ length: n }, () => 5 * rng.normal());
    const upper = lower.map((l) => l + 0.1 + 5 * rng.float());
    const inside = lower.map((l, j) => l + (upper[j]! - l) * (0.1 + 0.8 * rng.float()));
    return { spec: { dimension: n, box: { lower, upper }, interiorPoint: inside }, inside };
  }
  if (family === 'quadratic') {
    const centre = Array.from({ length: n }, () => 2 * rng.normal());
    const quadratic = [ellipsoidAround(rng, centre), ellipsoidAround(rng, centre), ellipsoidAround(rng, centre, Math.max(1, n - 2))];
    return { spec: { dimension: n, quadratic }, inside: centre };
  }
  const polytope = randomPolytope(rng, n, 3 * n);
  if (family === 'linear') return { spec: { dimension: n, linear: { A: polytope.A, b: polytope.b } }, inside: polytope.centre };
  if (family === 'mixed') {
    const quadratic = [ellipsoidAround(rng, polytope.centre), ellipsoidAround(rng, polytope.centre, 1)];
    return { spec: { dimension: n, linear: { A: polytope.A, b: polytope.b }, quadratic }, inside: polytope.centre };
  }
  const C = Array.from({ length: 3 }, () => gaussianVector(rng, n));
  const e = C.map((row) => dot(row, polytope.centre));
  return { spec: { dimension: n, linear: { A: polytope.A, b: polytope.b }, equality: { C, e } }, inside: polytope.centre };
}

/** Returns joint constraints G_y y + G_x x ≤ h that the polytope's centre meets for every x in [-1, 1]^d. */
export function jointProblem(rng: Rng, n: number, d: number): { spec: JointConstraintSpec; inside: number[] } {
  const polytope = randomPolytope(rng, n, 3 * n);
  const Gx = polytope.A.map(() => gaussianVector(rng, d));
  const lower = new Array<number>(d).fill(-1);
  const upper = new Array<number>(d).fill(1);
  const h = polytope.b.map((bi, i) => bi + Gx[i]!.reduce((sum, g) => sum + Math.abs(g), 0));
  return { spec: { outputDimension: n, inputDimension: d, Gy: polytope.A, Gx, h, inputBox: { lower, upper } }, inside: polytope.centre };
}

/**
 * Returns a hidden vector for `mode` of the given input length. Its direction (or its offset from
 * `inside` in projection mode) has max-norm 0, 1e-300, 1e-8, 1 or 1e6 half of the time, and a
 * log-uniform max-norm in [1e-3, 1e3] otherwise. Ray inputs start with a scale logit in
 * {−50, 0, 50} or [−30, 30].
 */
export function hiddenVector(rng: Rng, mode: LayerMode, length: number, inside: readonly number[]): number[] {
  const directionLength = mode === 'ray' ? length - 1 : length;
  const magnitude = rng.bool() ? rng.pick(ADVERSARIAL_MAGNITUDES) : 10 ** (6 * rng.float() - 3);
  const direction = gaussianVector(rng, directionLength);
  const norm = Math.max(...direction.map(Math.abs));
  const scaled = direction.map((x) => (magnitude * x) / norm);
  if (mode === 'projection') return scaled.map((x, i) => x + inside[i]!);
  if (mode === 'boundary') return scaled;
  const logit = rng.bool() ? rng.pick([-50, 0, 50]) : 60 * rng.float() - 30;
  return [logit, ...scaled];
}
