/**
 * The Euclidean projection baseline: idempotent, and its output meets the KKT conditions of
 * nearest-point projection with multipliers fitted independently of the implementation (and with
 * the implementation's own multipliers, for the real subject).
 */
import fc from 'fast-check';
import { Matrix, pseudoInverse, solve } from 'ml-matrix';
import { describe } from 'vitest';
import { scaledVector } from '../../harness/arbitraries/numeric';
import { compareNormwise } from '../../harness/numeric';
import { propertyInvariant } from '../../harness/testing/invariant';
import { euclideanProjection, feasibilityReport, oracleOutput, prepareConstraintSet, type ConstraintSetSpec, type EuclideanProjection, type PreparedSet } from '../../impl/constraints/index';
import { anySet } from './_sets';
import { kktStationarity } from './_kkt';

/** A projection under test: the point, and the multipliers when the implementation reports them. */
type Projector = (set: PreparedSet, z: number[]) => { y: ArrayLike<number>; multipliers: EuclideanProjection | null };

const realProjector: Projector = (set, z) => {
  const projection = euclideanProjection(set, z);
  return { y: projection.y, multipliers: projection };
};

/** Control: the central projection toward the interior point, which is feasible but not nearest. */
const centralProjector: Projector = (set, z) => ({ y: oracleOutput(set, 'projection', z), multipliers: null });

/** Control: cyclic projections onto one constraint at a time without Dykstra's correction terms. */
const alternatingProjector: Projector = (set, z) => ({ y: alternatingProjections(set.spec, z), multipliers: null });

/** KKT residuals are judged relative to the magnitudes in play. */
const KKT_RTOL = 1e-7;

describe('euclidean projection', () => {
  propertyInvariant<Projector>({
    id: 'constraints/euclidean-projection-kkt',
    subject: realProjector,
    controls: [
      { name: 'central projection reported as the Euclidean one', subject: centralProjector },
      { name: "alternating projections without Dykstra's correction terms", subject: alternatingProjector },
    ],
    numRuns: { quick: 60, full: 600 },
    property: (project) =>
      fc.asyncProperty(anySet(), scaledVector(6), async (c, offset) => {
        const set = await prepareConstraintSet(c.spec);
        const z = c.inside.map((x, j) => x + offset[j]!);
        const { y, multipliers } = project(set, z);
        const scale = 1 + Math.max(...z.map(Math.abs), ...Array.from(y, Math.abs));

        const report = feasibilityReport(c.spec, y);
        if (report.maxRelativeViolation > 1e-9 || report.equalityRelativeResidual > 1e-9) throw new Error(`projection is not feasible: ${report.worstRow} violated by ${report.maxViolation}, equality residual ${report.equalityResidual}`);

        const kkt = await kktStationarity(c.spec, z, y);
        if (kkt.stationarity > KKT_RTOL * scale) throw new Error(`z − y is not a non-negative combination of the active normals (${kkt.active.join(', ') || 'none active'}): L1 residual ${kkt.stationarity}`);

        const again = project(set, Array.from(y)).y;
        const idempotent = compareNormwise(again, y, { rtol: 1e-9, atol: 0 }, 1);
        if (!idempotent.ok) throw new Error(`projecting the projection moved it by ${idempotent.maxAbsError}`);

        if (multipliers !== null) checkReportedMultipliers(c.spec, z, multipliers, scale);
      }),
  });
});

