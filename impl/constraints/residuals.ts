/**
 * Feasibility of a point against the constraints as the user wrote them (not the reduced rows
 * the layer works with, so the check is independent of the reduction).
 *
 * Each residual comes with the magnitude of the terms it is computed from,
 *   linear     a·y − b                      scale |b| + Σⱼ |aⱼ yⱼ|
 *   quadratic  ½ yᵀPy + qᵀy − b             scale |b| + ½ Σᵢⱼ |yᵢ Pᵢⱼ yⱼ| + Σⱼ |qⱼ yⱼ|
 *   equality   |c·y − e|                    scale |e| + Σⱼ |cⱼ yⱼ|
 *   box        y − u and l − y              scale |y| + |bound|
 * because rounding errors are proportional to that magnitude: a relative violation divides the
 * violation by max(1, scale).
 */
import type { ConstraintSetSpec } from './types';

/** Outcome of {@link feasibilityReport}. */
export interface FeasibilityReport {
  /** Largest violation of an inequality (0 when every inequality holds). */
  maxViolation: number;
  /** Largest violation relative to max(1, scale of its terms). */
  maxRelativeViolation: number;
  /** Largest |C y − e| entry (0 without equalities). */
  equalityResidual: number;
  /** Largest equality residual relative to max(1, scale of its terms). */
  equalityRelativeResidual: number;
  /** Label of the inequality with the largest relative violation (or largest value when none is violated). */
  worstRow: string | null;
  /** Largest inequality value, signed: ≤ 0 when feasible, ≈ 0 when the point is on the boundary. */
  maxResidual: number;
  /** Largest signed inequality value relative to max(1, scale). */
  maxRelativeResidual: number;
  /** True when some entry of y is NaN or infinite. */
  nonFinite: boolean;
}

/**
 * Computes the residuals of `y` against every constraint of `spec`.
 *
 * @example feasibilityReport({ dimension: 1, box: { lower: [0], upper: [1] } }, [1.5]).maxViolation // 0.5
 */
export function feasibilityReport(spec: ConstraintSetSpec, y: ArrayLike<number>): FeasibilityReport {
  const report: FeasibilityReport = {
    maxViolation: 0,
    maxRelativeViolation: 0,
    equalityResidual: 0,
    equalityRelativeResidual: 0,
    worstRow: null,
    maxResidual: -Infinity,
    maxRelativeResidual: -Infinity,
    nonFinite: false,
  };
  for (let j = 0; j < y.length; j++) if (!Number.isFinite(y[j]!)) report.nonFinite = true;

  const record = (value: number, scale: number, label: string) => {
    const relative = value / Math.max(1, scale);
    if (value > report.maxResidual) report.maxResidual = value;
    if (relative > report.maxRelativeResidual) {
      report.maxRelativeResidual = relative;
      report.worstRow = label;
    }
    if (value > report.maxViolation) report.maxViolation = value;
    if (relative > report.maxRelativeViolation) report.maxRelativeViolation = relative;
  };

  spec.linear?.A.forEach((a, i) => {
    const { value, scale } = affine(a, y);
    const b = spec.linear!.b[i]!;
    record(value - b, scale + Math.abs(b), `linear row ${i}`);
  });

  spec.quadratic?.forEach((quadratic, k) => {
    let value = -quadratic.b;
    let scale = Math.abs(quadratic.b);
    for (let i = 0; i < y.length; i++) {
      for (let j = 0; j < y.length; j++) {
        const term = 0.5 * y[i]! * quadratic.P[i]![j]! * y[j]!;
        value += term;
        scale += Math.abs(term);
      }
      const linear = quadratic.q[i]! * y[i]!;
      value += linear;
      scale += Math.abs(linear);
    }
    record(value, scale, `quadratic constraint ${k}`);
  });

  if (spec.box !== undefined) {
    for (let j = 0; j < y.length; j++) {
      const upper = spec.box.upper[j]!;
      const lower = spec.box.lower[j]!;
      if (upper !== Infinity) record(y[j]! - upper, Math.abs(y[j]!) + Math.abs(upper), `box upper bound of y[${j}]`);
      if (lower !== -Infinity) record(lower - y[j]!, Math.abs(y[j]!) + Math.abs(lower), `box lower bound of y[${j}]`);
    }
  }

  spec.equality?.C.forEach((c, i) => {
    const { value, scale } = affine(c, y);
    const e = spec.equality!.e[i]!;
    const residual = Math.abs(value - e);
    report.equalityResidual = Math.max(report.equalityResidual, residual);
    report.equalityRelativeResidual = Math.max(report.equalityRelativeResidual, residual / Math.max(1, scale + Math.abs(e)));
  });

  if (report.nonFinite) {
    report.maxViolation = Infinity;
    report.maxRelativeViolation = Infinity;
  }
  return report;
}

function affine(a: readonly number[], y: ArrayLike<number>): { value: number; scale: number } {
  let value = 0;
  let scale = 0;
  for (let j = 0; j < a.length; j++) {
    const term = a[j]! * y[j]!;
    value += term;
    scale += Math.abs(term);
  }
  return { value, scale };
}
