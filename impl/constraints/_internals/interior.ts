/**
 * The interior point p from which the layer casts its rays, in reduced coordinates.
 *
 * - Linear rows only: the Chebyshev centre, the centre of the largest ball inside the set,
 *   from the linear program  maximize ρ  subject to  aᵢ·w + ρ |aᵢ| ≤ bᵢ  (solved by HiGHS).
 *   ρ* > 0 certifies a non-empty interior; ρ* = 0 means the set is flat; ρ* < 0 means it is empty.
 * - With quadratic rows: the point of largest margin δ, maximize δ subject to
 *   aᵢ·w + δ |aᵢ| ≤ bᵢ and fⱼ(w) + δ ≤ bⱼ, solved by the barrier method (δ is a distance for
 *   linear rows and a constraint value for quadratic ones).
 *
 * Empty or flat sets raise errors naming the rows at fault: an irreducible infeasible subset from
 * HiGHS for an empty linear set; otherwise the rows with non-zero multipliers at the optimum,
 * which are the rows that keep ρ* (or δ*) from being positive.
 */
import { EmptyInteriorError, InfeasibleSetError, InvalidConstraintSetError } from '../errors';
import { solveQcqp } from './barrier';
import { dot, matVec, maxAbs, norm2 } from './linalg';
import { infeasibleRows, solveLp } from './lp';
import { lower, type ReducedSet } from './reduced';

/** The interior point found, with its margin (inscribed radius, or constraint margin with quadratic rows). */
export interface InteriorPoint {
  w: Float64Array;
  margin: number;
  method: 'chebyshev-lp' | 'largest-margin-barrier' | 'user' | 'no-inequalities';
}

/**
 * Computes a strictly interior point of a reduced set.
 *
 * @throws InfeasibleSetError, EmptyInteriorError naming the rows at fault.
 */
export async function computeInterior(set: ReducedSet): Promise<InteriorPoint> {
  if (set.rows.length === 0 && set.quadratics.length === 0) return { w: new Float64Array(set.r), margin: Infinity, method: 'no-inequalities' };
  return set.quadratics.length === 0 ? chebyshevCentre(set) : largestMargin(set);
}

/**
 * Checks a user-supplied interior point (in output coordinates) and returns it in reduced ones.
 *
 * @throws InvalidConstraintSetError naming the equality it misses or the inequality it does not satisfy strictly.
 */
export function checkUserInterior(set: ReducedSet, point: readonly number[], equality: { C: readonly (readonly number[])[]; e: readonly number[] } | undefined): InteriorPoint {
  const fix = 'move it strictly inside the set, or omit interiorPoint to have one computed';
  if (equality !== undefined) {
    for (let i = 0; i < equality.C.length; i++) {
      const residual = dot(equality.C[i]!, point) - equality.e[i]!;
      const scale = Math.max(1, Math.abs(equality.e[i]!), maxAbs(equality.C[i]!) * maxAbs(point));
      if (Math.abs(residual) > 1e-9 * scale) throw new InvalidConstraintSetError(`interiorPoint misses equality row ${i} by ${residual.toPrecision(4)}; ${fix}`);
    }
  }
  const w = lower(set, point);
  let margin = Infinity;
  for (let i = 0; i < set.rows.length; i++) {
    const slack = set.rhs[i]! - dot(set.rows[i]!, w);
    const scale = Math.max(1, Math.abs(set.rhs[i]!), maxAbs(set.rows[i]!) * maxAbs(w));
    if (!(slack > 1e-12 * scale)) throw new InvalidConstraintSetError(`interiorPoint is not strictly inside ${set.rowLabels[i]}: its slack is ${slack.toPrecision(4)}; ${fix}`);
    margin = Math.min(margin, slack / norm2(set.rows[i]!));
  }
  for (const quadratic of set.quadratics) {
    const slack = quadratic.b - (0.5 * dot(w, matVec(quadratic.P, w)) + dot(quadratic.q, w));
    if (!(slack > 1e-12 * Math.max(1, Math.abs(quadratic.b)))) throw new InvalidConstraintSetError(`interiorPoint is not strictly inside ${quadratic.label}: its slack is ${slack.toPrecision(4)}; ${fix}`);
    margin = Math.min(margin, slack);
  }
  return { w, margin, method: 'user' };
}

