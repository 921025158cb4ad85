/**
 * The CSR matrix operations, the graph operations and the normalised adjacencies against their
 * dense definitions, computed here entry by entry on small generated matrices and graphs.
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { propertyInvariant } from '../../harness/testing/invariant';
import {
  csrFromCoo,
  degrees,
  describeNormalization,
  edgeCount,
  fromDense,
  inducedSubgraph,
  matmul,
  nnz,
  normalizeAdjacency,
  permuteGraph,
  permuteMatrix,
  permuteRows,
  rowNormalizeFeatures,
  rowSums,
  spmm,
  spmmFloat32,
  symmetrize,
  toDense,
  transpose,
  validateCsr,
  validateGraph,
  type CsrMatrix,
  type DenseMatrix,
  type Graph,
  type Normalization,
} from '../../impl/graph/index';

const EPS = 1e-12;

/** Coordinate triples of a `rows × cols` matrix, with repeated coordinates and in random order. */
interface CooCase {
  rows: number;
  cols: number;
  rowIndex: number[];
  colIndex: number[];
  values: number[];
}

const cooCase: fc.Arbitrary<CooCase> = fc
  .record({ rows: fc.integer({ min: 1, max: 6 }), cols: fc.integer({ min: 1, max: 6 }) })
  .chain(({ rows, cols }) =>
    fc
      .array(fc.tuple(fc.integer({ min: 0, max: rows - 1 }), fc.integer({ min: 0, max: cols - 1 }), fc.integer({ min: 1, max: 32 })), { maxLength: 3 * rows * cols })
      .map((triples) => ({ rows, cols, rowIndex: triples.map((t) => t[0]), colIndex: triples.map((t) => t[1]), values: triples.map((t) => t[2] / 8) })),
  );

/** Dense sum of the triples, row-major. */
function denseOfTriples(c: CooCase, values: readonly number[] | null): Float64Array {
  const out = new Float64Array(c.rows * c.cols);
  for (let k = 0; k < c.rowIndex.length; k++) out[c.rowIndex[k]! * c.cols + c.colIndex[k]!]! += values === null ? 1 : values[k]!;
  return out;
}

function sameValues(a: ArrayLike<number>, b: ArrayLike<number>, eps = EPS): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (!(Math.abs(a[k]! - b[k]!) <= eps)) return false;
  return true;
}

function total(values: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < values.length; k++) s += values[k]!;
  return s;
}

/** True when `m` passes validateCsr. */
function isValidCsr(m: CsrMatrix): boolean {
  try {
    validateCsr(m);
  } catch {
    return false;
  }
  return true;
}

type FromCoo = typeof csrFromCoo;

/** Control: duplicates overwrite each other instead of adding up. */
const keepsLastDuplicate: FromCoo = (rows, cols, rowIndex, colIndex, values) => {
  const dense = new Float64Array(rows * cols);
  for (let k = 0; k < rowIndex.length; k++) dense[rowIndex[k]! * cols + colIndex[k]!] = values === undefined ? 1 : values[k]!;
  return fromDense({ rows, cols, data: dense });
};

/** A symmetric matrix with weights 1..8 on random off-diagonal positions. */
const weightedGraph: fc.Arbitrary<{ n: number; adjacency: CsrMatrix }> = fc.integer({ min: 1, max: 8 }).chain((n) =>
  fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: 8 })), { maxLength: 3 * n }).map((edges) => {
    const kept = edges.filter((e) => e[0] !== e[1]);
    // Symmetric weights: each undirected pair gets the weight of its last listing, on both sides.
    const weight = new Map<number, number>();
    for (const [i, j, w] of kept) weight.set(Math.min(i, j) * n + Math.max(i, j), w);
    const rows: number[] = [];
    const cols: number[] = [];
    const values: number[] = [];
    for (const [key, w] of weight) {
      const i = Math.floor(key / n);
      const j = key % n;
      rows.push(i, j);
      cols.push(j, i);
      values.push(w, w);
    }
    return { n, adjacency: csrFromCoo(n, n, rows, cols, values) };
  }),
);

/** Draws a permutation of 0..n-1. */
function permutation(n: number): fc.Arbitrary<number[]> {
  return fc.shuffledSubarray(Array.from({ length: n }, (_, v) => v), { minLength: n, maxLength: n });
}

type Subgraph = typeof inducedSubgraph;

/** Control: the induced subgraph without re-sorting the relabelled columns of each row. */
const unsortedSubgraph: Subgraph = (adjacency, nodes) => {
  const position = new Map<number, number>();
  for (let r = 0; r < nodes.length; r++) position.set(nodes[r]!, r);
  const indptr = new Int32Array(nodes.length + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let r = 0; r < nodes.length; r++) {
    const v = nodes[r]!;
    for (let k = adjacency.indptr[v]!; k < adjacency.indptr[v + 1]!; k++) {
      const p = position.get(adjacency.indices[k]!);
      if (p === undefined) continue;
      indices.push(p);
      data.push(adjacency.data[k]!);
    }
    indptr[r + 1] = indices.length;
  }
  return { rows: nodes.length, cols: nodes.length, indptr, indices: Int32Array.from(indices), data: Float64Array.from(data) };
};

