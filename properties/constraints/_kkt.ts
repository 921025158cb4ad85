/**
 * An independent check of nearest-point projection: the KKT conditions
 *
 *   y ∈ Ω,   z − y = Σ λᵢ nᵢ + Cᵀν   with λ ≥ 0 over the rows active at y,
 *
 * where nᵢ is the outward normal of active row i (aᵢ, ±eⱼ, or ∇fⱼ(y) = Pⱼy + qⱼ). Because Ω is
 * convex these conditions are sufficient, so a point that meets them is the projection. The
 * multipliers are not taken from the implementation: the best ones are fitted by a linear
 * program (least absolute residual, solved by HiGHS).
 */
import { solveLp, type ConstraintSetSpec } from '../../impl/constraints/index';

/** Residuals of the KKT conditions at y. */
export interface KktResult {
  /** Σ |z − y − Σ λᵢ nᵢ − Cᵀν| with the best λ ≥ 0 and ν. */
  stationarity: number;
  /** The rows treated as active. */
  active: string[];
}

/**
 * Fits the multipliers of the rows active at y (relative residual above −band).
 *
 * @param band - relative residual above which a row counts as active
 */
export async function kktStationarity(spec: ConstraintSetSpec, z: ArrayLike<number>, y: ArrayLike<number>, band = 1e-6): Promise<KktResult> {
  const n = spec.dimension;
  const normals: number[][] = [];
  const signs: ('nonnegative' | 'free')[] = [];
  const active: string[] = [];
  const consider = (value: number, scale: number, normal: number[], label: string) => {
    if (value / Math.max(1, scale) < -band) return;
    normals.push(normal);
    signs.push('nonnegative');
    active.push(label);
  };

  spec.linear?.A.forEach((a, i) => {
    const terms = a.map((x, j) => x * y[j]!);
    consider(terms.reduce((s, x) => s + x, 0) - spec.linear!.b[i]!, terms.reduce((s, x) => s + Math.abs(x), 0) + Math.abs(spec.linear!.b[i]!), [...a], `linear row ${i}`);
  });
  spec.quadratic?.forEach((q, k) => {
    const Py = q.P.map((row) => row.reduce((s, x, j) => s + x * y[j]!, 0));
    const value = 0.5 * Py.reduce((s, x, j) => s + x * y[j]!, 0) + q.q.reduce((s, x, j) => s + x * y[j]!, 0) - q.b;
    const scale = Math.abs(q.b) + 0.5 * Math.abs(Py.reduce((s, x, j) => s + x * y[j]!, 0)) + q.q.reduce((s, x, j) => s + Math.abs(x * y[j]!), 0);
    consider(value, scale, Py.map((x, j) => x + q.q[j]!), `quadratic constraint ${k}`);
  });
  if (spec.box !== undefined) {
    for (let j = 0; j < n; j++) {
      const unit = Array.from({ length: n }, (_, k) => (k === j ? 1 : 0));
      if (spec.box.upper[j] !== Infinity) consider(y[j]! - spec.box.upper[j]!, Math.abs(y[j]!) + Math.abs(spec.box.upper[j]!), unit, `box upper bound of y[${j}]`);
      if (spec.box.lower[j] !== -Infinity) consider(spec.box.lower[j]! - y[j]!, Math.abs(y[j]!) + Math.abs(spec.box.lower[j]!), unit.map((x) => -x), `box lower bound of y[${j}]`);
    }
  }
  spec.equality?.C.forEach((c) => {
    normals.push([...c]);
    signs.push('free');
  });

  // Variables: one multiplier per normal, then s⁺ and s⁻ (n each); minimize Σ s⁺ + s⁻ subject to
  // Σ multiplier·normal + s⁺ − s⁻ = z − y.
  const k = normals.length;
  const lp = await solveLp({
    sense: 'minimize',
    cost: [...new Array<number>(k).fill(0), ...new Array<number>(2 * n).fill(1)],
    lower: [...signs.map((s) => (s === 'free' ? -Infinity : 0)), ...new Array<number>(2 * n).fill(0)],
    upper: new Array<number>(k + 2 * n).fill(Infinity),
    rows: Array.from({ length: n }, (_, j) => [...normals.map((normal) => normal[j]!), ...Array.from({ length: n }, (_, i) => (i === j ? 1 : 0)), ...Array.from({ length: n }, (_, i) => (i === j ? -1 : 0))]),
    rowLower: Array.from({ length: n }, (_, j) => z[j]! - y[j]!),
    rowUpper: Array.from({ length: n }, (_, j) => z[j]! - y[j]!),
  });
  if (lp.status !== 'optimal') throw new Error(`the KKT fit ended with status ${lp.statusName}`);
  return { stationarity: lp.objective, active };
}
