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
import { CSBM_DEFAULTS, GraphIndexError, NpzFormatError, csrFromCoo, edgeCount, encodeGraphNpz, generateCsbm, normalizeAdjacency, readGraphNpz, symmetrize, type Graph } from '../../impl/graph/index';

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
      return { runs, failures };
    },
  });
});
