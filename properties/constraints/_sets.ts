/**
 * Arbitraries of constraint sets per family, built from the shared numeric arbitraries, and of
 * hidden vectors with adversarial magnitudes.
 */
import fc from 'fast-check';
import { ellipsoid, polytope, psdMatrix, scaledVector, seed, wellConditionedMatrix } from '../../harness/arbitraries/numeric';
import { Rng } from '../../harness/rng';
import type { ConstraintSetSpec, JointConstraintSpec, LayerMode, PreparedSet } from '../../impl/constraints/index';

export type Family = 'linear' | 'quadratic' | 'mixed' | 'box' | 'equality';

/** A generated set with a point known to be strictly inside it. */
export interface SetCase {
  family: Family;
  spec: ConstraintSetSpec;
  inside: number[];
}

const dimension = (min = 1, max = 6) => fc.integer({ min, max });

/** Bounded polytopes A y ≤ b in dimension 1 to 6. */
export function linearSet(): fc.Arbitrary<SetCase> {
  return dimension().chain((n) => polytope(n)).map((p) => ({ family: 'linear', spec: { dimension: p.dimension, linear: { A: p.A, b: p.b } }, inside: p.interior }));
}

/** Intersections of one to three ellipsoids around a common point; extra rows may be degenerate (rank-deficient P). */
export function quadraticSet(): fc.Arbitrary<SetCase> {
  return dimension()
    .chain((n) => fc.tuple(fc.constant(n), fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: n, maxLength: n })))
    .chain(([n, centre]) =>
      fc.tuple(
        fc.constant(centre),
        ellipsoid(n, centre),
        fc.array(fc.integer({ min: 0, max: n }).chain((rank) => ellipsoid(n, centre, { rank: Math.max(rank, 0) })), { maxLength: 2 }),
      ),
    )
    .map(([centre, first, extra]) => ({
      family: 'quadratic',
      spec: { dimension: centre.length, quadratic: [first, ...extra].map((e) => ({ P: e.P, q: e.q, b: e.b })) },
      inside: centre,
    }));
}

/** Arbitrary of polytopes intersected with one or two ellipsoids (possibly degenerate) that contain the polytope's interior point. */
export function mixedSet(): fc.Arbitrary<SetCase> {
  return dimension()
    .chain((n) => polytope(n))
    .chain((p) => fc.tuple(fc.constant(p), fc.array(fc.integer({ min: 0, max: p.dimension }).chain((rank) => ellipsoid(p.dimension, p.interior, { rank })), { minLength: 1, maxLength: 2 })))
    .map(([p, ellipsoids]) => ({
      family: 'mixed',
      spec: { dimension: p.dimension, linear: { A: p.A, b: p.b }, quadratic: ellipsoids.map((e) => ({ P: e.P, q: e.q, b: e.b })) },
      inside: p.interior,
    }));
}

/**
 * Boxes l ≤ y ≤ u with widths in [0.01, 100] and a user-supplied interior point away from the
 * centre (so the two slacks of a coordinate differ).
 */
export function boxSet(): fc.Arbitrary<SetCase> {
  return fc.tuple(dimension(), seed()).map(([n, s]) => {
    const rng = new Rng(s);
    const lower: number[] = [];
    const upper: number[] = [];
    const inside: number[] = [];
    for (let j = 0; j < n; j++) {
      const l = 20 * (2 * rng.float() - 1);
      const width = 10 ** (4 * rng.float() - 2);
      lower.push(l);
      upper.push(l + width);
      inside.push(l + width * (0.05 + 0.9 * rng.float()));
    }
    return { family: 'box', spec: { dimension: n, box: { lower, upper }, interiorPoint: inside }, inside };
  });
}

/** Arbitrary of polytopes (dimension 2 to 6) with 1 to n − 1 equalities through their interior point, sometimes with a redundant repeated row. */
export function equalitySet(): fc.Arbitrary<SetCase> {
  return dimension(2, 6)
    .chain((n) => fc.tuple(polytope(n), fc.integer({ min: 1, max: n - 1 }), fc.boolean()))
    .chain(([p, k, repeat]) => fc.tuple(fc.constant(p), wellConditionedMatrix(k, p.dimension, { maxCondition: 10 }), fc.constant(repeat)))
    .map(([p, C, repeat]) => {
      const rows = repeat ? [...C, C[0]!.map((x) => 2 * x)] : C;
      const e = rows.map((row) => row.reduce((sum, x, j) => sum + x * p.interior[j]!, 0));
      return { family: 'equality', spec: { dimension: p.dimension, linear: { A: p.A, b: p.b }, equality: { C: rows, e } }, inside: p.interior };
    });
}

