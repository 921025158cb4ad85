/**
 * Reads and writes graphs in the compressed-sparse NumPy `.npz` layout of the gnn-benchmark
 * collection (Cora, CiteSeer, PubMed, Amazon, Coauthor …): a zip archive of `.npy` arrays
 *
 *   adj_data, adj_indices, adj_indptr, adj_shape      adjacency in CSR (any numeric dtypes)
 *   attr_data, attr_indices, attr_indptr, attr_shape  node features in CSR
 *     or attr_matrix                                  node features as a dense N×F array
 *   labels                                            one integer class per node
 *   class_names                                       optional, fixed-width unicode
 *
 * The zip container is read with fflate and each member with npyjs. The adjacency is treated
 * as undirected: `A ∨ Aᵀ` with the diagonal dropped.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import { dump, parse, type NpyArray } from 'npyjs';
import { type CsrMatrix } from './csr';
import { NpzFormatError, GraphIndexError } from './errors';
import { symmetrize, validateGraph, type Graph } from './graph';

/** Arrays of one `.npz` archive after parsing, by member name without `.npy`. */
type Members = Map<string, NpyArray>;

/**
 * Reads a graph from an `.npz` file in the compressed-sparse layout.
 *
 * @example const cora = readGraphNpz('../shared/data/graphs/cora.npz');
 * @throws NpzFormatError when the file is not a readable zip of `.npy` arrays in this layout
 *   (truncated, corrupted, missing arrays, inconsistent lengths); GraphIndexError when a node
 *   or feature index is outside the declared shape
 */
export function readGraphNpz(path: string): Graph {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new NpzFormatError(`cannot read graph file '${path}': ${(error as Error).message}`);
  }
  return parseGraphNpz(bytes, `file: ${path}`);
}

/**
 * Parses a graph from the bytes of an `.npz` archive.
 *
 * @param name - name recorded in the graph (for reports)
 */
export function parseGraphNpz(bytes: Uint8Array, name: string): Graph {
  const members = readMembers(bytes, name);

  const shape = readShape(members, 'adj_shape', name);
  if (shape[0] !== shape[1]) throw new NpzFormatError(`${name}: adj_shape is ${shape[0]}×${shape[1]}; an adjacency matrix must be square`);
  const nodes = shape[0]!;
  const adjacency = symmetrize(readCsr(members, 'adj', shape, name));

  const { features, featureCount } = readFeatures(members, nodes, name);
  const labels = readLabels(members, nodes, name);
  let classCount = 0;
  for (const y of labels) classCount = Math.max(classCount, y + 1);
  const classNames = members.has('class_names') ? (members.get('class_names')!.data as unknown as string[]).map(String) : undefined;
  if (classNames !== undefined) classCount = Math.max(classCount, classNames.length);

  const graph: Graph = { name, nodes, adjacency, features, featureCount, labels, classCount, ...(classNames === undefined ? {} : { classNames }) };
  validateGraph(graph);
  return graph;
}

function readMembers(bytes: Uint8Array, name: string): Members {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (error) {
    throw new NpzFormatError(`${name} is not a readable .npz (zip) archive: ${(error as Error).message}; the file may be truncated or corrupted, so re-create it with numpy.savez_compressed`);
  }
  const members: Members = new Map();
  for (const [file, content] of Object.entries(files)) {
    if (!file.endsWith('.npy')) continue;
    const key = file.slice(0, -4);
    // Only the arrays the suite reads are parsed; node_names can be large and is not needed.
    if (key === 'node_names') continue;
    try {
      const array = parse(content.slice().buffer);
      checkLength(array, file, name);
      members.set(key, array);
    } catch (error) {
      if (error instanceof NpzFormatError) throw error;
      throw new NpzFormatError(`${name}: member ${file} is not a valid .npy array (${(error as Error).message}); only little-endian numeric arrays and unicode strings are supported`);
    }
  }
  if (members.size === 0) throw new NpzFormatError(`${name} holds no .npy arrays; expected adj_*, attr_* and labels arrays`);
  return members;
}

