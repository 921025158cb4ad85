/**
 * The `.npz` loader on files set up in a temporary folder. Generated graphs must round-trip, and
 * the real Cora file must read when the data folder is configured. Malformed inputs (truncated
 * archive, truncated member, index out of range, missing array, not a zip) must raise named errors.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { dump } from 'npyjs';
import { describe } from 'vitest';
import { dataPath, resolveDataFolder } from '../../harness/data';
import { caseInvariant } from '../../harness/testing/invariant';
import { CSBM_DEFAULTS, GraphIndexError, NpzFormatError, csrFromCoo, edgeCount, encodeGraphNpz, generateCsbm, normalizeAdjacency, readGraphNpz, symmetrize, writeGraphNpz, type Graph } from '../../impl/graph/index';

type Loader = (path: string) => Graph;

const emptyOnError: Loader = (path) => {
  try {
    return readGraphNpz(path);
  } catch {
    return { name: path, nodes: 0, adjacency: csrFromCoo(0, 0, [], []), features: new Float32Array(0), featureCount: 0, labels: new Int32Array(0), classCount: 0 };
  }
};

const plainErrors: Loader = (path) => {
  try {
    return readGraphNpz(path);
  } catch (error) {
    throw new Error((error as Error).message);
  }
};

const folder = mkdtempSync(join(tmpdir(), 'paperproof-npz-'));
const cora = dataPath(resolveDataFolder(), 'graphs/cora.npz');

function write(name: string, bytes: Uint8Array): string {
  const path = join(folder, name);
  writeFileSync(path, bytes);
  return path;
}

/** A graph with two isolated nodes and class names. */
function isolatedGraph(): Graph {
  const adjacency = symmetrize(csrFromCoo(6, 6, [0, 1, 2], [1, 2, 3]));
  return { name: 'isolated', nodes: 6, adjacency, features: Float32Array.from({ length: 12 }, (_, k) => (k % 3) - 1), featureCount: 2, labels: Int32Array.from([0, 1, 0, 1, 2, 2]), classCount: 3, classNames: ['a', 'b', 'c'] };
}

function sameGraph(a: Graph, b: Graph): string | null {
  if (a.nodes !== b.nodes || a.featureCount !== b.featureCount || a.classCount !== b.classCount) return `sizes differ: ${a.nodes}/${a.featureCount}/${a.classCount} vs ${b.nodes}/${b.featureCount}/${b.classCount}`;
  if (a.adjacency.indptr.some((v, i) => v !== b.adjacency.indptr[i]) || a.adjacency.indices.some((v, i) => v !== b.adjacency.indices[i])) return 'adjacency differs';
  if (a.features.some((v, i) => v !== b.features[i])) return 'features differ';
  if (a.labels.some((v, i) => v !== b.labels[i])) return 'labels differ';
  return null;
}

/** Rewrites one member of an encoded archive. */
function withMember(bytes: Uint8Array, member: string, content: Uint8Array | null): Uint8Array {
  const files = unzipSync(bytes);
  if (content === null) delete files[member];
  else files[member] = content as Uint8Array<ArrayBuffer>;
  return zipSync(files);
}

/**
 * Encodes one `.npy` member by hand, for layouts that npyjs's dump does not write (Fortran order,
 * booleans). `body` contains the raw little-endian values.
 */