/** Any of the fixed-set families. */
export function anySet(families: readonly Family[] = ['linear', 'quadratic', 'mixed', 'box', 'equality']): fc.Arbitrary<SetCase> {
  const byFamily: Record<Family, () => fc.Arbitrary<SetCase>> = { linear: linearSet, quadratic: quadraticSet, mixed: mixedSet, box: boxSet, equality: equalitySet };
  return fc.oneof(...families.map((f) => byFamily[f]()));
}

/** A joint set with its input box and a point inside for every input in the box. */
export interface JointCase {
  spec: JointConstraintSpec;
  inside: number[];
}

/**
 * Arbitrary of joint constraints G_y y + G_x x ≤ h built from a bounded polytope in y. The
 * right-hand side h absorbs the largest value of G_x x over the input box, so the polytope's
 * interior point is strictly feasible for every input in the box.
 */
export function jointSet(): fc.Arbitrary<JointCase> {
  return fc
    .tuple(dimension(1, 5), fc.integer({ min: 1, max: 4 }))
    .chain(([n, d]) => fc.tuple(polytope(n), fc.constant(d), seed()))
    .map(([p, d, s]) => {
      const rng = new Rng(s);
      const Gx = p.A.map(() => Array.from({ length: d }, () => 2 * rng.normal()));
      const lower = Array.from({ length: d }, () => -1 - rng.float());
      const upper = lower.map((l) => l + 0.5 + 2 * rng.float());
      const h = p.b.map((bi, i) => bi + Gx[i]!.reduce((sum, g, j) => sum + Math.max(g * lower[j]!, g * upper[j]!), 0));
      return { spec: { outputDimension: p.dimension, inputDimension: d, Gy: p.A, Gx, h, inputBox: { lower, upper } }, inside: p.interior };
    });
}

/** Network inputs inside a joint set's input box. */
export function inputsInBox(box: { lower: readonly number[]; upper: readonly number[] }, count: number): fc.Arbitrary<number[][]> {
  return seed().map((s) => {
    const rng = new Rng(s);
    return Array.from({ length: count }, () => box.lower.map((l, j) => l + (box.upper[j]! - l) * rng.float()));
  });
}

/** Scale logits: the saturating extremes ±50 and 0 as well as moderate values. */
export function scaleLogit(): fc.Arbitrary<number> {
  return fc.oneof(fc.constantFrom(-50, 0, 50), fc.double({ min: -30, max: 30, noNaN: true }));
}

/**
 * Arbitrary of batches of hidden vectors for `mode` with `length` inputs. Directions (or points)
 * have max-norm 0, 1e-300, 1e-8, 1, 1e6 or log-uniform in [1e-3, 1e3], and `ray` vectors start
 * with a scale logit.
 */
export function hiddenBatch(mode: LayerMode, length: number, count: number): fc.Arbitrary<number[][]> {
  const one = mode === 'ray' ? fc.tuple(scaleLogit(), scaledVector(length - 1)).map(([s, d]) => [s, ...d]) : scaledVector(length);
  return fc.array(one, { minLength: count, maxLength: count });
}

/**
 * Cuts raw vectors to the mode's input length. Projection inputs are offsets from a point inside
 * the set, so that inputs land inside, near and far outside it.
 */
export function inputsFor(set: PreparedSet, mode: LayerMode, raw: number[][], inside: readonly number[]): number[][] {
  if (mode === 'ray') return raw.map((z) => z.slice(0, set.freeDimension + 1));
  if (mode === 'boundary') return raw.map((z) => z.slice(0, set.freeDimension));
  return raw.map((z) => inside.map((c, j) => c + z[j]!));
}

/** Positive semidefinite matrices, re-exported for files that build their own sets. */
export { psdMatrix };
