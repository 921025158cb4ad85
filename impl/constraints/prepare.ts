/**
 * Turns a {@link ConstraintSetSpec} into a prepared set: validated, equalities eliminated,
 * interior point found and checked, boundedness decided, and the per-row constants of the ray
 * map precomputed. Preparation runs once per set; the forward maps then cost O(n·m) per sample
 * for linear rows and O(n²·m) for quadratic ones.
 *
 * Precomputed, in reduced coordinates w (see `_internals/reduced.ts`), with p the interior point:
 *   σᵢ = bᵢ − aᵢ·p > 0                       slack of linear row i at p
 *   cⱼ = ½ pᵀPⱼp + qⱼᵀp − bⱼ < 0             value of quadratic row j at p
 *   βⱼ = Pⱼ p + qⱼ                           so that fⱼ(p + t d) − bⱼ = cⱼ + t βⱼ·d + ½ t² dᵀPⱼd
 */
import { InvalidConstraintSetError, UnboundedSetError } from './errors';
import { unboundedDirection } from './_internals/bounded';
import { checkUserInterior, computeInterior, type InteriorPoint } from './_internals/interior';
import { dot, matVec } from './_internals/linalg';
import { lift, reduce, type ReducedQuadratic, type ReducedSet } from './_internals/reduced';
import type { ConstraintSetSpec, LayerMode } from './types';
import { validateSpec } from './validate';

/** A quadratic row with the constants of its ray crossing at p. */
export interface PreparedQuadratic extends ReducedQuadratic {
  /** βⱼ = Pⱼ p + qⱼ. */
  beta: Float64Array;
  /** cⱼ = fⱼ(p) − bⱼ < 0. */
  c: number;
}

/** A feasible set ready for the forward maps. Treat as read-only. */
export interface PreparedSet {
  readonly kind: 'prepared-set';
  /** The spec it was prepared from (inputs are copied; never mutated). */
  readonly spec: ConstraintSetSpec;
  /** n, the output length. */
  readonly dimension: number;
  /** r = n − rank C, the number of free coordinates. */
  readonly freeDimension: number;
  /** n × r orthonormal basis R of the equalities' null space (as rows), or null without equalities. */
  readonly basis: readonly Float64Array[] | null;
  /** p₀ = C⁺e (zeros without equalities). */
  readonly offset: Float64Array;
  /** p in reduced coordinates. */
  readonly interior: Float64Array;
  /** p in output coordinates, R p + p₀. */
  readonly interiorPoint: Float64Array;
  readonly interiorMethod: InteriorPoint['method'];
  /** Inscribed-ball radius (linear rows only) or constraint margin at p. */
  readonly margin: number;
  /** Linear rows aᵢ in reduced coordinates (box bounds included as ±eⱼ rows). */
  readonly rows: readonly Float64Array[];
  readonly rhs: Float64Array;
  /** σᵢ = bᵢ − aᵢ·p. */
  readonly slack: Float64Array;
  /** Names of the rows for messages: `linear row 3`, `box upper bound of y[1]`. */
  readonly rowLabels: readonly string[];
  readonly quadratics: readonly PreparedQuadratic[];
  /**
   * Slacks of box bounds, u − p and p − l (Infinity for an open side), when the set is nothing
   * but box bounds. The forward maps then use an O(n) path; null otherwise.
   */
  readonly box: { upperSlack: Float64Array; lowerSlack: Float64Array } | null;
  /** A direction (output coordinates, max-norm 1) along which the set is unbounded, or null when bounded. */
  readonly unboundedDirection: Float64Array | null;
  /** Constraints dropped because they restrict nothing once the equalities hold. */
  readonly dropped: readonly string[];
}

/**
 * Prepares a constraint set.
 *
 * @example
 * const set = await prepareConstraintSet({ dimension: 2, box: { lower: [0, 0], upper: [1, 1] } });
 * @throws InvalidConstraintSetError for malformed specs; InfeasibleSetError and EmptyInteriorError
 *   naming the rows at fault.
 */
export async function prepareConstraintSet(spec: ConstraintSetSpec): Promise<PreparedSet> {
  validateSpec(spec);
  const copy = copySpec(spec);
  const reduced = reduce(copy);
  const interior = copy.interiorPoint !== undefined ? checkUserInterior(reduced, copy.interiorPoint, copy.equality) : await computeInterior(reduced);
  const direction = await unboundedDirection(reduced);
  return assemble(copy, reduced, interior, direction);
}

