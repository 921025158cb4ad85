/**
 * The normalised adjacencies: symmetry and spectrum of the symmetric one, row sums of the
 * random-walk and L-GCN ones, and isolated nodes handled without a division by zero.
 */
import fc from 'fast-check';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe } from 'vitest';
import { propertyInvariant } from '../../harness/testing/invariant';
import { csrFromCoo, degrees, normalizeAdjacency, rowSums, symmetrize, toDense, type CsrMatrix, type Normalization } from '../../impl/graph/index';
import { forwardOracle } from '../../impl/gcn/index';
import { gcnCase, smallGraph } from './_graphs';

const EPS = 1e-9;

/** Builds `(A+I)` with each entry `(i, j)` divided by `scale(i, j)`, for the broken variants. */
function scaledWithSelfLoops(adjacency: CsrMatrix, selfLoops: boolean, scale: (i: number, j: number) => number): CsrMatrix {
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < adjacency.rows; i++) {
    if (selfLoops) {
      rows.push(i);
      cols.push(i);
      values.push(1 / scale(i, i));
    }
    for (let k = adjacency.indptr[i]!; k < adjacency.indptr[i + 1]!; k++) {
      const j = adjacency.indices[k]!;
      rows.push(i);
      cols.push(j);
      values.push(1 / scale(i, j));
    }
  }
  return csrFromCoo(adjacency.rows, adjacency.cols, rows, cols, values);
}

type Normalize = (adjacency: CsrMatrix) => CsrMatrix;

const symmetric: Normalize = (a) => normalizeAdjacency(a, { kind: 'symmetric' });
const degreesWithoutSelfLoop: Normalize = (a) => {
  const d = degrees(a);
  return scaledWithSelfLoops(a, true, (i, j) => Math.sqrt(d[i]! * d[j]!));
};

function eigenvalues(m: CsrMatrix): number[] {
  const dense = toDense(m);
  const matrix = new Matrix(Array.from({ length: m.rows }, (_, i) => Array.from(dense.data.subarray(i * m.cols, (i + 1) * m.cols))));
  return new EigenvalueDecomposition(matrix, { assumeSymmetric: true }).realEigenvalues;
}

describe('normalisations', () => {
  propertyInvariant<Normalize>({
    id: 'lgcn/symmetric-normalization',
    subject: symmetric,
    controls: [{ name: 'divides A+I by the degrees of A without the self-loop', subject: degreesWithoutSelfLoop }],
    property: (normalize) =>
      fc.property(smallGraph(1, 10), ({ n, adjacency }) => {
        const s = toDense(normalize(adjacency));
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            const v = s.data[i * n + j]!;
            if (!Number.isFinite(v) || v < 0 || Math.abs(v - s.data[j * n + i]!) > EPS) return false;
          }
        }
        const spectrum = eigenvalues(normalize(adjacency));
        return spectrum.every((x) => x >= -1 - EPS && x <= 1 + EPS) && Math.abs(Math.max(...spectrum) - 1) <= EPS;
      }),
  });

  const columnNormalized: { randomWalk: Normalize; lgcn: Normalize } = {
    randomWalk: (a) => {
      const d = degrees(a);
      return scaledWithSelfLoops(a, true, (_, j) => d[j]! + 1);
    },
    lgcn: (a) => normalizeAdjacency(a, { kind: 'lgcn' }),
  };
  propertyInvariant<{ randomWalk: Normalize; lgcn: Normalize }>({
    id: 'lgcn/random-walk-normalization',
    subject: { randomWalk: (a) => normalizeAdjacency(a, { kind: 'random-walk' }), lgcn: (a) => normalizeAdjacency(a, { kind: 'lgcn' }) },
    controls: [{ name: 'normalises columns instead of rows', subject: columnNormalized }],
    property: ({ randomWalk, lgcn }) =>
      fc.property(smallGraph(1, 10), ({ n, adjacency }) => {
        const d = degrees(adjacency);
        const walk = randomWalk(adjacency);
        const dense = toDense(walk);
        for (let i = 0; i < n; i++) {
          if (Math.abs(dense.data[i * n + i]! - 1 / (d[i]! + 1)) > EPS) return false;
          for (let j = 0; j < n; j++) if (dense.data[i * n + j]! < 0 || dense.data[i * n + j]! > 1) return false;
        }
        return rowSums(walk).every((s) => Math.abs(s - 1) <= EPS) && rowSums(lgcn(adjacency)).every((s) => Math.abs(s - 2) <= EPS);
      }),
  });

  const kinds: Normalization[] = [{ kind: 'symmetric' }, { kind: 'random-walk' }, { kind: 'diagonal-enhanced', lambda: 0.5 }, { kind: 'lgcn' }];
  const isolatedRowValue = (n: Normalization): number => {
    if (n.kind === 'diagonal-enhanced') return 1 + n.lambda;
    if (n.kind === 'lgcn') return 2;
    return 1;
  };
  type NormalizeAs = (adjacency: CsrMatrix, normalization: Normalization) => CsrMatrix;
  const withoutSelfLoops: NormalizeAs = (a) => {
    const d = degrees(a);
    return scaledWithSelfLoops(a, false, (i, j) => Math.sqrt(d[i]! * d[j]!));
  };
  propertyInvariant<NormalizeAs>({
    id: 'lgcn/isolated-nodes',
    subject: normalizeAdjacency,
    controls: [{ name: 'normalises A without self-loops', subject: withoutSelfLoops }],
    property: (normalize) =>
      fc.property(gcnCase({ maxNodes: 8 }), fc.integer({ min: 1, max: 3 }), (c, extra) => {
        // Append `extra` isolated nodes to the graph, with features.
        const n = c.graph.n + extra;
        const a = c.graph.adjacency;
        const rows: number[] = [];
        const cols: number[] = [];
        for (let i = 0; i < a.rows; i++) for (let k = a.indptr[i]!; k < a.indptr[i + 1]!; k++) (rows.push(i), cols.push(a.indices[k]!));
        const adjacency = symmetrize(csrFromCoo(n, n, rows, cols));
        const features = { rows: n, cols: c.features.cols, data: Float64Array.from({ length: n * c.features.cols }, (_, k) => (k < c.features.data.length ? c.features.data[k]! : 1)) };
        for (const kind of kinds) {
          const normalized = normalize(adjacency, kind);
          if (!normalized.data.every(Number.isFinite)) return false;
          for (let v = c.graph.n; v < n; v++) {
            const start = normalized.indptr[v]!;
            if (normalized.indptr[v + 1]! - start !== 1 || normalized.indices[start] !== v || Math.abs(normalized.data[start]! - isolatedRowValue(kind)) > EPS) return false;
          }
          if (!forwardOracle(normalized, features, c.weights).logits.data.every(Number.isFinite)) return false;
        }
        return true;
      }),
  });
});
