/**
 * Partitions and batches: every node in exactly one cluster, batches with exactly the links
 * among their nodes, and every cluster once per epoch with a reproducible order.
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { Rng } from '../../harness/rng';
import { propertyInvariant } from '../../harness/testing/invariant';
import { inducedSubgraph, type CsrMatrix } from '../../impl/graph/index';
import { buildBatch, clusterMembers, epochGroups, hasGpmetis, partitionGraph, type ClusterBatch, type PartitionerName } from '../../impl/clustergcn/index';
import { smallGraph } from '../lgcn/_graphs';

type Partitioner = (adjacency: CsrMatrix, parts: number, partitioner: PartitionerName, seed: number) => Int32Array[];

const realPartitioner: Partitioner = (adjacency, parts, partitioner, seed) => clusterMembers(partitionGraph(adjacency, parts, { partitioner, seed }).assignment, parts);

const dropsLastNode: Partitioner = (adjacency, parts, partitioner, seed) => realPartitioner(adjacency, parts, partitioner, seed).map((m) => m.filter((v) => v !== adjacency.rows - 1));

const overlapping: Partitioner = (adjacency, parts, partitioner, seed) =>
  realPartitioner(adjacency, parts, partitioner, seed).map((members) => {
    const inside = new Set(members);
    for (const v of members) {
      for (let k = adjacency.indptr[v]!; k < adjacency.indptr[v + 1]!; k++) {
        const u = adjacency.indices[k]!;
        if (!inside.has(u)) return Int32Array.from([...members, u]).sort();
      }
    }
    return members;
  });

const partitioners: PartitionerName[] = hasGpmetis() ? ['louvain', 'metis'] : ['louvain'];

type BatchBuilder = (adjacency: CsrMatrix, members: readonly Int32Array[], group: readonly number[]) => ClusterBatch;

/** Builds the batch from the union of the clusters' own subgraphs, dropping links between them. */
const withinClustersOnly: BatchBuilder = (adjacency, members, group) => {
  const batch = buildBatch(adjacency, members, group);
  const cluster = new Map<number, number>();
  for (const p of group) for (const v of members[p]!) cluster.set(v, p);
  const rows: number[] = [];
  const cols: number[] = [];
  const a = batch.adjacency;
  const indptr = new Int32Array(a.rows + 1);
  for (let r = 0; r < a.rows; r++) {
    for (let k = a.indptr[r]!; k < a.indptr[r + 1]!; k++) {
      if (cluster.get(batch.nodes[r]!) === cluster.get(batch.nodes[a.indices[k]!]!)) (rows.push(r), cols.push(a.indices[k]!));
    }
    indptr[r + 1] = cols.length;
  }
  return { nodes: batch.nodes, adjacency: { rows: a.rows, cols: a.cols, indptr, indices: Int32Array.from(cols), data: new Float64Array(cols.length).fill(1) } };
};

type Grouping = (parts: number, q: number, rng: Rng) => number[][];

/** A grouping loop that runs while start < c − 1, so it skips the last cluster when c mod q = 1. */
const stopsBeforeLast: Grouping = (parts, q, rng) => {
  const order = rng.shuffle(Array.from({ length: parts }, (_, p) => p));
  const groups: number[][] = [];
  for (let start = 0; start < parts - 1; start += q) groups.push(order.slice(start, start + q));
  return groups;
};

const hasEdge = (a: CsrMatrix, i: number, j: number) => {
  for (let k = a.indptr[i]!; k < a.indptr[i + 1]!; k++) if (a.indices[k] === j) return true;
  return false;
};

describe('partitions and batches', () => {
  propertyInvariant<Partitioner>({
    id: 'clustergcn/partition-cover',
    subject: realPartitioner,
    controls: [
      { name: 'drops the last node', subject: dropsLastNode },
      { name: 'clusters that overlap at their boundary', subject: overlapping },
    ],
    numRuns: { quick: 40, full: 300 },
    property: (partition) =>
      fc.property(smallGraph(2, 30).chain((g) => fc.tuple(fc.constant(g), fc.integer({ min: 1, max: g.n }), fc.constantFrom(...partitioners), fc.integer({ min: 0, max: 1000 }))), ([g, parts, name, seed]) => {
        const members = partition(g.adjacency, parts, name, seed);
        const seen = new Int32Array(g.n);
        for (const list of members) for (const v of list) seen[v]!++;
        return members.length === parts && seen.every((count) => count === 1);
      }),
  });

  propertyInvariant<BatchBuilder>({
    id: 'clustergcn/batch-links-restored',
    subject: buildBatch,
    controls: [{ name: 'keeps only the links inside each cluster', subject: withinClustersOnly }],
    numRuns: { quick: 60, full: 500 },
    property: (build) =>
      fc.property(
        smallGraph(2, 25).chain((g) => fc.tuple(fc.constant(g), fc.integer({ min: 2, max: Math.min(6, g.n) }), fc.integer({ min: 0, max: 1000 }))).chain(([g, parts, seed]) => {
          const members = clusterMembers(partitionGraph(g.adjacency, parts, { partitioner: 'louvain', seed }).assignment, parts);
          return fc.tuple(fc.constant(g), fc.constant(members), fc.shuffledSubarray(Array.from({ length: parts }, (_, p) => p), { minLength: 1 }));
        }),
        ([g, members, group]) => {
          const batch = build(g.adjacency, members, group);
          const expectedNodes = group.flatMap((p) => Array.from(members[p]!)).sort((a, b) => a - b);
          if (batch.nodes.length !== expectedNodes.length || batch.nodes.some((v, r) => v !== expectedNodes[r])) return false;
          for (let r = 0; r < batch.nodes.length; r++) {
            for (let s = 0; s < batch.nodes.length; s++) {
              if (hasEdge(batch.adjacency, r, s) !== hasEdge(g.adjacency, batch.nodes[r]!, batch.nodes[s]!)) return false;
            }
          }
          return true;
        },
      ),
  });

  propertyInvariant<Grouping>({
    id: 'clustergcn/epoch-coverage',
    subject: epochGroups,
    controls: [{ name: 'grouping loop that stops at c−1 (skips the last cluster when c mod q = 1)', subject: stopsBeforeLast }],
    numRuns: { quick: 200, full: 2000 },
    property: (group) =>
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 8 }), fc.integer(), (parts, q, seed) => {
        const groups = group(parts, q, new Rng(seed));
        const used = groups.flat().sort((a, b) => a - b);
        if (used.length !== parts || used.some((p, k) => p !== k)) return false;
        if (groups.some((g) => g.length === 0 || g.length > q)) return false;
        const again = group(parts, q, new Rng(seed));
        return JSON.stringify(again) === JSON.stringify(groups);
      }),
  });

  // A fixed seed gives the same partition (Louvain here; METIS is seeded through gpmetis -seed).
  propertyInvariant<typeof partitionGraph>({
    id: 'clustergcn/epoch-coverage',
    subject: partitionGraph,
    controls: [],
    numRuns: { quick: 20, full: 100 },
    property: (partition) =>
      fc.property(smallGraph(2, 30), fc.integer({ min: 0, max: 1000 }), (g, seed) => {
        const parts = Math.max(1, Math.floor(g.n / 3));
        const a = partition(g.adjacency, parts, { partitioner: 'louvain', seed }).assignment;
        const b = partition(inducedSubgraph(g.adjacency, Int32Array.from({ length: g.n }, (_, v) => v)), parts, { partitioner: 'louvain', seed }).assignment;
        return a.every((p, v) => p === b[v]);
      }),
  });
});
