/**
 * The Louvain fallback against a plain transcription of its documented steps. graphology's Louvain
 * communities come from the same seeded random source. Communities larger than ⌈N/k⌉ are cut into
 * breadth-first pieces of that size. Pieces go, largest first, to the part with room under
 * ⌈1.05·N/k⌉ that shares the most links with them (fewer nodes breaks ties), or to the smallest
 * part when none has room. Partitions are compared as sets of clusters, because cluster numbers
 * carry no meaning.
 */
import fc from 'fast-check';
import { UndirectedGraph } from 'graphology';
import louvain from 'graphology-communities-louvain';
import { describe } from 'vitest';
import { Rng } from '../../harness/rng';
import { propertyInvariant } from '../../harness/testing/invariant';
import { csrFromCoo, symmetrize, type CsrMatrix } from '../../impl/graph/index';
import { partitionGraph } from '../../impl/clustergcn/index';

/** Returns the cluster of each node for a graph with edges. */
type Fallback = (adjacency: CsrMatrix, parts: number, seed: number) => Int32Array;

const realFallback: Fallback = (adjacency, parts, seed) => partitionGraph(adjacency, parts, { partitioner: 'louvain', seed }).assignment;

function neighbours(a: CsrMatrix, v: number): number[] {
  return Array.from(a.indices.subarray(a.indptr[v]!, a.indptr[v + 1]!));
}

/** Louvain communities as node lists in increasing node order, in order of their first node. */
function communities(a: CsrMatrix, seed: number): number[][] {
  const graph = new UndirectedGraph();
  for (let v = 0; v < a.rows; v++) graph.addNode(v);
  for (let v = 0; v < a.rows; v++) for (const u of neighbours(a, v)) if (u > v) graph.addEdge(v, u);
  const rng = new Rng(seed);
  const label = louvain(graph, { rng: () => rng.float() });
  const byLabel = new Map<number, number[]>();
  for (let v = 0; v < a.rows; v++) {
    const list = byLabel.get(label[String(v)]!) ?? [];
    list.push(v);
    byLabel.set(label[String(v)]!, list);
  }
  return [...byLabel.values()];
}

/** Breadth-first order of a community (a new search from each unvisited node), cut every `size` nodes. */
function breadthFirstPieces(a: CsrMatrix, community: number[], size: number): number[][] {
  const inside = new Set(community);
  const visited = new Set<number>();
  const order: number[] = [];
  for (const root of community) {
    if (visited.has(root)) continue;
    visited.add(root);
    const queue = [root];
    while (queue.length > 0) {
      const v = queue.shift()!;
      order.push(v);
      for (const u of neighbours(a, v)) {
        if (inside.has(u) && !visited.has(u)) {
          visited.add(u);
          queue.push(u);
        }
      }
    }
  }
  const pieces: number[][] = [];
  while (order.length > 0) pieces.push(order.splice(0, size));
  return pieces;
}

/** Places pieces on parts. The controls switch off the links (`linksMatter`) or the size cap (`capped`). */
function place(a: CsrMatrix, parts: number, pieces: number[][], rule: { linksMatter: boolean; capped: boolean }): Int32Array {
  const n = a.rows;
  const cap = Math.ceil(1.05 * (n / parts));
  const assignment = new Int32Array(n).fill(-1);
  const sizes = new Array<number>(parts).fill(0);
  for (const piece of pieces) {
    const links = new Array<number>(parts).fill(0);
    if (rule.linksMatter) for (const v of piece) for (const u of neighbours(a, v)) if (assignment[u]! >= 0) links[assignment[u]!]! += 1;
    const room = sizes.map((_, p) => p).filter((p) => !rule.capped || sizes[p]! + piece.length <= cap);
    let target: number;
    if (room.length === 0) {
      target = sizes.indexOf(Math.min(...sizes));
    } else {
      target = room.reduce((best, p) => (links[p]! > links[best]! || (links[p] === links[best] && sizes[p]! < sizes[best]!) ? p : best));
    }
    for (const v of piece) assignment[v] = target;
    sizes[target]! += piece.length;
  }
  return assignment;
}

