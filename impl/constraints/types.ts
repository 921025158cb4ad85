/**
 * Description of a convex feasible set Ω ⊂ Rⁿ as a user writes it, and the layer's modes.
 *
 * Ω = { y ∈ Rⁿ : A y ≤ b,  ½ yᵀ Pⱼ y + qⱼᵀ y ≤ bⱼ for every j,  C y = e,  l ≤ y ≤ u }
 *
 * with A (m × n), Pⱼ (n × n) symmetric positive semidefinite, C (k × n). Every part is optional.
 * Note the ½ in the quadratic rows.
 */

/** Dense matrix, one array per row. */
export type DenseRows = readonly (readonly number[])[];

/** Linear inequalities A y ≤ b. */
export interface LinearConstraints {
  /** m × n matrix, one row per constraint. */
  A: DenseRows;
  /** Right-hand sides, length m. */
  b: readonly number[];
}

/** One convex quadratic inequality ½ yᵀ P y + qᵀ y ≤ b. */
export interface QuadraticConstraint {
  /** n × n symmetric positive semidefinite matrix. */
  P: DenseRows;
  q: readonly number[];
  b: number;
}

/** Linear equalities C y = e. */
export interface EqualityConstraints {
  /** k × n matrix. */
  C: DenseRows;
  /** Right-hand sides, length k. */
  e: readonly number[];
}

/** Box bounds l ≤ y ≤ u; an infinite bound leaves that side open. */
export interface BoxBounds {
  lower: readonly number[];
  upper: readonly number[];
}

/** A convex feasible set. */
export interface ConstraintSetSpec {
  /** n, the length of the output vector. */
  dimension: number;
  linear?: LinearConstraints;
  quadratic?: readonly QuadraticConstraint[];
  equality?: EqualityConstraints;
  box?: BoxBounds;
  /**
   * A strictly interior point (every inequality strict, every equality met). When omitted, the
   * centre of the largest inscribed ball is computed (Chebyshev centre by linear programming, or
   * the point of largest constraint margin when there are quadratic rows).
   */
  interiorPoint?: readonly number[];
}

/**
 * How hidden vectors become outputs, with p the interior point and γ the gauge of Ω − p
 * (γ(d) = the smallest t > 0 with p + d/t ∈ Ω; 1/γ(d) is how far the ray p + t·d stays in Ω):
 * - `ray`: the input is (s, d) with s a scale logit; y = p + sigmoid(s) · d / γ(d). Every
 *   interior point is reached; needs a bounded Ω.
 * - `boundary`: the input is d; y = p + d / γ(d), on the boundary of Ω. Needs a bounded Ω.
 * - `projection`: the input is a candidate point z; y = p + (z − p) / max(1, γ(z − p)), the point
 *   where the segment from p to z leaves Ω (identity on Ω). Accepts unbounded sets.
 */
export type LayerMode = 'ray' | 'boundary' | 'projection';

export const LAYER_MODES: readonly LayerMode[] = ['ray', 'boundary', 'projection'];