function rawNpy(descr: string, fortranOrder: boolean, shape: number[], body: Uint8Array): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat((64 - ((11 + header.length) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  out[8] = header.length & 255;
  out[9] = header.length >> 8;
  out.set(new TextEncoder().encode(header), 10);
  out.set(body, 10 + header.length);
  return out;
}

function npy(array: Parameters<typeof dump>[0], shape?: number[]): Uint8Array {
  return new Uint8Array(dump(array, shape));
}

/**
 * Builds the archive of a three-node graph: edges 0–1 and 0–2, two features, labels 0, 1, 1.
 * Each entry of `changes` replaces one member, and `null` removes it.
 */
function tinyArchive(changes: Record<string, Uint8Array | null> = {}, level: 0 | 6 = 6): Uint8Array {
  const files: Record<string, Uint8Array> = {
    'adj_data.npy': npy(Float32Array.from([1, 1, 1, 1])),
    'adj_indices.npy': npy(Int32Array.from([1, 2, 0, 0])),
    'adj_indptr.npy': npy(Int32Array.from([0, 2, 3, 4])),
    'adj_shape.npy': npy(BigInt64Array.from([3n, 3n])),
    'attr_data.npy': npy(Float32Array.from([1, 2, 3])),
    'attr_indices.npy': npy(Int32Array.from([0, 1, 1])),
    'attr_indptr.npy': npy(Int32Array.from([0, 1, 2, 3])),
    'attr_shape.npy': npy(BigInt64Array.from([3n, 2n])),
    'labels.npy': npy(Int32Array.from([0, 1, 1])),
  };
  for (const [member, content] of Object.entries(changes)) {
    if (content === null) delete files[member];
    else files[member] = content;
  }
  return zipSync(files as Record<string, Uint8Array<ArrayBuffer>>, { level });
}

/** Features of the three-node graph, row-major. */
const TINY_FEATURES = [1, 0, 0, 2, 0, 3];

/** An archive that must raise `kind` with a message matching every pattern. */
interface MalformedCase {
  label: string;
  bytes: Uint8Array;
  kind: typeof NpzFormatError | typeof GraphIndexError;
  message: readonly RegExp[];
}

const malformed: readonly MalformedCase[] = [
  { label: 'archive without .npy members', bytes: zipSync({ 'notes.txt': new TextEncoder().encode('no arrays') }), kind: NpzFormatError, message: [/holds no \.npy arrays/, /adj_\*, attr_\* and labels/] },
  { label: 'member that is not .npy', bytes: tinyArchive({ 'adj_data.npy': new TextEncoder().encode('not an array') }), kind: NpzFormatError, message: [/member adj_data\.npy is not a valid \.npy array/, /little-endian numeric/] },
  { label: 'member shorter than its shape', bytes: tinyArchive({ 'labels.npy': rawNpy('<i4', false, [3], new Uint8Array(8)) }), kind: NpzFormatError, message: [/: member labels\.npy declares shape \(3\) = 3 values but holds 2; the array is truncated or padded$/] },
  { label: 'two-dimensional member shorter than its shape', bytes: tinyArchive({ 'attr_matrix.npy': rawNpy('<f4', false, [3, 2], new Uint8Array(20)) }), kind: NpzFormatError, message: [/declares shape \(3, 2\) = 6 values but holds 5/] },
  { label: 'matrix in Fortran order', bytes: tinyArchive({ 'attr_matrix.npy': rawNpy('<f4', true, [3, 2], new Uint8Array(24)) }), kind: NpzFormatError, message: [/: member attr_matrix\.npy is stored in Fortran order; save it with numpy\.ascontiguousarray first$/] },
  { label: 'missing labels member', bytes: tinyArchive({ 'labels.npy': null }), kind: NpzFormatError, message: [/has no array 'labels'; present: adj_data, adj_indices/, /needs adj_data/] },
  { label: 'non-square adj_shape', bytes: tinyArchive({ 'adj_shape.npy': npy(BigInt64Array.from([3n, 4n])) }), kind: NpzFormatError, message: [/adj_shape is 3×4/, /must be square/] },
  { label: 'adj_shape of three sides', bytes: tinyArchive({ 'adj_shape.npy': npy(BigInt64Array.from([3n, 3n, 3n])) }), kind: NpzFormatError, message: [/adj_shape must hold two non-negative integers, got \[3, 3, 3\]/] },
  { label: 'negative attr_shape', bytes: tinyArchive({ 'attr_shape.npy': npy(BigInt64Array.from([3n, -2n])) }), kind: NpzFormatError, message: [/attr_shape must hold two non-negative integers, got \[3, -2\]/] },
  { label: 'fractional adj_shape', bytes: tinyArchive({ 'adj_shape.npy': npy(Float64Array.from([2.5, 2.5])) }), kind: NpzFormatError, message: [/got \[2\.5, 2\.5\]/] },
  { label: 'adj_shape beyond safe integers', bytes: tinyArchive({ 'adj_shape.npy': npy(BigInt64Array.from([3n, 2n ** 60n])) }), kind: NpzFormatError, message: [/adj_shape\[1\] = 1152921504606846976 does not fit a safe integer/] },
  { label: 'adj_data beyond safe integers', bytes: tinyArchive({ 'adj_data.npy': npy(BigInt64Array.from([1n, 2n ** 60n, 1n, 1n])) }), kind: NpzFormatError, message: [/adj_data\[1\] = /] },
  { label: 'adj_indices beyond safe integers', bytes: tinyArchive({ 'adj_indices.npy': npy(BigInt64Array.from([1n, 2n, 2n ** 60n, 0n])) }), kind: NpzFormatError, message: [/adj_indices\[2\] = /] },
  { label: 'adj_indptr beyond safe integers', bytes: tinyArchive({ 'adj_indptr.npy': npy(BigInt64Array.from([0n, 2n ** 60n, 3n, 4n])) }), kind: NpzFormatError, message: [/adj_indptr\[1\] = /] },
  { label: 'labels stored as strings', bytes: tinyArchive({ 'labels.npy': npy(['a', 'b', 'c'], [3]) }), kind: NpzFormatError, message: [/labels holds strings \(dtype U1\)/, /must be numeric/] },
  { label: 'adj_indptr too short', bytes: tinyArchive({ 'adj_indptr.npy': npy(Int32Array.from([0, 2, 4])) }), kind: NpzFormatError, message: [/adj_indptr has 3 entries but adj_shape declares 3 rows \(expected 4\)/] },
  { label: 'adj_indices and adj_data differ', bytes: tinyArchive({ 'adj_indices.npy': npy(Int32Array.from([1, 2, 0])) }), kind: NpzFormatError, message: [/adj_indices has 3 entries but adj_data has 4/] },
  { label: 'adj_indptr not from 0', bytes: tinyArchive({ 'adj_indptr.npy': npy(Int32Array.from([1, 2, 3, 4])) }), kind: NpzFormatError, message: [/adj_indptr must run from 0 to 4, got 1 … 4/] },
  { label: 'adj_indptr short of the data', bytes: tinyArchive({ 'adj_indptr.npy': npy(Int32Array.from([0, 2, 3, 3])) }), kind: NpzFormatError, message: [/must run from 0 to 4, got 0 … 3/] },
  { label: 'adj_indptr decreasing', bytes: tinyArchive({ 'adj_indptr.npy': npy(Int32Array.from([0, 3, 2, 4])) }), kind: GraphIndexError, message: [/adj_indptr decreases at row 1/] },
  // Row 1 is empty, so entry 1 is the first entry of row 2.
  { label: 'index past the shape after an empty row', bytes: tinyArchive({ 'adj_indptr.npy': npy(Int32Array.from([0, 1, 1, 4])), 'adj_indices.npy': npy(Int32Array.from([1, 9, 0, 0])) }), kind: GraphIndexError, message: [/adj entry 1 \(row 2\) has index 9, outside \[0, 3\)/, /inconsistent with its adj_shape/] },
  { label: 'index equal to the shape', bytes: tinyArchive({ 'adj_indices.npy': npy(Int32Array.from([1, 2, 0, 3])) }), kind: GraphIndexError, message: [/adj entry 3 \(row 2\) has index 3/] },
  { label: 'negative index', bytes: tinyArchive({ 'attr_indices.npy': npy(Int32Array.from([-1, 1, 1])) }), kind: GraphIndexError, message: [/attr entry 0 \(row 0\) has index -1, outside \[0, 2\)/, /attr_shape/] },
  { label: 'fractional index', bytes: tinyArchive({ 'attr_indices.npy': npy(Float64Array.from([0, 0.5, 1])) }), kind: GraphIndexError, message: [/attr entry 1 \(row 1\) has index 0\.5/] },
  { label: 'attr_shape rows differ from nodes', bytes: tinyArchive({ 'attr_shape.npy': npy(BigInt64Array.from([4n, 2n])) }), kind: NpzFormatError, message: [/attr_shape declares 4 rows but the adjacency has 3 nodes/] },
  { label: 'attr_matrix with too many rows', bytes: tinyArchive({ 'attr_matrix.npy': npy(Float32Array.from({ length: 8 }), [4, 2]) }), kind: NpzFormatError, message: [/attr_matrix has shape \(4, 2\), expected \(3, F\)/] },
  { label: 'attr_matrix stored as strings', bytes: tinyArchive({ 'attr_matrix.npy': npy(['a', 'b', 'c', 'd', 'e', 'f'], [3, 2]) }), kind: NpzFormatError, message: [/attr_matrix holds strings/] },
  { label: 'attr_matrix of one dimension', bytes: tinyArchive({ 'attr_matrix.npy': npy(Float32Array.from({ length: 3 }), [3]) }), kind: NpzFormatError, message: [/attr_matrix has shape \(3\)/] },
  { label: 'labels of two dimensions', bytes: tinyArchive({ 'labels.npy': npy(Int32Array.from([0, 1, 1, 0, 0, 1]), [3, 2]) }), kind: NpzFormatError, message: [/labels has shape \(3, 2\), expected one class per node, \(3,\)/, /multi-label/] },
  { label: 'labels too few', bytes: tinyArchive({ 'labels.npy': npy(Int32Array.from([0, 1])) }), kind: NpzFormatError, message: [/labels has shape \(2\)/] },
  { label: 'negative label', bytes: tinyArchive({ 'labels.npy': npy(Int32Array.from([0, -1, 1])) }), kind: NpzFormatError, message: [/label of node 1 is -1/, /non-negative integers/] },
  { label: 'fractional label', bytes: tinyArchive({ 'labels.npy': npy(Float32Array.from([0, 1, 1.5])) }), kind: NpzFormatError, message: [/label of node 2 is 1\.5/] },
];

/** An archive that must read back as the three-node graph, with the given features and classes. */
interface ValidCase {
  label: string;
  bytes: Uint8Array;
  features: readonly number[];
  featureCount: number;
  labels: readonly number[];
  classCount: number;
  classNames?: readonly string[];
}

const valid: readonly ValidCase[] = [
  { label: 'stored without compression', bytes: tinyArchive({}, 0), features: TINY_FEATURES, featureCount: 2, labels: [0, 1, 1], classCount: 2 },
  { label: 'extra non-array and node_names members', bytes: tinyArchive({ 'README.txt': new TextEncoder().encode('notes'), 'node_names.npy': new TextEncoder().encode('skipped, so never parsed') }), features: TINY_FEATURES, featureCount: 2, labels: [0, 1, 1], classCount: 2 },
  { label: 'dense attr_matrix', bytes: tinyArchive({ 'attr_matrix.npy': npy(Float32Array.from([5, 6, 7, 8, 9, 10]), [3, 2]), 'attr_data.npy': null, 'attr_indices.npy': null, 'attr_indptr.npy': null, 'attr_shape.npy': null }), features: [5, 6, 7, 8, 9, 10], featureCount: 2, labels: [0, 1, 1], classCount: 2 },
  { label: 'one-dimensional member flagged Fortran order', bytes: tinyArchive({ 'labels.npy': rawNpy('<i4', true, [3], new Uint8Array(Int32Array.from([1, 0, 0]).buffer)) }), features: TINY_FEATURES, featureCount: 2, labels: [1, 0, 0], classCount: 2 },
  { label: 'boolean labels', bytes: tinyArchive({ 'labels.npy': rawNpy('|b1', false, [3], Uint8Array.from([0, 1, 0])) }), features: TINY_FEATURES, featureCount: 2, labels: [0, 1, 0], classCount: 2 },
  { label: 'zero feature columns, empty boolean data', bytes: tinyArchive({ 'attr_shape.npy': npy(BigInt64Array.from([3n, 0n])), 'attr_data.npy': rawNpy('|b1', false, [0], new Uint8Array(0)), 'attr_indices.npy': npy(new Int32Array(0)), 'attr_indptr.npy': npy(new Int32Array(4)) }), features: [], featureCount: 0, labels: [0, 1, 1], classCount: 2 },
  { label: 'more class names than labels use', bytes: tinyArchive({ 'class_names.npy': npy(['x', 'y', 'z', 'w'], [4]) }), features: TINY_FEATURES, featureCount: 2, labels: [0, 1, 1], classCount: 4, classNames: ['x', 'y', 'z', 'w'] },
];

/** Compares a loaded graph with a valid case; returns the first difference or null. */
function differenceFrom(graph: Graph, c: ValidCase): string | null {
  if (graph.nodes !== 3 || graph.adjacency.indptr.join() !== '0,2,3,4' || graph.adjacency.indices.join() !== '1,2,0,0') return `adjacency ${graph.adjacency.indptr.join()} / ${graph.adjacency.indices.join()}`;
  if (graph.featureCount !== c.featureCount || Array.from(graph.features).join() !== c.features.join()) return `features ${Array.from(graph.features).join()} of width ${graph.featureCount}`;
  if (Array.from(graph.labels).join() !== c.labels.join() || graph.classCount !== c.classCount) return `labels ${graph.labels.join()} in ${graph.classCount} classes`;
  if (c.classNames === undefined ? 'classNames' in graph : graph.classNames?.join() !== c.classNames.join()) return `class names ${String(graph.classNames)}`;
  return null;
}

describe('npz loader', () => {
  caseInvariant<Loader>({
    id: 'lgcn/npz-loader',
    subject: readGraphNpz,
    controls: [
      { name: 'loader that returns an empty graph on any error', subject: emptyOnError },
      { name: 'loader that reports every error as a plain Error', subject: plainErrors },
    ],
    check: (load) => {
      const failures: string[] = [];
      let runs = 0;
      const expectError = (label: string, path: string, kind: typeof NpzFormatError | typeof GraphIndexError) => {
        runs++;
        try {
          const graph = load(path);
          failures.push(`${label}: expected ${kind.name}, but it loaded a graph of ${graph.nodes} nodes`);
        } catch (error) {
          if (!(error instanceof kind)) failures.push(`${label}: expected ${kind.name}, got ${(error as Error).name}: ${(error as Error).message}`);
        }
      };

      // Round trips of generated graphs, one with isolated nodes.
      const graphs = [generateCsbm({ ...CSBM_DEFAULTS, nodes: 300, seed: 3 }), isolatedGraph()];
      for (const [k, graph] of graphs.entries()) {
        runs++;
        const path = write(`roundtrip-${k}.npz`, encodeGraphNpz(graph));
        try {
          const problem = sameGraph(load(path), graph);
          if (problem !== null) failures.push(`round trip ${graph.name}: ${problem}`);
        } catch (error) {
          failures.push(`round trip ${graph.name}: ${(error as Error).message}`);
        }
      }

      // An isolated node reads back and normalises without division by zero.
      runs++;
      try {
        const loaded = load(write('isolated.npz', encodeGraphNpz(isolatedGraph())));
        for (const kind of ['symmetric', 'random-walk', 'lgcn'] as const) {
          if (!normalizeAdjacency(loaded.adjacency, { kind }).data.every(Number.isFinite)) failures.push(`isolated nodes: ${kind} normalisation is not finite`);
        }
      } catch (error) {
        failures.push(`isolated nodes: ${(error as Error).message}`);
      }

      // The recorded Cora file, when the data folder is configured.
      const base = cora === null ? encodeGraphNpz(graphs[0]!) : new Uint8Array(readFileSync(cora));
      if (cora !== null) {
        runs++;
        try {
          const g = load(cora);
          if (g.nodes !== 2708 || edgeCount(g.adjacency) !== 5278 || g.featureCount !== 1433 || g.classCount !== 7) failures.push(`cora: got ${g.nodes} nodes, ${edgeCount(g.adjacency)} edges, ${g.featureCount} features, ${g.classCount} classes`);
        } catch (error) {
          failures.push(`cora: ${(error as Error).message}`);
        }
      }

      // Malformed copies.
      expectError('archive cut in half', write('truncated.npz', base.subarray(0, Math.floor(base.length / 2))), NpzFormatError);
      const indices = unzipSync(base)['adj_indices.npy']!;
      expectError('adj_indices member cut short', write('short-member.npz', withMember(base, 'adj_indices.npy', indices.subarray(0, indices.length - 8))), NpzFormatError);
      expectError('labels missing', write('no-labels.npz', withMember(base, 'labels.npy', null)), NpzFormatError);
      expectError('not a zip', write('text.npz', new TextEncoder().encode('this is not an archive')), NpzFormatError);
      const outOfRange = graphs[0]!.adjacency.indices.slice();
      outOfRange[outOfRange.length - 1] = graphs[0]!.nodes + 5;
      expectError('node index out of range', write('out-of-range.npz', withMember(encodeGraphNpz(graphs[0]!), 'adj_indices.npy', new Uint8Array(dump(outOfRange, [outOfRange.length])))), GraphIndexError);
      expectError('file that does not exist', join(folder, 'missing.npz'), NpzFormatError);

      // Each malformed archive raises its class, and the message names the value and the fix.
      for (const [k, c] of malformed.entries()) {
        runs++;
        try {
          const graph = load(write(`malformed-${k}.npz`, c.bytes));
          failures.push(`${c.label}: expected ${c.kind.name}, but it loaded a graph of ${graph.nodes} nodes`);
        } catch (error) {
          const e = error as Error;
          const missing = c.message.filter((pattern) => !pattern.test(e.message));
          if (!(e instanceof c.kind) || e.name !== c.kind.name) failures.push(`${c.label}: expected ${c.kind.name}, got ${e.name}: ${e.message}`);
          else if (missing.length > 0) failures.push(`${c.label}: message '${e.message}' does not match ${missing.join(', ')}`);
        }
      }
      runs++;
      const missingPath = join(folder, 'missing.npz');
      try {
        load(missingPath);
      } catch (error) {
        if (!(error as Error).message.includes(`cannot read graph file '${missingPath}'`)) failures.push(`missing file: message '${(error as Error).message}' does not name the path`);
      }
      runs++;
      try {
        load(write('text-message.npz', new TextEncoder().encode('plain text')));
      } catch (error) {
        const message = (error as Error).message;
        if (!/is not a readable \.npz \(zip\) archive/.test(message) || !message.includes('numpy.savez_compressed')) failures.push(`not a zip: message '${message}' lacks the cause or the fix`);
      }

      // Variants of the layout that must read back, and the name and class names of a round trip.
      for (const [k, c] of valid.entries()) {
        runs++;
        const path = write(`valid-${k}.npz`, c.bytes);
        try {
          const graph = load(path);
          const problem = differenceFrom(graph, c);
          if (problem !== null) failures.push(`${c.label}: ${problem}`);
          if (graph.name !== `file: ${path}`) failures.push(`${c.label}: graph name is '${graph.name}', expected 'file: ${path}'`);
        } catch (error) {
          failures.push(`${c.label}: ${(error as Error).name}: ${(error as Error).message}`);
        }
      }
      runs++;
      const named = isolatedGraph();
      const namedPath = join(folder, 'written.npz');
      writeGraphNpz(named, namedPath);
      try {
        const loaded = load(namedPath);
        if (loaded.classNames?.join() !== 'a,b,c') failures.push(`writeGraphNpz round trip: class names ${String(loaded.classNames)}`);
      } catch (error) {
        failures.push(`writeGraphNpz round trip: ${(error as Error).message}`);
      }

      // The writer stores only non-zero features.
      runs++;
      const stored = unzipSync(encodeGraphNpz(named))['attr_data.npy']!;
      const nonZero = named.features.filter((v) => v !== 0).length;
      if (stored.length !== npy(new Float32Array(nonZero)).length) failures.push(`encodeGraphNpz stored ${stored.length} bytes of attr_data for ${nonZero} non-zero features`);
      return { runs, failures };
    },
  });
});
