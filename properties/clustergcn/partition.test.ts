/**
 * Partitions and batches: every node in exactly one cluster, batches with exactly the links
 * among their nodes, and every cluster once per epoch with a reproducible order.
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { Rng } from '../../harness/rng';
import { propertyInvariant } from '../../harness/testing/invariant';
import { csrFromCoo, inducedSubgraph, type CsrMatrix } from '../../impl/graph/index';
import { buildBatch, clusterMembers, epochGroups, hasGpmetis, partitionGraph, partitionQuality, type ClusterBatch, type PartitionerName } from '../../impl/clustergcn/index';
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

/** The functions whose partition figures are checked. */
interface QualitySubject {
  quality: typeof partitionQuality;
  partition: typeof partitionGraph;
}

const realQuality: QualitySubject = { quality: partitionQuality, partition: partitionGraph };

/** Counts a cut edge once from each of its ends. */
const cutCountedTwice: QualitySubject = {
  ...realQuality,
  quality: (adjacency, parts, assignment) => {
    const figures = partitionQuality(adjacency, parts, assignment);
    return { ...figures, edgeCut: 2 * figures.edgeCut, edgeCutFraction: 2 * figures.edgeCutFraction };
  },
};

/** Reports the smallest cluster over the ideal size as the balance. */
const balanceFromSmallest: QualitySubject = {
  ...realQuality,
  quality: (adjacency, parts, assignment) => {
    const figures = partitionQuality(adjacency, parts, assignment);
    return { ...figures, balance: Math.min(...figures.sizes) / (adjacency.rows / parts) };
  },
};

/** Splits an edgeless graph round-robin, so clusters are not contiguous runs of nodes. */
const edgelessRoundRobin: QualitySubject = {
  ...realQuality,
  partition: (adjacency, parts, options) => {
    const result = partitionGraph(adjacency, parts, options);
    if (adjacency.indptr[adjacency.rows] !== 0) return result;
    const assignment = Int32Array.from({ length: adjacency.rows }, (_, v) => v % parts);
    return { ...result, assignment, ...partitionQuality(adjacency, parts, assignment) };
  },
};

/** Drops the self-loops, which would make the count of undirected edges (nnz / 2) not whole. */
function withoutSelfLoops(a: CsrMatrix): CsrMatrix {
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < a.rows; i++) {
    for (let k = a.indptr[i]!; k < a.indptr[i + 1]!; k++) {
      if (a.indices[k] !== i) (rows.push(i), cols.push(a.indices[k]!));
    }
  }
  return csrFromCoo(a.rows, a.cols, rows, cols);
}

/** Counts the figures directly from the list of undirected edges {i, j}, i < j. */
function expectedFigures(a: CsrMatrix, parts: number, assignment: Int32Array) {
  const sizes = new Array<number>(parts).fill(0);
  for (const p of assignment) sizes[p]! += 1;
  let edges = 0;
  let cut = 0;
  for (let i = 0; i < a.rows; i++) {
    for (let k = a.indptr[i]!; k < a.indptr[i + 1]!; k++) {
      const j = a.indices[k]!;
      if (j <= i) continue;
      edges += 1;
      if (assignment[i] !== assignment[j]) cut += 1;
    }
  }
  const largest = sizes.reduce((m, s) => Math.max(m, s), 0);
  return { edgeCut: cut, edgeCutFraction: edges === 0 ? 0 : cut / edges, balance: (largest * parts) / a.rows, sizes };
}

/** Returns the first figure of `actual` that differs from `expected`, or null. */
function figureMismatch(actual: ReturnType<typeof partitionQuality>, expected: ReturnType<typeof expectedFigures>): string | null {
  if (actual.edgeCut !== expected.edgeCut) return `edge cut ${actual.edgeCut}, expected ${expected.edgeCut}`;
  if (!(Math.abs(actual.edgeCutFraction - expected.edgeCutFraction) <= 1e-12)) return `edge cut fraction ${actual.edgeCutFraction}, expected ${expected.edgeCutFraction}`;
  if (!(Math.abs(actual.balance - expected.balance) <= 1e-12)) return `balance ${actual.balance}, expected ${expected.balance}`;
  if (JSON.stringify(actual.sizes) !== JSON.stringify(expected.sizes)) return `sizes ${JSON.stringify(actual.sizes)}, expected ${JSON.stringify(expected.sizes)}`;
  return null;
}

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

  propertyInvariant<QualitySubject>({
    id: 'clustergcn/partition-quality',
    subject: realQuality,
    controls: [
      { name: 'counts each cut edge from both ends', subject: cutCountedTwice },
      { name: 'balance from the smallest cluster', subject: balanceFromSmallest },
      { name: 'splits a graph without edges round-robin', subject: edgelessRoundRobin },
    ],
    numRuns: { quick: 80, full: 500 },
    property: (subject) =>
      fc.property(
        smallGraph(1, 20).chain((g) =>
          fc.tuple(
            fc.constant({ n: g.n, adjacency: withoutSelfLoops(g.adjacency) }),
            fc.integer({ min: 1, max: g.n }).chain((parts) => fc.tuple(fc.constant(parts), fc.array(fc.integer({ min: 0, max: parts - 1 }), { minLength: g.n, maxLength: g.n }))),
            fc.integer({ min: 1, max: g.n }),
          ),
        ),
        fc.integer({ min: 0, max: 1000 }),
        ([g, [parts, labels], splitParts], seed) => {
          // Any assignment, empty clusters included, measured directly.
          const assignment = Int32Array.from(labels);
          const direct = figureMismatch(subject.quality(g.adjacency, parts, assignment), expectedFigures(g.adjacency, parts, assignment));
          if (direct !== null) throw new Error(`partitionQuality with ${parts} clusters: ${direct}`);

          // The figures a partition reports describe its own assignment.
          const partition = subject.partition(g.adjacency, splitParts, { partitioner: 'louvain', seed });
          const reported = figureMismatch(partition, expectedFigures(g.adjacency, splitParts, partition.assignment));
          if (reported !== null) throw new Error(`partitionGraph into ${splitParts} clusters reports ${reported}`);

          // Without edges the split is contiguous and its sizes differ by at most one.
          const edgeless = subject.partition(csrFromCoo(g.n, g.n, [], []), splitParts, { partitioner: 'louvain', seed }).assignment;
          const sizes = expectedFigures(csrFromCoo(g.n, g.n, [], []), splitParts, edgeless).sizes;
          if (edgeless.some((p, v) => v > 0 && p < edgeless[v - 1]!)) throw new Error(`edgeless split into ${splitParts} is not contiguous: ${edgeless.join(',')}`);
          if (Math.max(...sizes) - Math.min(...sizes) > 1) throw new Error(`edgeless split into ${splitParts} has sizes ${sizes.join(',')}`);
          return true;
        },
      ),
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
