/**
 * Boundedness of a reduced set, decided on its recession cone
 *
 *   K = { d : aᵢ·d ≤ 0 for every linear row,  Pⱼ d = 0 and qⱼ·d ≤ 0 for every quadratic row }
 *
 * (a convex quadratic row ½ wᵀPw + qᵀw ≤ b recedes along d exactly when Pd = 0 and q·d ≤ 0).
 * The set is bounded iff K = {0}. With N a basis of the null space of every Pⱼ and M the matrix
 * of the rows aᵢ and qⱼ, K = { N v : M N v ≤ 0 }, and by Stiemke's lemma K = {0} iff M N has full
 * column rank and some λ > 0 has (M N)ᵀ λ = 0. That is one linear program (λ ≥ 1, (M N)ᵀλ = 0);
 * only when it fails are further programs solved to find a direction to report.
 */
import { affineSolution, matTVec, maxAbs, type Vec } from './linalg';
import { solveLp } from './lp';
import type { ReducedSet } from './reduced';

/**
 * Returns a non-zero direction (reduced coordinates) along which the set is unbounded, or null
 * when the set is bounded.
 */
export async function unboundedDirection(set: ReducedSet): Promise<Float64Array | null> {
  const r = set.r;

  // N: null space of the stacked Pⱼ (identity without quadratic rows).
  const curvature: Vec[] = set.quadratics.flatMap((q) => q.P);
  let N: Float64Array[];
  if (curvature.length === 0) {
    N = Array.from({ length: r }, (_, i) => Float64Array.from({ length: r }, (_, k) => (i === k ? 1 : 0)));
  } else {
    N = affineSolution(curvature, new Float64Array(curvature.length), r).nullBasis;
  }
  const freeDimension = N[0]?.length ?? 0;
  if (freeDimension === 0) return null;

  const toSubspace = (row: Vec) => matTVec(N, row, freeDimension);
  const M: Float64Array[] = [...set.rows.map(toSubspace), ...set.quadratics.map((q) => toSubspace(q.q))];
  const fromSubspace = (v: Vec) => Float64Array.from(N, (row) => row.reduce((sum, x, k) => sum + x * v[k]!, 0));

  // Full column rank: otherwise any null vector v of M gives a direction with M v = 0.
  if (M.length === 0) return fromSubspace(Float64Array.from({ length: freeDimension }, (_, k) => (k === 0 ? 1 : 0)));
  const rank = affineSolution(M, new Float64Array(M.length), freeDimension);
  if (rank.nullBasis[0] !== undefined && rank.nullBasis[0].length > 0) return normalized(fromSubspace(rank.nullBasis.map((row) => row[0]!)));

  const certificate = await solveLp({
    sense: 'minimize',
    cost: new Array<number>(M.length).fill(0),
    lower: new Array<number>(M.length).fill(1),
    upper: new Array<number>(M.length).fill(Infinity),
    rows: Array.from({ length: freeDimension }, (_, k) => M.map((row) => row[k]!)),
    rowLower: new Array<number>(freeDimension).fill(0),
    rowUpper: new Array<number>(freeDimension).fill(0),
  });
  if (certificate.status === 'optimal') return null;

  // Unbounded: find a direction by maximizing each coordinate of v over the cone within a box.
  for (let k = 0; k < freeDimension; k++) {
    for (const sign of [1, -1]) {
      const lp = await solveLp({
        sense: 'maximize',
        cost: Array.from({ length: freeDimension }, (_, j) => (j === k ? sign : 0)),
        lower: new Array<number>(freeDimension).fill(-1),
        upper: new Array<number>(freeDimension).fill(1),
        rows: M,
        rowLower: M.map(() => -Infinity),
        rowUpper: M.map(() => 0),
      });
      if (lp.status === 'optimal' && lp.objective > 1e-9) return normalized(fromSubspace(lp.x));
    }
  }
  throw new Error('boundedness check: the Stiemke certificate does not exist, yet no recession direction was found');
}

function normalized(d: Float64Array): Float64Array {
  const largest = maxAbs(d);
  return largest === 0 ? d : d.map((x) => x / largest);
}