type Normalize = typeof normalizeAdjacency;

/** Control: the right values, but the self-loop of every row is stored after its neighbours. */
const diagonalLast: Normalize = (adjacency, normalization) => {
  const right = normalizeAdjacency(adjacency, normalization);
  const indices = new Int32Array(right.indices.length);
  const data = new Float64Array(right.data.length);
  for (let i = 0; i < right.rows; i++) {
    const start = right.indptr[i]!;
    const end = right.indptr[i + 1]!;
    let out = start;
    let diagonal = 0;
    for (let k = start; k < end; k++) {
      if (right.indices[k] === i) diagonal = right.data[k]!;
      else {
        indices[out] = right.indices[k]!;
        data[out++] = right.data[k]!;
      }
    }
    indices[out] = i;
    data[out] = diagonal;
  }
  return { ...right, indices, data };
};

/** Dense value of entry (i, j) of a normalisation, from the formulas in normalize.ts's header. */
function normalizedEntry(a: DenseMatrix, degreePlusOne: Float64Array, normalization: Normalization, i: number, j: number): number {
  const w = a.data[i * a.cols + j]! + (i === j ? 1 : 0);
  switch (normalization.kind) {
    case 'symmetric':
      return w / Math.sqrt(degreePlusOne[i]! * degreePlusOne[j]!);
    case 'random-walk':
      return w / degreePlusOne[i]!;
    case 'diagonal-enhanced':
      return (w + (i === j ? normalization.lambda * w : 0)) / degreePlusOne[i]!;
    case 'lgcn':
      return w / degreePlusOne[i]! + (i === j ? 1 : 0);
  }
}