/** Checks the implementation's own multipliers: non-negative, complementary, and stationary. */
function checkReportedMultipliers(spec: ConstraintSetSpec, z: number[], p: EuclideanProjection, scale: number): void {
  const n = spec.dimension;
  const residual = z.map((zi, j) => zi - p.y[j]!);
  const all = [...p.linear, ...p.quadratic, ...p.boxUpper, ...p.boxLower];
  if (all.some((lambda) => lambda < -KKT_RTOL * scale)) throw new Error(`a reported inequality multiplier is negative: ${Math.min(...all)}`);

  spec.linear?.A.forEach((a, i) => {
    a.forEach((x, j) => (residual[j]! -= p.linear[i]! * x));
    const slack = spec.linear!.b[i]! - a.reduce((s, x, j) => s + x * p.y[j]!, 0);
    if (p.linear[i]! * Math.abs(slack) > KKT_RTOL * scale) throw new Error(`linear row ${i} has multiplier ${p.linear[i]} but slack ${slack}`);
  });
  spec.quadratic?.forEach((q, k) => {
    const gradient = q.P.map((row, j) => row.reduce((s, x, i) => s + x * p.y[i]!, 0) + q.q[j]!);
    gradient.forEach((g, j) => (residual[j]! -= p.quadratic[k]! * g));
  });
  for (let j = 0; j < n; j++) residual[j]! -= p.boxUpper[j]! - p.boxLower[j]!;
  spec.equality?.C.forEach((c, k) => c.forEach((x, j) => (residual[j]! -= p.equality[k]! * x)));
  const largest = Math.max(...residual.map(Math.abs));
  if (largest > KKT_RTOL * scale) throw new Error(`the reported multipliers leave a stationarity residual of ${largest}`);
}

/** Cyclic projections onto each constraint in turn until the point is feasible (at most 20 000 sweeps). */
function alternatingProjections(spec: ConstraintSetSpec, z: number[]): Float64Array {
  let v: Float64Array = Float64Array.from(z);
  const n = spec.dimension;
  for (let sweep = 0; sweep < 20_000; sweep++) {
    spec.linear?.A.forEach((a, i) => {
      const excess = a.reduce((s, x, j) => s + x * v[j]!, 0) - spec.linear!.b[i]!;
      if (excess > 0) {
        const norm2 = a.reduce((s, x) => s + x * x, 0);
        v = v.map((vj, j) => vj - (excess / norm2) * a[j]!);
      }
    });
    if (spec.box !== undefined) v = v.map((vj, j) => Math.min(spec.box!.upper[j]!, Math.max(spec.box!.lower[j]!, vj)));
    for (const q of spec.quadratic ?? []) v = projectOntoQuadratic(q, v);
    if (spec.equality !== undefined) {
      const C = new Matrix(spec.equality.C.map((row) => [...row]));
      const miss = C.mmul(Matrix.columnVector(Array.from(v))).to1DArray().map((x, k) => x - spec.equality!.e[k]!);
      const correction = C.transpose().mmul(pseudoInverse(C.mmul(C.transpose()))).mmul(Matrix.columnVector(miss)).to1DArray();
      v = v.map((vj, j) => vj - correction[j]!);
    }
    const report = feasibilityReport(spec, v);
    if (report.maxRelativeViolation <= 1e-12 && report.equalityRelativeResidual <= 1e-12) break;
  }
  return Float64Array.from({ length: n }, (_, j) => v[j]!);
}

/** Nearest point of { y : ½ yᵀPy + qᵀy ≤ b }: y(μ) = (I + μP)⁻¹(v − μq) with μ ≥ 0 found by bisection. */
function projectOntoQuadratic(q: { P: readonly (readonly number[])[]; q: readonly number[]; b: number }, v: Float64Array): Float64Array {
  const value = (y: ArrayLike<number>) => 0.5 * q.P.reduce((s, row, i) => s + y[i]! * row.reduce((t, x, j) => t + x * y[j]!, 0), 0) + q.q.reduce((s, x, j) => s + x * y[j]!, 0) - q.b;
  if (value(v) <= 0) return v;
  const at = (mu: number) => {
    const M = new Matrix(q.P.map((row, i) => row.map((x, j) => (i === j ? 1 : 0) + mu * x)));
    return Float64Array.from(solve(M, Matrix.columnVector(Array.from(v, (vi, j) => vi - mu * q.q[j]!))).to1DArray());
  };
  let low = 0;
  let high = 1;
  while (value(at(high)) > 0 && high < 1e300) high *= 2;
  for (let k = 0; k < 200; k++) {
    const mid = 0.5 * (low + high);
    if (value(at(mid)) > 0) low = mid;
    else high = mid;
  }
  return at(high);
}
