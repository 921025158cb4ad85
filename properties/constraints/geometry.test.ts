/**
 * Geometry of the three modes. Every interior point is reachable in `ray` mode, and `boundary`
 * mode lands on the boundary along the hidden direction. `projection` mode is the identity on the
 * set and otherwise returns the point where the segment to the interior point leaves the set.
 * The O(n) box path agrees with the general linear path.
 */
import fc from 'fast-check';
import { Matrix, pseudoInverse } from 'ml-matrix';
import { beforeAll, describe } from 'vitest';
import { seed } from '../../harness/arbitraries/numeric';
import { compareNormwise, RESIDUAL_TOLERANCE } from '../../harness/numeric';
import { Rng } from '../../harness/rng';
import { selectBackendFromEnv } from '../../harness/tensor/backend';
import { propertyInvariant } from '../../harness/testing/invariant';
import { euclideanProjection, feasibilityReport, oracleOutput, prepareConstraintSet, type ConstraintSetSpec, type PreparedSet } from '../../impl/constraints/index';
import { lift } from '../../impl/constraints/_internals/reduced';
import { anySet, boxSet, hiddenBatch, inputsFor } from './_sets';
import { layerOutputs, realForward, swappedBoxSlacks, type Forward } from './_subjects';

beforeAll(async () => {
  await selectBackendFromEnv();
});

const RUNS = { quick: 60, full: 600 };
const FIXED_FAMILIES = ['linear', 'quadratic', 'mixed', 'box'] as const;

/** A float64 map from a ray-mode input to an output. */
type RayMap = (set: PreparedSet, z: number[]) => Float64Array;

const realRay: RayMap = (set, z) => oracleOutput(set, 'ray', z);
/** Control: outputs only go half-way to where the ray leaves the set. */
const halfwayRay: RayMap = (set, z) => {
  const y = oracleOutput(set, 'ray', z);
  return y.map((v, i) => set.interiorPoint[i]! + 0.5 * (v - set.interiorPoint[i]!));
};

/** Returns g with its component along the rows of C removed (a direction within { C y = 0 }). */
function nullSpaceComponent(spec: ConstraintSetSpec, g: number[]): number[] {
  if (spec.equality === undefined) return g;
  const C = new Matrix(spec.equality.C.map((row) => [...row]));
  const correction = C.transpose().mmul(pseudoInverse(C.mmul(C.transpose()))).mmul(C.mmul(Matrix.columnVector(g))).to1DArray();
  return g.map((x, i) => x - correction[i]!);
}

/** Largest t with p + t·v feasible, by bisection on the spec's own residuals. */
function boundaryDistance(spec: ConstraintSetSpec, p: ArrayLike<number>, v: number[]): number {
  const feasible = (t: number) => feasibilityReport(spec, v.map((vi, i) => p[i]! + t * vi)).maxRelativeViolation <= 0;
  let high = 1;
  while (feasible(high)) high *= 2;
  let low = 0;
  for (let k = 0; k < 200 && high - low > 1e-15 * high; k++) {
    const mid = 0.5 * (low + high);
    if (feasible(mid)) low = mid;
    else high = mid;
  }
  return low;
}