async function chebyshevCentre(set: ReducedSet): Promise<InteriorPoint> {
  const r = set.r;
  const norms = set.rows.map(norm2);
  const scale = 1 + Math.max(...set.rows.map((_, i) => Math.abs(set.rhs[i]!) / norms[i]!));
  const tolerance = 1e-9 * scale;
  // The cap keeps the LP bounded when the set is unbounded and contains arbitrarily large balls.
  const cap = 1e6 * scale;

  const lp = await solveLp({
    sense: 'maximize',
    cost: [...new Array<number>(r).fill(0), 1],
    lower: [...new Array<number>(r).fill(-Infinity), -Infinity],
    upper: [...new Array<number>(r).fill(Infinity), cap],
    rows: set.rows.map((row, i) => [...row, norms[i]!]),
    rowLower: set.rows.map(() => -Infinity),
    rowUpper: [...set.rhs],
  });
  if (lp.status !== 'optimal') throw new Error(`the Chebyshev-centre linear program ended with status ${lp.statusName}`);
  const radius = lp.x[r]!;
  if (radius > tolerance) return { w: lp.x.slice(0, r), margin: radius, method: 'chebyshev-lp' };

  const binding = bindingRows(lp.rowDual, set.rowLabels);
  if (radius >= -tolerance) throw new EmptyInteriorError(withEqualities(binding, set), `the largest ball inside has radius ${Math.max(0, radius).toExponential(2)}`);

  const culprits = await infeasibleRows({
    sense: 'minimize',
    cost: new Array<number>(r).fill(0),
    lower: new Array<number>(r).fill(-Infinity),
    upper: new Array<number>(r).fill(Infinity),
    rows: set.rows,
    rowLower: set.rows.map(() => -Infinity),
    rowUpper: [...set.rhs],
  });
  const rows = culprits.length > 0 ? culprits.map((i) => set.rowLabels[i]!) : binding;
  throw new InfeasibleSetError(withEqualities(rows, set), culprits.length > 0 ? 'an irreducible infeasible subset found by HiGHS' : `every point violates some row by at least ${(-radius).toExponential(2)}`);
}

function largestMargin(set: ReducedSet): InteriorPoint {
  const r = set.r;
  const norms = set.rows.map(norm2);
  const quadraticScale = Math.max(0, ...set.quadratics.map((q) => Math.abs(q.b)));
  const scale = 1 + Math.max(quadraticScale, ...set.rows.map((_, i) => Math.abs(set.rhs[i]!) / norms[i]!));
  const tolerance = 1e-8 * scale;
  const cap = 1e6 * scale;
  const bound = 1e6 * scale;

  // Variables x = (w, δ). Rows: the set's linear rows with +|aᵢ|δ, then |w_k| ≤ bound and δ ≤ cap
  // (these keep the problem bounded and are not the user's rows), then the quadratic rows with +δ.
  const G: number[][] = set.rows.map((row, i) => [...row, norms[i]!]);
  const g: number[] = [...set.rhs];
  for (let k = 0; k < r; k++) {
    const plus = new Array<number>(r + 1).fill(0);
    plus[k] = 1;
    G.push(plus, plus.map((x) => -x));
    g.push(bound, bound);
  }
  G.push([...new Array<number>(r).fill(0), 1]);
  g.push(cap);
  const quadratic = set.quadratics.map((q) => ({
    P: [...q.P.map((row) => [...row, 0]), new Array<number>(r + 1).fill(0)],
    q: [...q.q, 1],
    b: q.b,
  }));

  // At w = 0 every slack is positive once δ is small enough.
  let start = cap - 1;
  set.rows.forEach((_, i) => (start = Math.min(start, set.rhs[i]! / norms[i]! - 1)));
  for (const q of set.quadratics) start = Math.min(start, q.b - 1);
  const solution = solveQcqp({ dimension: r + 1, h: [...new Array<number>(r).fill(0), -1], G, g, quadratic }, [...new Array<number>(r).fill(0), start], { tolerance: tolerance / 10 });
  const margin = solution.x[r]!;
  if (margin > tolerance) return { w: solution.x.slice(0, r), margin, method: 'largest-margin-barrier' };

  const multipliers = [...solution.lambda.slice(0, set.rows.length), ...solution.mu];
  const labels = [...set.rowLabels, ...set.quadratics.map((q) => q.label)];
  const binding = bindingRows(Float64Array.from(multipliers), labels);
  if (margin >= -tolerance) throw new EmptyInteriorError(withEqualities(binding, set), `the largest constraint margin is ${Math.max(0, margin).toExponential(2)}`);
  throw new InfeasibleSetError(withEqualities(binding, set), `at the point of least violation these rows are still violated by ${(-margin).toExponential(2)}`);
}

/** Labels of rows whose multiplier is non-negligible. */
function bindingRows(multipliers: Float64Array, labels: readonly string[]): string[] {
  const largest = maxAbs(multipliers);
  if (largest === 0) return [];
  return labels.filter((_, i) => Math.abs(multipliers[i]!) > 1e-6 * largest);
}

function withEqualities(rows: string[], set: ReducedSet): string[] {
  return set.basis === null ? rows : [...rows, 'the equality constraints'];
}
