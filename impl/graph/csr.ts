/**
 * Compressed sparse row (CSR) matrices over typed arrays, and the float64 sparse–dense product
 * that every other module checks against.
 *
 * A matrix `M ∈ R^{rows×cols}` stores, for row `i`, the column indices
 * `indices[indptr[i] .. indptr[i+1])` (ascending, no duplicates) and their values in `data`.
 */
import { GraphIndexError, GraphValueError } from './errors';

/** A sparse matrix in CSR form. Column indices within a row are sorted and unique. */
export interface CsrMatrix {
  rows: number;
  cols: number;
  /** Row pointers, length `rows + 1`, non-decreasing, `indptr[0] = 0`. */
  indptr: Int32Array;
  /** Column index of each stored entry. */
  indices: Int32Array;
  /** Value of each stored entry. */
  data: Float64Array;
}

/** A dense row-major matrix. */
export interface DenseMatrix {
  rows: number;
  cols: number;
  data: Float64Array | Float32Array;
}

/** Returns the number of stored entries. */
export function nnz(m: CsrMatrix): number {
  return m.indptr[m.rows]!;
}

/**
 * Checks the CSR structure: pointer monotonicity, index range and sorted, unique columns, and
 * finite values.
 *
 * @param what - name of the matrix in error messages (for example `adjacency`)
 * @throws GraphIndexError on a pointer or index outside its range; GraphValueError on a NaN or
 *   infinite value
 */
export function validateCsr(m: CsrMatrix, what = 'matrix'): void {
  const { rows, cols, indptr, indices, data } = m;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) throw new GraphValueError(`${what} has an invalid shape ${rows}×${cols}; both sides must be non-negative integers`);
  if (indptr.length !== rows + 1) throw new GraphIndexError(`${what}: indptr has length ${indptr.length}, expected rows + 1 = ${rows + 1}`);
  if (indptr[0] !== 0) throw new GraphIndexError(`${what}: indptr[0] is ${indptr[0]}, expected 0`);
  const total = indptr[rows]!;
  if (total !== indices.length || total !== data.length) {
    throw new GraphIndexError(`${what}: indptr ends at ${total} but there are ${indices.length} indices and ${data.length} values; the three arrays must agree`);
  }
  for (let i = 0; i < rows; i++) {
    const start = indptr[i]!;
    const end = indptr[i + 1]!;
    if (end < start) throw new GraphIndexError(`${what}: indptr decreases at row ${i} (${start} > ${end})`);
    let previous = -1;
    for (let k = start; k < end; k++) {
      const j = indices[k]!;
      if (j < 0 || j >= cols) throw new GraphIndexError(`${what}: row ${i} has column index ${j}, outside [0, ${cols}); fix the index or the declared shape`);
      if (j <= previous) throw new GraphIndexError(`${what}: row ${i} has unsorted or duplicate column index ${j}; build it with csrFromCoo, which sorts and merges`);
      previous = j;
      if (!Number.isFinite(data[k]!)) throw new GraphValueError(`${what}: entry (${i}, ${j}) is ${data[k]}; values must be finite`);
    }
  }
}

/**
 * Builds a CSR matrix from coordinate triples, summing duplicates and sorting columns.
 *
 * @example csrFromCoo(2, 2, [0, 1], [1, 0], [1, 1]) // the 2×2 swap matrix
 * @throws GraphIndexError when an index is outside the shape
 */
export function csrFromCoo(rows: number, cols: number, rowIndex: ArrayLike<number>, colIndex: ArrayLike<number>, values?: ArrayLike<number>): CsrMatrix {
  const count = rowIndex.length;
  if (colIndex.length !== count || (values !== undefined && values.length !== count)) {
    throw new GraphValueError(`csrFromCoo needs equally long index and value arrays, got ${count}, ${colIndex.length} and ${values?.length}`);
  }
  const perRow = new Int32Array(rows + 1);
  for (let k = 0; k < count; k++) {
    const i = rowIndex[k]!;
    const j = colIndex[k]!;
    if (!(i >= 0 && i < rows && Number.isInteger(i))) throw new GraphIndexError(`node index ${i} is outside [0, ${rows})`);
    if (!(j >= 0 && j < cols && Number.isInteger(j))) throw new GraphIndexError(`node index ${j} is outside [0, ${cols})`);
    perRow[i + 1]!++;
  }
  for (let i = 0; i < rows; i++) perRow[i + 1]! += perRow[i]!;

  // Scatter into rows, then sort each row by column and merge duplicates.
  const cursor = perRow.slice(0, rows);
  const colsByRow = new Int32Array(count);
  const valsByRow = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const at = cursor[rowIndex[k]!]!++;
    colsByRow[at] = colIndex[k]!;
    valsByRow[at] = values === undefined ? 1 : values[k]!;
  }
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(count);
  const data = new Float64Array(count);
  let out = 0;
  const order: number[] = [];
  for (let i = 0; i < rows; i++) {
    order.length = 0;
    for (let k = perRow[i]!; k < perRow[i + 1]!; k++) order.push(k);
    order.sort((a, b) => colsByRow[a]! - colsByRow[b]!);
    for (const k of order) {
      if (out > indptr[i]! && indices[out - 1] === colsByRow[k]) data[out - 1]! += valsByRow[k]!;
      else {
        indices[out] = colsByRow[k]!;
        data[out] = valsByRow[k]!;
        out++;
      }
    }
    indptr[i + 1] = out;
  }
  return { rows, cols, indptr, indices: indices.slice(0, out), data: data.slice(0, out) };
}

