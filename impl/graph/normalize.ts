/**
 * Normalised adjacency matrices used by the GCN training methods. With `A` the N×N adjacency
 * (symmetric, non-negative, empty diagonal), `d_i = Σ_j A_ij` and `I` the identity:
 *
 *   symmetric     Ŝ = (D+I)^-1/2 (A+I) (D+I)^-1/2      Kipf and Welling's GCN
 *   random walk   Ã = (D+I)^-1 (A+I)                   rows sum to 1
 *   diagonal      Ã + λ·diag(Ã) = (D+I)^-1 (A + (1+λ)I)  Cluster-GCN's diagonal enhancement
 *   L-GCN         Â = (D+I)^-1 (A+I) + I              rows sum to 2 (the released L²-GCN code)
 *
 * Every degree is taken of `A + I`, so it is at least 1 and an isolated node gets a row holding
 * only its self-loop; no division by zero can occur. Restricting to a node subset means taking
 * the induced subgraph first and normalising with the degrees inside it.
 */
import type { CsrMatrix } from './csr';
import { GraphValueError } from './errors';

/** Which normalisation to apply. */
export type Normalization =
  | { kind: 'symmetric' }
  | { kind: 'random-walk' }
  | { kind: 'diagonal-enhanced'; lambda: number }
  | { kind: 'lgcn' };

/** Returns a short name of the normalisation for reports, e.g. `(D+I)^-1(A+I)+λdiag, λ=1`. */
export function describeNormalization(n: Normalization): string {
  switch (n.kind) {
    case 'symmetric':
      return '(D+I)^-1/2 (A+I) (D+I)^-1/2';
    case 'random-walk':
      return '(D+I)^-1 (A+I)';
    case 'diagonal-enhanced':
      return `(D+I)^-1 (A+I) + λ·diag, λ=${n.lambda}`;
    case 'lgcn':
      return '(D+I)^-1 (A+I) + I';
  }
}

/**
 * Returns the normalised adjacency of `adjacency` (with self-loops added) as a new CSR matrix.
 *
 * @throws GraphValueError for a negative edge weight, a self-loop in the input, or a negative or
 *   non-finite λ
 */
export function normalizeAdjacency(adjacency: CsrMatrix, normalization: Normalization): CsrMatrix {
  if (normalization.kind === 'diagonal-enhanced' && !(normalization.lambda >= 0 && Number.isFinite(normalization.lambda))) {
    throw new GraphValueError(`diagonal enhancement needs a finite λ ≥ 0, got ${normalization.lambda}`);
  }
  const n = adjacency.rows;
  const degreePlusOne = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let d = 1;
    for (let k = adjacency.indptr[i]!; k < adjacency.indptr[i + 1]!; k++) {
      const w = adjacency.data[k]!;
      if (adjacency.indices[k] === i) throw new GraphValueError(`adjacency has a self-loop at node ${i}; the normalisation adds self-loops itself, so remove it first`);
      if (!(w >= 0)) throw new GraphValueError(`edge (${i}, ${adjacency.indices[k]}) has weight ${w}; weights must be non-negative`);
      d += w;
    }
    degreePlusOne[i] = d;
  }
  const invSqrt = normalization.kind === 'symmetric' ? degreePlusOne.map((d) => 1 / Math.sqrt(d)) : null;

  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(adjacency.indptr[n]! + n);
  const data = new Float64Array(indices.length);
  let out = 0;
  for (let i = 0; i < n; i++) {
    let diagonalWritten = false;
    const writeDiagonal = () => {
      indices[out] = i;
      data[out] = entry(i, i, 1);
      out++;
      diagonalWritten = true;
    };
    for (let k = adjacency.indptr[i]!; k < adjacency.indptr[i + 1]!; k++) {
      const j = adjacency.indices[k]!;
      if (!diagonalWritten && j > i) writeDiagonal();
      indices[out] = j;
      data[out] = entry(i, j, adjacency.data[k]!);
      out++;
    }
    if (!diagonalWritten) writeDiagonal();
    indptr[i + 1] = out;
  }
  return { rows: n, cols: n, indptr, indices, data };

  // Value of entry (i, j) of the normalised matrix, given (A+I)_ij = w.
  function entry(i: number, j: number, w: number): number {
    switch (normalization.kind) {
      case 'symmetric':
        return w * invSqrt![i]! * invSqrt![j]!;
      case 'random-walk':
        return w / degreePlusOne[i]!;
      case 'diagonal-enhanced':
        return (i === j ? (1 + normalization.lambda) * w : w) / degreePlusOne[i]!;
      case 'lgcn':
        return w / degreePlusOne[i]! + (i === j ? 1 : 0);
    }
  }
}