describe('geometry', () => {
  propertyInvariant<RayMap>({
    id: 'constraints/interior-reachable',
    subject: realRay,
    controls: [{ name: 'outputs stop half-way to the boundary', subject: halfwayRay }],
    numRuns: RUNS,
    property: (forward) =>
      fc.asyncProperty(anySet(), seed(), fc.double({ min: 0.01, max: 0.99, noNaN: true }), async (c, s, fraction) => {
        const set = await prepareConstraintSet(c.spec);
        const p = set.interiorPoint;
        const rng = new Rng(s);
        const v = nullSpaceComponent(c.spec, Array.from({ length: set.dimension }, () => rng.normal()));
        const target = v.map((vi, i) => p[i]! + fraction * boundaryDistance(c.spec, p, v) * vi);

        // The ray input is in reduced coordinates: d = Rᵀ v.
        const d = set.basis === null ? v : Array.from({ length: set.freeDimension }, (_, k) => set.basis!.reduce((sum, row, i) => sum + row[k]! * v[i]!, 0));
        const radius = (y: ArrayLike<number>) => Math.max(...Array.from(y, (yi, i) => Math.abs(yi - p[i]!)));
        const wanted = radius(target);
        let low = -40;
        let high = 40;
        for (let k = 0; k < 200; k++) {
          const mid = 0.5 * (low + high);
          if (radius(forward(set, [mid, ...d])) < wanted) low = mid;
          else high = mid;
        }
        const reached = forward(set, [0.5 * (low + high), ...d]);
        const comparison = compareNormwise(reached, target, { rtol: 1e-9, atol: 1e-12 }, 1);
        if (!comparison.ok) throw new Error(`target [${target.join(', ')}] not reached: closest output [${Array.from(reached).join(', ')}] is ${comparison.maxAbsError} away`);
      }),
  });

  propertyInvariant<Forward>({
    id: 'constraints/boundary-on-boundary',
    subject: realForward,
    controls: [
      { name: "ray mode's interior output used", subject: (set, _mode, zs) => [{ dtype: 'float64', ys: zs.map((z) => oracleOutput(set, 'ray', [0, ...z])) }] },
      { name: 'last crossing used instead of the first', subject: (set, _mode, zs) => [{ dtype: 'float64', ys: zs.map((z) => lastCrossing(set, z)) }] },
    ],
    numRuns: RUNS,
    property: (forward) =>
      fc.asyncProperty(anySet(), hiddenBatch('boundary', 7, 16), async (c, raw) => {
        const set = await prepareConstraintSet(c.spec);
        const zs = inputsFor(set, 'boundary', raw, c.inside);
        for (const { dtype, ys } of forward(set, 'boundary', zs)) {
          ys.forEach((y, i) => {
            const report = feasibilityReport(c.spec, y);
            const tolerance = RESIDUAL_TOLERANCE[dtype];
            if (!(Math.abs(report.maxRelativeResidual) <= tolerance)) {
              throw new Error(`${dtype} output ${i} is not on the boundary: largest relative residual ${report.maxRelativeResidual} (${report.worstRow})`);
            }
            // On the ray p + θ R d, θ > 0, for the direction the implementation actually received.
            const received = dtype === 'float32' ? zs[i]!.map(Math.fround) : zs[i]!;
            const direction = received.every((x) => x === 0) ? received.map((_, k) => (k === 0 ? 1 : 0)) : received;
            const v = lift({ basis: set.basis, offset: new Float64Array(set.dimension) }, direction);
            const offset = Array.from(y, (yi, k) => yi - set.interiorPoint[k]!);
            const theta = offset.reduce((sum, x, k) => sum + x * v[k]!, 0) / v.reduce((sum, x) => sum + x * x, 0);
            const alongRay = compareNormwise(offset, Array.from(v, (x) => theta * x), { rtol: tolerance * 100, atol: 0 }, 1);
            if (!(theta > 0) || !alongRay.ok) throw new Error(`${dtype} output ${i} is off the ray from the interior point (θ = ${theta}, distance ${alongRay.maxAbsError})`);
          });
        }
      }),
  });

  propertyInvariant<Forward>({
    id: 'constraints/central-projection',
    subject: realForward,
    controls: [
      { name: 'Euclidean projection in place of the central one', subject: (set, _mode, zs) => [{ dtype: 'float64', ys: zs.map((z) => euclideanProjection(set, z).y) }] },
      { name: 'every input rescaled onto the boundary, even inside the set', subject: (set, _mode, zs) => [{ dtype: 'float64', ys: zs.map((z) => oracleOutput(set, 'boundary', z.map((x, i) => x - set.interiorPoint[i]!))) }] },
    ],
    numRuns: RUNS,
    property: (forward) =>
      fc.asyncProperty(anySet(FIXED_FAMILIES), hiddenBatch('projection', 7, 16), async (c, raw) => {
        const set = await prepareConstraintSet(c.spec);
        const zs = inputsFor(set, 'projection', raw, c.inside);
        for (const { dtype, ys } of forward(set, 'projection', zs)) {
          const tolerance = RESIDUAL_TOLERANCE[dtype];
          ys.forEach((y, i) => {
            const z = dtype === 'float32' ? zs[i]!.map(Math.fround) : zs[i]!;
            const inside = feasibilityReport(c.spec, z).maxRelativeViolation <= 0;
            if (inside) {
              const identity = compareNormwise(y, z, { rtol: tolerance * 10, atol: 0 }, 1);
              if (!identity.ok) throw new Error(`${dtype}: input ${i} lies in the set but moved by ${identity.maxAbsError}`);
              return;
            }
            const report = feasibilityReport(c.spec, y);
            if (!(Math.abs(report.maxRelativeResidual) <= tolerance)) throw new Error(`${dtype}: output ${i} of an outside input is not on the boundary (relative residual ${report.maxRelativeResidual})`);
            const p = set.interiorPoint;
            const segment = z.map((zk, k) => zk - p[k]!);
            const offset = Array.from(y, (yk, k) => yk - p[k]!);
            const theta = offset.reduce((sum, x, k) => sum + x * segment[k]!, 0) / segment.reduce((sum, x) => sum + x * x, 0);
            const onSegment = compareNormwise(offset, segment.map((x) => theta * x), { rtol: tolerance * 100, atol: 0 }, 1);
            if (!(theta > 0 && theta <= 1 + tolerance) || !onSegment.ok) throw new Error(`${dtype}: output ${i} is not on the segment from the interior point to the input (θ = ${theta}, distance ${onSegment.maxAbsError})`);
          });
        }
      }),
  });

  propertyInvariant<Forward>({
    id: 'constraints/box-fast-path-agrees',
    subject: realForward,
    controls: [{ name: 'box fast path swaps upper and lower slacks', subject: swappedBoxSlacks }],
    numRuns: RUNS,
    property: (forward) =>
      fc.asyncProperty(boxSet(), fc.constantFrom('ray' as const, 'boundary' as const, 'projection' as const), hiddenBatch('ray', 7, 16), async (c, mode, raw) => {
        const box = await prepareConstraintSet(c.spec);
        if (box.box === null) throw new Error('a box-only set did not take the box path');
        const n = c.spec.dimension;
        const asRows: ConstraintSetSpec = {
          dimension: n,
          linear: {
            A: [...Array.from({ length: n }, (_, j) => Array.from({ length: n }, (_, k) => (j === k ? 1 : 0))), ...Array.from({ length: n }, (_, j) => Array.from({ length: n }, (_, k) => (j === k ? -1 : 0)))],
            b: [...c.spec.box!.upper, ...c.spec.box!.lower.map((l) => -l)],
          },
          interiorPoint: c.inside,
        };
        const general = await prepareConstraintSet(asRows);
        const zs = inputsFor(box, mode, mode === 'ray' ? raw : raw.map((z) => z.slice(1)), c.inside);
        const expected64 = zs.map((z) => oracleOutput(general, mode, z));
        const expected32 = layerOutputs(general, mode, zs);
        for (const { dtype, ys } of forward(box, mode, zs)) {
          ys.forEach((y, i) => {
            const expected = dtype === 'float64' ? expected64[i]! : expected32[i]!;
            const comparison = compareNormwise(y, expected, { rtol: RESIDUAL_TOLERANCE[dtype], atol: 0 }, 1);
            if (!comparison.ok) throw new Error(`${dtype} output ${i} of the box path differs from the linear path by ${comparison.maxAbsError}`);
          });
        }
      }),
  });
});