describe('CSR and graph operations', () => {
  propertyInvariant<FromCoo>({
    id: 'lgcn/csr-operations',
    subject: csrFromCoo,
    controls: [{ name: 'csrFromCoo that keeps the last duplicate instead of the sum', subject: keepsLastDuplicate }],
    property: (fromCoo) =>
      fc.property(cooCase, fc.integer({ min: 1, max: 3 }), (c, width) => {
        const weighted = fromCoo(c.rows, c.cols, c.rowIndex, c.colIndex, c.values);
        const counted = fromCoo(c.rows, c.cols, c.rowIndex, c.colIndex);
        const dense = denseOfTriples(c, c.values);
        if (!isValidCsr(weighted) || !isValidCsr(counted)) return false;
        if (!sameValues(toDense(weighted).data, dense) || !sameValues(toDense(counted).data, denseOfTriples(c, null))) return false;
        if (nnz(weighted) !== dense.filter((v) => v !== 0).length) return false;

        // Transpose, dense round trip and row sums.
        const t = transpose(weighted);
        if (t.rows !== c.cols || t.cols !== c.rows || !isValidCsr(t)) return false;
        const td = toDense(t).data;
        for (let i = 0; i < c.rows; i++) for (let j = 0; j < c.cols; j++) if (td[j * c.rows + i] !== dense[i * c.cols + j]) return false;
        const back = fromDense({ rows: c.rows, cols: c.cols, data: dense });
        if (!sameValues(back.indptr, weighted.indptr) || !sameValues(back.indices, weighted.indices) || !sameValues(back.data, weighted.data)) return false;
        const sums = rowSums(weighted);
        for (let i = 0; i < c.rows; i++) if (Math.abs(sums[i]! - total(dense.subarray(i * c.cols, (i + 1) * c.cols))) > EPS) return false;

        // Products: float32 kernel against float64, and the dense oracle against a plain triple loop.
        const h = { rows: c.cols, cols: width, data: Float64Array.from({ length: c.cols * width }, (_, k) => ((k * 7) % 5) - 2) };
        const exact = spmm(weighted, h);
        if (!sameValues(spmmFloat32(weighted, Float32Array.from(h.data), width), exact.data, 1e-4)) return false;
        const product = matmul({ rows: c.rows, cols: c.cols, data: dense }, h);
        for (let i = 0; i < c.rows; i++) {
          for (let f = 0; f < width; f++) {
            let s = 0;
            for (let j = 0; j < c.cols; j++) s += dense[i * c.cols + j]! * h.data[j * width + f]!;
            if (Math.abs(product.data[i * width + f]! - s) > EPS || Math.abs(exact.data[i * width + f]! - s) > EPS) return false;
          }
        }
        return true;
      }),
  });

  propertyInvariant<Subgraph>({
    id: 'lgcn/graph-operations',
    subject: inducedSubgraph,
    controls: [{ name: 'induced subgraph that leaves relabelled rows unsorted', subject: unsortedSubgraph }],
    property: (subgraph) =>
      fc.property(
        weightedGraph.chain((g) => fc.record({ g: fc.constant(g), perm: permutation(g.n), subset: fc.shuffledSubarray(Array.from({ length: g.n }, (_, v) => v), { minLength: 1 }) })),
        ({ g, perm, subset }) => {
          const { n, adjacency } = g;
          const a = toDense(adjacency).data;

          // Induced subgraph in the given node order.
          const s = subgraph(adjacency, subset);
          if (!isValidCsr(s) || s.rows !== subset.length) return false;
          const sd = toDense(s).data;
          for (let r = 0; r < subset.length; r++) for (let q = 0; q < subset.length; q++) if (sd[r * subset.length + q] !== a[subset[r]! * n + subset[q]!]) return false;

          // Relabelling: entry (v, w) moves to (perm[v], perm[w]).
          const p = permuteMatrix(adjacency, perm);
          const pd = toDense(p).data;
          for (let v = 0; v < n; v++) for (let w = 0; w < n; w++) if (pd[perm[v]! * n + perm[w]!] !== a[v * n + w]) return false;
          const rows = permuteRows(Float64Array.from({ length: 2 * n }, (_, k) => k), 2, perm);
          for (let v = 0; v < n; v++) if (rows[perm[v]! * 2] !== 2 * v || rows[perm[v]! * 2 + 1] !== 2 * v + 1) return false;
          const graph: Graph = { name: 'g', nodes: n, adjacency: symmetrize(adjacency), features: Float32Array.from({ length: 2 * n }, (_, k) => k), featureCount: 2, labels: Int32Array.from({ length: n }, (_, v) => v % 3), classCount: 3 };
          const moved = permuteGraph(graph, perm);
          validateGraph(moved);
          for (let v = 0; v < n; v++) if (moved.labels[perm[v]!] !== v % 3 || moved.features[perm[v]! * 2 + 1] !== 2 * v + 1) return false;
          if (!sameValues(toDense(moved.adjacency).data, toDense(permuteMatrix(graph.adjacency, perm)).data)) return false;

          // symmetrize of a directed matrix with a diagonal and an explicit zero: A ∨ Aᵀ, unit weights.
          const directed = csrFromCoo(n, n, [...subset, 0], [...subset.map((v) => perm[v]!), n - 1], [...subset.map(() => 3), 0]);
          const sym = symmetrize(directed);
          const dd = toDense(directed).data;
          const symDense = toDense(sym).data;
          for (let v = 0; v < n; v++) {
            for (let w = 0; w < n; w++) {
              const expected = v !== w && (dd[v * n + w] !== 0 || dd[w * n + v] !== 0) ? 1 : 0;
              if (symDense[v * n + w] !== expected) return false;
            }
          }

          // Degrees and edge count of the binary adjacency.
          const d = degrees(sym);
          for (let v = 0; v < n; v++) if (d[v] !== total(symDense.subarray(v * n, (v + 1) * n))) return false;
          if (edgeCount(sym) * 2 !== total(symDense)) return false;

          // Feature rows scaled to sum 1, with a row of zeros left at zero.
          const features = Float32Array.from({ length: 3 * n }, (_, k) => (Math.floor(k / 3) === n - 1 ? 0 : ((k * 5) % 7) + 1));
          const scaled = rowNormalizeFeatures(features, 3);
          for (let v = 0; v < n; v++) {
            const sum = features[3 * v]! + features[3 * v + 1]! + features[3 * v + 2]!;
            for (let c = 0; c < 3; c++) {
              const expected = sum === 0 ? 0 : features[3 * v + c]! / sum;
              if (!(Math.abs(scaled[3 * v + c]! - expected) <= 1e-6)) return false;
            }
          }
          return true;
        },
      ),
  });

  const kinds: Normalization[] = [{ kind: 'symmetric' }, { kind: 'random-walk' }, { kind: 'diagonal-enhanced', lambda: 0.75 }, { kind: 'lgcn' }];
  propertyInvariant<Normalize>({
    id: 'lgcn/normalization-entries',
    subject: normalizeAdjacency,
    controls: [{ name: 'writes the self-loop after the neighbours', subject: diagonalLast }],
    property: (normalize) =>
      fc.property(weightedGraph, ({ n, adjacency }) => {
        const descriptions = new Set(kinds.map(describeNormalization));
        if (descriptions.size !== kinds.length || [...descriptions].some((text) => typeof text !== 'string' || text.length === 0)) return false;
        if (!describeNormalization({ kind: 'diagonal-enhanced', lambda: 0.75 }).includes('λ=0.75')) return false;

        const a = toDense(adjacency);
        const degreePlusOne = Float64Array.from(rowSums(adjacency), (d) => d + 1);
        for (const kind of kinds) {
          const normalized = normalize(adjacency, kind);
          if (!isValidCsr(normalized) || nnz(normalized) !== nnz(adjacency) + n) return false;
          const dense = toDense(normalized).data;
          for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (Math.abs(dense[i * n + j]! - normalizedEntry(a, degreePlusOne, kind, i, j)) > EPS) return false;
        }
        return true;
      }),
  });
});