/**
 * Throws when `mode` needs a bounded set and `set` is unbounded.
 *
 * @throws UnboundedSetError naming a direction of unboundedness.
 */
export function requireModeSupported(set: PreparedSet, mode: LayerMode): void {
  if (mode !== 'ray' && mode !== 'boundary' && mode !== 'projection') {
    throw new InvalidConstraintSetError(`mode must be 'ray', 'boundary' or 'projection', got '${String(mode)}'`);
  }
  if (mode !== 'projection' && set.unboundedDirection !== null) throw new UnboundedSetError([...set.unboundedDirection], mode);
}

/** Number of inputs per sample that `mode` expects: r + 1 for `ray` (scale logit first), r for `boundary`, n for `projection`. */
export function inputLength(set: PreparedSet, mode: LayerMode): number {
  if (mode === 'ray') return set.freeDimension + 1;
  if (mode === 'boundary') return set.freeDimension;
  return set.dimension;
}

/** Explains {@link inputLength} for error messages. */
export function inputLengthHint(set: PreparedSet, mode: LayerMode): string {
  if (mode === 'ray') return `1 scale logit + ${set.freeDimension} direction entries for mode 'ray'`;
  if (mode === 'boundary') return `${set.freeDimension} direction entries for mode 'boundary'`;
  return `a candidate point of the set's dimension ${set.dimension} for mode 'projection'`;
}

function assemble(spec: ConstraintSetSpec, reduced: ReducedSet, interior: InteriorPoint, direction: Float64Array | null): PreparedSet {
  const p = interior.w;
  const slack = Float64Array.from(reduced.rows, (row, i) => reduced.rhs[i]! - dot(row, p));
  const quadratics = reduced.quadratics.map((q) => {
    const Pp = matVec(q.P, p);
    return { ...q, beta: Float64Array.from(Pp, (v, i) => v + q.q[i]!), c: 0.5 * dot(p, Pp) + dot(q.q, p) - q.b };
  });

  const boxOnly = spec.box !== undefined && spec.linear === undefined && (spec.quadratic ?? []).length === 0 && reduced.basis === null;
  const box = boxOnly
    ? { upperSlack: Float64Array.from(spec.box!.upper, (u, j) => u - p[j]!), lowerSlack: Float64Array.from(spec.box!.lower, (l, j) => p[j]! - l) }
    : null;

  return {
    kind: 'prepared-set',
    spec,
    dimension: reduced.n,
    freeDimension: reduced.r,
    basis: reduced.basis,
    offset: reduced.offset,
    interior: p,
    interiorPoint: lift(reduced, p),
    interiorMethod: interior.method,
    margin: interior.margin,
    rows: reduced.rows,
    rhs: reduced.rhs,
    slack,
    rowLabels: reduced.rowLabels,
    quadratics,
    box,
    unboundedDirection: direction === null ? null : normalizedLift(reduced, direction),
    dropped: reduced.dropped,
  };
}

function normalizedLift(reduced: ReducedSet, direction: Float64Array): Float64Array {
  const y = reduced.basis === null ? Float64Array.from(direction) : matVec(reduced.basis, direction);
  let largest = 0;
  for (const v of y) largest = Math.max(largest, Math.abs(v));
  return largest === 0 ? y : y.map((v) => v / largest);
}

function copySpec(spec: ConstraintSetSpec): ConstraintSetSpec {
  const rows = (m: readonly (readonly number[])[]) => m.map((row) => [...row]);
  return {
    dimension: spec.dimension,
    ...(spec.linear ? { linear: { A: rows(spec.linear.A), b: [...spec.linear.b] } } : {}),
    ...(spec.quadratic ? { quadratic: spec.quadratic.map((q) => ({ P: rows(q.P), q: [...q.q], b: q.b })) } : {}),
    ...(spec.equality ? { equality: { C: rows(spec.equality.C), e: [...spec.equality.e] } } : {}),
    ...(spec.box ? { box: { lower: [...spec.box.lower], upper: [...spec.box.upper] } } : {}),
    ...(spec.interiorPoint ? { interiorPoint: [...spec.interiorPoint] } : {}),
  };
}
