/**
 * A node-classification graph: an undirected adjacency without self-loops, node features and
 * labels, and the operations the training methods need on it (induced subgraphs, relabelling).
 */
import { csrFromCoo, nnz, validateCsr, type CsrMatrix } from './csr';
import { GraphIndexError, GraphValueError } from './errors';

/** A labelled graph with dense node features. */
export interface Graph {
  /** Where the graph came from, for reports (`file: …`, `generated: …`). */
  name: string;
  /** Number of nodes `N`. */
  nodes: number;
  /** Symmetric binary adjacency `A` (N×N) with an empty diagonal. */
  adjacency: CsrMatrix;
  /** Node features `X`, N×F row-major. */
  features: Float32Array;
  /** Feature width `F`. */
  featureCount: number;
  /** Class of each node, in `[0, classCount)`. */
  labels: Int32Array;
  classCount: number;
  /** Class names when the source has them. */
  classNames?: string[];
}

/**
 * Returns the symmetric binary adjacency `A ∨ Aᵀ` of a possibly directed, weighted matrix, with
 * the diagonal dropped (self-loops are added by the normalisations where a method wants them).
 */
export function symmetrize(m: CsrMatrix): CsrMatrix {
  if (m.rows !== m.cols) throw new GraphValueError(`an adjacency matrix must be square, got ${m.rows}×${m.cols}`);
  const total = nnz(m);
  const rowIndex = new Int32Array(2 * total);
  const colIndex = new Int32Array(2 * total);
  let count = 0;
  for (let i = 0; i < m.rows; i++) {
    for (let k = m.indptr[i]!; k < m.indptr[i + 1]!; k++) {
      const j = m.indices[k]!;
      if (j === i || m.data[k] === 0) continue;
      rowIndex[count] = i;
      colIndex[count] = j;
      count++;
      rowIndex[count] = j;
      colIndex[count] = i;
      count++;
    }
  }
  const merged = csrFromCoo(m.rows, m.cols, rowIndex.subarray(0, count), colIndex.subarray(0, count));
  merged.data.fill(1);
  return merged;
}

/** Returns the degree `d_i` (number of neighbours) of every node of a binary adjacency. */
export function degrees(adjacency: CsrMatrix): Float64Array {
  const d = new Float64Array(adjacency.rows);
  for (let i = 0; i < adjacency.rows; i++) d[i] = adjacency.indptr[i + 1]! - adjacency.indptr[i]!;
  return d;
}

/** Number of undirected edges of a symmetric adjacency without self-loops. */
export function edgeCount(adjacency: CsrMatrix): number {
  return nnz(adjacency) / 2;
}

/**
 * Returns the induced subgraph `A[S][:, S]` of `nodes` (in the given order: row `r` of the result
 * is node `nodes[r]`).
 *
 * @throws GraphIndexError when a node is out of range or listed twice
 */
export function inducedSubgraph(adjacency: CsrMatrix, nodes: ArrayLike<number>): CsrMatrix {
  const position = new Int32Array(adjacency.rows).fill(-1);
  for (let r = 0; r < nodes.length; r++) {
    const v = nodes[r]!;
    if (!(v >= 0 && v < adjacency.rows)) throw new GraphIndexError(`subgraph node ${v} is outside [0, ${adjacency.rows})`);
    if (position[v] !== -1) throw new GraphIndexError(`subgraph node ${v} is listed twice`);
    position[v] = r;
  }
  const indptr = new Int32Array(nodes.length + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let r = 0; r < nodes.length; r++) {
    const v = nodes[r]!;
    const start = indices.length;
    for (let k = adjacency.indptr[v]!; k < adjacency.indptr[v + 1]!; k++) {
      const p = position[adjacency.indices[k]!]!;
      if (p === -1) continue;
      indices.push(p);
      data.push(adjacency.data[k]!);
    }
    // Relabelling can break the column order; restore it for this row.
    if (indices.length - start > 1) sortRowSegment(indices, data, start);
    indptr[r + 1] = indices.length;
  }
  return { rows: nodes.length, cols: nodes.length, indptr, indices: Int32Array.from(indices), data: Float64Array.from(data) };
}

function sortRowSegment(indices: number[], data: number[], start: number): void {
  const pairs = indices.slice(start).map((j, t) => [j, data[start + t]!] as const);
  pairs.sort((a, b) => a[0] - b[0]);
  for (let t = 0; t < pairs.length; t++) {
    indices[start + t] = pairs[t]![0];
    data[start + t] = pairs[t]![1];
  }
}