/** Control for the boundary mode: steps to the last crossing along the ray instead of the first. */
function lastCrossing(set: PreparedSet, d: number[]): Float64Array {
  const scale = Math.max(...d.map(Math.abs));
  const u = scale === 0 ? d.map((_, i) => (i === 0 ? 1 : 0)) : d.map((x) => x / scale);
  let t = 0;
  if (set.box !== null) {
    u.forEach((uj, j) => {
      if (uj > 0) t = Math.max(t, set.box!.upperSlack[j]! / uj);
      if (uj < 0) t = Math.max(t, set.box!.lowerSlack[j]! / -uj);
    });
  }
  set.rows.forEach((row, i) => {
    const rate = row.reduce((sum, a, k) => sum + a * u[k]!, 0);
    if (rate > 0) t = Math.max(t, set.slack[i]! / rate);
  });
  for (const q of set.quadratics) {
    const Pu = q.P.map((row) => row.reduce((sum, x, k) => sum + x * u[k]!, 0));
    const curvature = Pu.reduce((sum, x, k) => sum + x * u[k]!, 0);
    const rate = q.beta.reduce((sum, x, k) => sum + x * u[k]!, 0);
    if (curvature > 0) t = Math.max(t, (-rate + Math.sqrt(rate * rate - 2 * q.c * curvature)) / curvature);
  }
  return lift(set, set.interior.map((p, i) => p + t * u[i]!));
}
