/**
 * Small dense float64 helpers. Matrices are arrays of rows (`number[][]` or typed rows).
 */
import { Matrix, SingularValueDecomposition } from 'ml-matrix';

export type Vec = ArrayLike<number>;

export function dot(a: Vec, b: Vec): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

export function norm2(a: Vec): number {
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i]!));
  if (largest === 0) return 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! / largest) ** 2;
  return largest * Math.sqrt(sum);
}

export function maxAbs(a: Vec): number {
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i]!));
  return largest;
}

/** Returns M x for M given as rows. */
export function matVec(rows: readonly Vec[], x: Vec): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = dot(rows[i]!, x);
  return out;
}

/** Returns Mᵀ x for M given as rows (length of x = number of rows). */
export function matTVec(rows: readonly Vec[], x: Vec, cols: number): Float64Array {
  const out = new Float64Array(cols);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const xi = x[i]!;
    if (xi === 0) continue;
    for (let j = 0; j < cols; j++) out[j]! += row[j]! * xi;
  }
  return out;
}

/** Returns ½ xᵀ P x + qᵀ x. */
export function quadraticValue(P: readonly Vec[], q: Vec, x: Vec): number {
  return 0.5 * dot(x, matVec(P, x)) + dot(q, x);
}

/** Orthonormal basis of the null space of C and the minimum-norm solution of C y = e. */
export interface AffineSolution {
  /** Numerical rank of C. */
  rank: number;
  /** n × (n − rank) matrix with orthonormal columns spanning { y : C y = 0 }, as rows. */
  nullBasis: Float64Array[];
  /** Minimum-norm solution C⁺ e. */
  particular: Float64Array;
  /**
   * Rows of C involved in an inconsistency, or an empty list when C y = e has solutions: the rows
   * where the least-squares residual e − C C⁺e is non-zero. That residual r is a left null vector
   * of C with rᵀe = |r|² > 0, so these rows cannot hold together.
   */
  inconsistentRows: number[];
  /** |e − C C⁺e| / |e| (0 when consistent). */
  inconsistency: number;
}

/**
 * Solves C y = e in the least-squares sense by a singular value decomposition (ml-matrix) of C,
 * padded with zero rows when it is wide so that the decomposition returns a complete basis of
 * right singular vectors.
 */
export function affineSolution(C: readonly Vec[], e: Vec, n: number): AffineSolution {
  const k = C.length;
  const rows = Math.max(k, n);
  const padded = Array.from({ length: rows }, (_, i) => Array.from({ length: n }, (_, j) => (i < k ? C[i]![j]! : 0)));
  const svd = new SingularValueDecomposition(new Matrix(padded), { computeLeftSingularVectors: true, computeRightSingularVectors: true, autoTranspose: false });
  const sigma = svd.diagonal;
  const U = svd.leftSingularVectors;
  const V = svd.rightSingularVectors;
  const tolerance = rows * 2.2e-16 * (sigma[0] ?? 0);
  const rank = sigma.filter((s) => s > tolerance).length;

  // C⁺e = Σ over non-zero singular values of v_j (u_jᵀ e) / σ_j.
  const particular = new Float64Array(n);
  for (let j = 0; j < rank; j++) {
    let coefficient = 0;
    for (let i = 0; i < k; i++) coefficient += U.get(i, j) * e[i]!;
    for (let row = 0; row < n; row++) particular[row]! += (V.get(row, j) * coefficient) / sigma[j]!;
  }

  const residual = Float64Array.from({ length: k }, (_, i) => e[i]! - dot(C[i]!, particular));
  const scale = Math.max(1, norm2(e));
  const inconsistency = norm2(residual) / scale;
  const inconsistentRows: number[] = [];
  if (inconsistency > 1e-9) {
    const largest = maxAbs(residual);
    for (let i = 0; i < k; i++) if (Math.abs(residual[i]!) > 1e-6 * largest) inconsistentRows.push(i);
  }

  const nullBasis = Array.from({ length: n }, (_, row) => Float64Array.from({ length: n - rank }, (_, c) => V.get(row, rank + c)));
  return { rank, nullBasis, particular, inconsistentRows, inconsistency };
}