/**
 * Relabels the nodes of a square matrix: node `v` becomes node `perm[v]`, so the result is
 * `P M Pᵀ` with `P` the permutation matrix of `perm`.
 */
export function permuteMatrix(m: CsrMatrix, perm: ArrayLike<number>): CsrMatrix {
  checkPermutation(perm, m.rows);
  const rowIndex: number[] = [];
  const colIndex: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < m.rows; i++) {
    for (let k = m.indptr[i]!; k < m.indptr[i + 1]!; k++) {
      rowIndex.push(perm[i]!);
      colIndex.push(perm[m.indices[k]!]!);
      values.push(m.data[k]!);
    }
  }
  return csrFromCoo(m.rows, m.cols, rowIndex, colIndex, values);
}

/** Moves row `v` of a row-major `rows × width` array to row `perm[v]`. */
export function permuteRows<T extends Float32Array | Float64Array | Int32Array>(values: T, width: number, perm: ArrayLike<number>): T {
  const out = new (values.constructor as new (n: number) => T)(values.length);
  for (let v = 0; v < perm.length; v++) out.set(values.subarray(v * width, (v + 1) * width), perm[v]! * width);
  return out;
}

/** Relabels every node of `graph` by `perm` (node `v` becomes `perm[v]`). */
export function permuteGraph(graph: Graph, perm: ArrayLike<number>): Graph {
  return {
    ...graph,
    adjacency: permuteMatrix(graph.adjacency, perm),
    features: permuteRows(graph.features, graph.featureCount, perm),
    labels: permuteRows(graph.labels, 1, perm),
  };
}

function checkPermutation(perm: ArrayLike<number>, n: number): void {
  if (perm.length !== n) throw new GraphValueError(`permutation has length ${perm.length}, expected ${n}`);
  const seen = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    const p = perm[v]!;
    if (!(p >= 0 && p < n) || seen[p]) throw new GraphIndexError(`permutation entry ${p} at ${v} is out of range or repeated; it must be a permutation of 0..${n - 1}`);
    seen[p] = 1;
  }
}

/**
 * Checks a graph for consistency: CSR structure, symmetry, empty diagonal, feature and label
 * sizes, finite features and labels in range.
 *
 * @throws GraphIndexError or GraphValueError naming the first problem found
 */
export function validateGraph(graph: Graph): void {
  const { adjacency, nodes } = graph;
  if (adjacency.rows !== nodes || adjacency.cols !== nodes) throw new GraphValueError(`adjacency is ${adjacency.rows}×${adjacency.cols} but the graph has ${nodes} nodes`);
  validateCsr(adjacency, 'adjacency');
  for (let i = 0; i < nodes; i++) {
    for (let k = adjacency.indptr[i]!; k < adjacency.indptr[i + 1]!; k++) {
      if (adjacency.indices[k] === i) throw new GraphValueError(`adjacency has a self-loop at node ${i}; pass it through symmetrize() first`);
    }
  }
  if (graph.features.length !== nodes * graph.featureCount) {
    throw new GraphValueError(`features hold ${graph.features.length} values, expected nodes × features = ${nodes} × ${graph.featureCount}`);
  }
  for (let k = 0; k < graph.features.length; k++) {
    if (!Number.isFinite(graph.features[k]!)) throw new GraphValueError(`feature ${k % graph.featureCount} of node ${Math.floor(k / graph.featureCount)} is ${graph.features[k]}; features must be finite`);
  }
  if (graph.labels.length !== nodes) throw new GraphValueError(`there are ${graph.labels.length} labels for ${nodes} nodes; give one label per node`);
  for (let v = 0; v < nodes; v++) {
    const y = graph.labels[v]!;
    if (!(y >= 0 && y < graph.classCount)) throw new GraphValueError(`label ${y} of node ${v} is outside [0, ${graph.classCount})`);
  }
}

/** Scales each feature row to sum 1 (rows of zeros stay zero), as Kipf and Welling do for Cora. */
export function rowNormalizeFeatures(features: Float32Array, width: number): Float32Array {
  const out = new Float32Array(features.length);
  for (let start = 0; start < features.length; start += width) {
    let sum = 0;
    for (let c = 0; c < width; c++) sum += features[start + c]!;
    const scale = sum === 0 ? 0 : 1 / sum;
    for (let c = 0; c < width; c++) out[start + c] = features[start + c]! * scale;
  }
  return out;
}