function checkLength(array: NpyArray, file: string, name: string): void {
  const expected = array.shape.reduce((a, b) => a * b, 1);
  const actual = (array.data as unknown as ArrayLike<unknown>).length;
  if (actual !== expected) throw new NpzFormatError(`${name}: member ${file} declares shape (${array.shape.join(', ')}) = ${expected} values but holds ${actual}; the array is truncated or padded`);
  if (array.fortranOrder && array.shape.length > 1) throw new NpzFormatError(`${name}: member ${file} is stored in Fortran order; save it with numpy.ascontiguousarray first`);
}

function need(members: Members, key: string, name: string): NpyArray {
  const array = members.get(key);
  if (array === undefined) throw new NpzFormatError(`${name} has no array '${key}'; present: ${[...members.keys()].join(', ')}. The compressed-sparse layout needs adj_data, adj_indices, adj_indptr, adj_shape, attr_* (or attr_matrix) and labels`);
  return array;
}

function toNumbers(array: NpyArray, key: string, name: string): ArrayLike<number> {
  const data = array.data as unknown;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const out = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = Number(data[i]!);
      if (!Number.isSafeInteger(v)) throw new NpzFormatError(`${name}: ${key}[${i}] = ${data[i]} does not fit a safe integer`);
      out[i] = v;
    }
    return out;
  }
  if (Array.isArray(data)) {
    if (data.every((v) => typeof v === 'boolean')) return data.map(Number);
    throw new NpzFormatError(`${name}: ${key} holds strings (dtype ${array.dtype}); it must be numeric`);
  }
  return data as ArrayLike<number>;
}

function readShape(members: Members, key: string, name: string): number[] {
  const shape = Array.from(toNumbers(need(members, key, name), key, name));
  if (shape.length !== 2 || !shape.every((v) => Number.isSafeInteger(v) && v >= 0)) throw new NpzFormatError(`${name}: ${key} must hold two non-negative integers, got [${shape.join(', ')}]`);
  return shape;
}

/** Reads a CSR matrix stored as `<prefix>_data/_indices/_indptr`, checking every index. */
function readCsr(members: Members, prefix: string, shape: number[], name: string): CsrMatrix {
  const [rows, cols] = shape as [number, number];
  const data = toNumbers(need(members, `${prefix}_data`, name), `${prefix}_data`, name);
  const indices = toNumbers(need(members, `${prefix}_indices`, name), `${prefix}_indices`, name);
  const indptr = toNumbers(need(members, `${prefix}_indptr`, name), `${prefix}_indptr`, name);
  if (indptr.length !== rows + 1) throw new NpzFormatError(`${name}: ${prefix}_indptr has ${indptr.length} entries but ${prefix}_shape declares ${rows} rows (expected ${rows + 1})`);
  if (indices.length !== data.length) throw new NpzFormatError(`${name}: ${prefix}_indices has ${indices.length} entries but ${prefix}_data has ${data.length}`);
  if (indptr[0] !== 0 || indptr[rows] !== data.length) throw new NpzFormatError(`${name}: ${prefix}_indptr must run from 0 to ${data.length}, got ${indptr[0]} … ${indptr[rows]}`);

  const outIndptr = new Int32Array(rows + 1);
  for (let i = 0; i < rows; i++) {
    if (indptr[i + 1]! < indptr[i]!) throw new GraphIndexError(`${name}: ${prefix}_indptr decreases at row ${i}`);
    outIndptr[i + 1] = indptr[i + 1]!;
  }
  const outIndices = new Int32Array(indices.length);
  const outData = new Float64Array(data.length);
  for (let k = 0; k < indices.length; k++) {
    const j = indices[k]!;
    if (!(Number.isInteger(j) && j >= 0 && j < cols)) {
      const row = rowOf(outIndptr, k);
      throw new GraphIndexError(`${name}: ${prefix} entry ${k} (row ${row}) has index ${j}, outside [0, ${cols}); the file is inconsistent with its ${prefix}_shape`);
    }
    outIndices[k] = j;
    outData[k] = data[k]!;
  }
  return { rows, cols, indptr: outIndptr, indices: outIndices, data: outData };
}