/** Builds the documented fallback, with parts of the placement rule optionally switched off. */
function transcription(rule: { linksMatter: boolean; capped: boolean }): Fallback {
  return (a, parts, seed) => {
    const ideal = Math.ceil(a.rows / parts);
    const pieces = communities(a, seed).flatMap((c) => (c.length <= ideal ? [c] : breadthFirstPieces(a, c, ideal)));
    pieces.sort((x, y) => y.length - x.length || x[0]! - y[0]!);
    return place(a, parts, pieces, rule);
  };
}

const expectedFallback = transcription({ linksMatter: true, capped: true });

/** Clusters as sorted node lists, the list sorted, so that cluster numbering does not matter. */
function canonical(assignment: Int32Array): string {
  const clusters = new Map<number, number[]>();
  assignment.forEach((p, v) => clusters.set(p, [...(clusters.get(p) ?? []), v]));
  return JSON.stringify([...clusters.values()].map((c) => c.join(',')).sort());
}

/**
 * Graphs made of a few dense groups joined by sparse links, so Louvain finds communities of
 * different sizes, some larger than the ideal cluster size.
 */
const groupedGraph = fc
  .array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 })
  .chain((groupSizes) => {
    const n = groupSizes.reduce((s, x) => s + x, 0);
    const group = groupSizes.flatMap((size, g) => new Array<number>(size).fill(g));
    return fc.tuple(
      fc.constant(n),
      fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 })), { minLength: n, maxLength: 4 * n }),
      fc.constant(group),
      fc.shuffledSubarray(Array.from({ length: n }, (_, v) => v), { minLength: n, maxLength: n }),
    );
  })
  .map(([n, pairs, group, relabel]) => {
    // Pairs inside a group stay, and one in four across groups. Relabelling keeps groups from being runs of nodes.
    const edges = pairs.filter(([i, j], k) => i !== j && (group[i] === group[j] || k % 4 === 0));
    return { n, adjacency: symmetrize(csrFromCoo(n, n, edges.map((e) => relabel[e[0]]!), edges.map((e) => relabel[e[1]]!))) };
  })
  .filter((g) => g.adjacency.indptr[g.n]! > 0);

/**
 * Disjoint cliques of equal size with relabelled nodes. Whole cliques often fit no part under the
 * cap (three triangles in two parts of at most five nodes), which sends a piece to the smallest part.
 */
const cliqueUnion = fc
  .tuple(fc.integer({ min: 3, max: 6 }), fc.integer({ min: 2, max: 5 }))
  .chain(([cliques, size]) => fc.tuple(fc.constant(cliques), fc.constant(size), fc.shuffledSubarray(Array.from({ length: cliques * size }, (_, v) => v), { minLength: cliques * size, maxLength: cliques * size })))
  .map(([cliques, size, relabel]) => {
    const rows: number[] = [];
    const cols: number[] = [];
    for (let c = 0; c < cliques; c++) {
      for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) if (i !== j) (rows.push(relabel[c * size + i]!), cols.push(relabel[c * size + j]!));
    }
    const n = cliques * size;
    return { n, adjacency: csrFromCoo(n, n, rows, cols) };
  });

describe('Louvain fallback', () => {
  propertyInvariant<Fallback>({
    id: 'clustergcn/louvain-fallback',
    subject: realFallback,
    controls: [
      { name: 'places pieces without looking at their links', subject: transcription({ linksMatter: false, capped: true }) },
      { name: 'places pieces without the size cap', subject: transcription({ linksMatter: true, capped: false }) },
    ],
    numRuns: { quick: 150, full: 1000 },
    property: (fallback) =>
      fc.property(fc.oneof(groupedGraph, cliqueUnion).chain((g) => fc.tuple(fc.constant(g), fc.integer({ min: 2, max: Math.min(6, g.n) }))), fc.integer({ min: 0, max: 10_000 }), ([g, parts], seed) => {
        const assignment = fallback(g.adjacency, parts, seed);
        const outside = assignment.findIndex((p) => !(p >= 0 && p < parts));
        if (outside >= 0) throw new Error(`${parts} clusters: node ${outside} is in cluster ${assignment[outside]}`);
        const actual = canonical(assignment);
        const expected = canonical(expectedFallback(g.adjacency, parts, seed));
        if (actual !== expected) throw new Error(`${parts} clusters: got ${actual}, expected ${expected}`);
        return true;
      }),
  });
});