/** Returns the transpose `Mᵀ` in CSR form. */
export function transpose(m: CsrMatrix): CsrMatrix {
  const total = nnz(m);
  const indptr = new Int32Array(m.cols + 1);
  for (let k = 0; k < total; k++) indptr[m.indices[k]! + 1]!++;
  for (let j = 0; j < m.cols; j++) indptr[j + 1]! += indptr[j]!;
  const cursor = indptr.slice(0, m.cols);
  const indices = new Int32Array(total);
  const data = new Float64Array(total);
  for (let i = 0; i < m.rows; i++) {
    for (let k = m.indptr[i]!; k < m.indptr[i + 1]!; k++) {
      const at = cursor[m.indices[k]!]!++;
      indices[at] = i;
      data[at] = m.data[k]!;
    }
  }
  return { rows: m.cols, cols: m.rows, indptr, indices, data };
}

/** Returns the dense row-major form of `m` (for tests and small graphs). */
export function toDense(m: CsrMatrix): DenseMatrix {
  const data = new Float64Array(m.rows * m.cols);
  for (let i = 0; i < m.rows; i++) {
    for (let k = m.indptr[i]!; k < m.indptr[i + 1]!; k++) data[i * m.cols + m.indices[k]!] = m.data[k]!;
  }
  return { rows: m.rows, cols: m.cols, data };
}

/** Returns the CSR form of a dense matrix, keeping non-zero entries. */
export function fromDense(d: DenseMatrix): CsrMatrix {
  const rowIndex: number[] = [];
  const colIndex: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < d.rows; i++) {
    for (let j = 0; j < d.cols; j++) {
      const v = d.data[i * d.cols + j]!;
      if (v !== 0) {
        rowIndex.push(i);
        colIndex.push(j);
        values.push(v);
      }
    }
  }
  return csrFromCoo(d.rows, d.cols, rowIndex, colIndex, values);
}

/**
 * Computes the sparse–dense product `M · H` in float64 (the oracle of every aggregation).
 *
 * @param h - dense `cols × f` matrix, row-major
 * @returns dense `rows × f` matrix
 * @throws GraphValueError when the inner sizes differ
 */
export function spmm(m: CsrMatrix, h: DenseMatrix): DenseMatrix {
  if (h.rows !== m.cols) throw new GraphValueError(`spmm shape mismatch: matrix is ${m.rows}×${m.cols} but the dense factor has ${h.rows} rows`);
  const f = h.cols;
  const out = new Float64Array(m.rows * f);
  for (let i = 0; i < m.rows; i++) {
    const row = i * f;
    for (let k = m.indptr[i]!; k < m.indptr[i + 1]!; k++) {
      const v = m.data[k]!;
      const source = m.indices[k]! * f;
      for (let c = 0; c < f; c++) out[row + c]! += v * h.data[source + c]!;
    }
  }
  return { rows: m.rows, cols: f, data: out };
}

/**
 * Computes `M · H` into a float32 buffer, accumulating each row in float64. This is the kernel
 * behind the TensorFlow.js aggregation on backends without a sparse matmul.
 */
export function spmmFloat32(m: CsrMatrix, h: Float32Array, f: number): Float32Array {
  if (h.length !== m.cols * f) throw new GraphValueError(`spmm shape mismatch: matrix is ${m.rows}×${m.cols} but the dense factor holds ${h.length} values, not ${m.cols}×${f}`);
  const out = new Float32Array(m.rows * f);
  const accumulator = new Float64Array(f);
  for (let i = 0; i < m.rows; i++) {
    accumulator.fill(0);
    for (let k = m.indptr[i]!; k < m.indptr[i + 1]!; k++) {
      const v = m.data[k]!;
      const source = m.indices[k]! * f;
      for (let c = 0; c < f; c++) accumulator[c]! += v * h[source + c]!;
    }
    out.set(accumulator, i * f);
  }
  return out;
}

/** Multiplies two dense matrices in float64 (oracle only; O(n·k·m)). */
export function matmul(a: DenseMatrix, b: DenseMatrix): DenseMatrix {
  if (a.cols !== b.rows) throw new GraphValueError(`matmul shape mismatch: ${a.rows}×${a.cols} times ${b.rows}×${b.cols}`);
  const out = new Float64Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const v = a.data[i * a.cols + k]!;
      if (v === 0) continue;
      for (let j = 0; j < b.cols; j++) out[i * b.cols + j]! += v * b.data[k * b.cols + j]!;
    }
  }
  return { rows: a.rows, cols: b.cols, data: out };
}

/** Returns the row sums `M · 1`. */
export function rowSums(m: CsrMatrix): Float64Array {
  const sums = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let k = m.indptr[i]!; k < m.indptr[i + 1]!; k++) s += m.data[k]!;
    sums[i] = s;
  }
  return sums;
}