function rowOf(indptr: Int32Array, k: number): number {
  let row = 0;
  while (row + 1 < indptr.length && indptr[row + 1]! <= k) row++;
  return row;
}

function readFeatures(members: Members, nodes: number, name: string): { features: Float32Array; featureCount: number } {
  if (members.has('attr_matrix')) {
    const dense = members.get('attr_matrix')!;
    if (dense.shape.length !== 2 || dense.shape[0] !== nodes) throw new NpzFormatError(`${name}: attr_matrix has shape (${dense.shape.join(', ')}), expected (${nodes}, F)`);
    return { features: Float32Array.from(toNumbers(dense, 'attr_matrix', name)), featureCount: dense.shape[1]! };
  }
  const shape = readShape(members, 'attr_shape', name);
  if (shape[0] !== nodes) throw new NpzFormatError(`${name}: attr_shape declares ${shape[0]} rows but the adjacency has ${nodes} nodes`);
  const csr = readCsr(members, 'attr', shape, name);
  const featureCount = shape[1]!;
  const features = new Float32Array(nodes * featureCount);
  for (let i = 0; i < nodes; i++) {
    for (let k = csr.indptr[i]!; k < csr.indptr[i + 1]!; k++) features[i * featureCount + csr.indices[k]!]! += csr.data[k]!;
  }
  return { features, featureCount };
}

function readLabels(members: Members, nodes: number, name: string): Int32Array {
  const array = need(members, 'labels', name);
  if (array.shape.length !== 1 || array.shape[0] !== nodes) throw new NpzFormatError(`${name}: labels has shape (${array.shape.join(', ')}), expected one class per node, (${nodes},); multi-label CSR labels are not supported`);
  const values = toNumbers(array, 'labels', name);
  const labels = new Int32Array(nodes);
  for (let v = 0; v < nodes; v++) {
    const y = values[v]!;
    if (!Number.isInteger(y) || y < 0) throw new NpzFormatError(`${name}: label of node ${v} is ${y}; labels must be non-negative integers`);
    labels[v] = y;
  }
  return labels;
}

/**
 * Encodes a graph in the compressed-sparse `.npz` layout (features stored as CSR), readable by
 * {@link parseGraphNpz} and by `numpy.load`.
 */
export function encodeGraphNpz(graph: Graph): Uint8Array {
  const { adjacency, nodes, featureCount } = graph;
  const attrIndptr = new Int32Array(nodes + 1);
  const attrIndices: number[] = [];
  const attrData: number[] = [];
  for (let i = 0; i < nodes; i++) {
    for (let c = 0; c < featureCount; c++) {
      const v = graph.features[i * featureCount + c]!;
      if (v === 0) continue;
      attrIndices.push(c);
      attrData.push(v);
    }
    attrIndptr[i + 1] = attrIndices.length;
  }
  const npy = (array: Parameters<typeof dump>[0], shape?: number[]) => new Uint8Array(dump(array, shape));
  const files: Record<string, Uint8Array> = {
    'adj_data.npy': npy(Float32Array.from(adjacency.data)),
    'adj_indices.npy': npy(Int32Array.from(adjacency.indices)),
    'adj_indptr.npy': npy(Int32Array.from(adjacency.indptr)),
    'adj_shape.npy': npy(BigInt64Array.from([BigInt(nodes), BigInt(nodes)])),
    'attr_data.npy': npy(Float32Array.from(attrData)),
    'attr_indices.npy': npy(Int32Array.from(attrIndices)),
    'attr_indptr.npy': npy(attrIndptr),
    'attr_shape.npy': npy(BigInt64Array.from([BigInt(nodes), BigInt(featureCount)])),
    'labels.npy': npy(Int32Array.from(graph.labels)),
  };
  if (graph.classNames !== undefined) files['class_names.npy'] = npy(graph.classNames, [graph.classNames.length]);
  return zipSync(files, { level: 6 });
}

/** Writes a graph to `path` in the compressed-sparse `.npz` layout. */
export function writeGraphNpz(graph: Graph, path: string): void {
  writeFileSync(path, encodeGraphNpz(graph));
}
