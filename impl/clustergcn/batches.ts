/**
 * Cluster-GCN mini-batches (stochastic multiple partitions): each epoch shuffles the cluster ids
 * and takes consecutive groups of `q` clusters (the last group may hold fewer), so every cluster
 * is used exactly once per epoch. A batch is the subgraph induced by the union of its clusters,
 * so the links between the chosen clusters are restored.
 */
import type { Rng } from '../../harness/rng';
import type { CsrMatrix } from '../graph/csr';
import { GraphValueError } from '../graph/errors';
import { inducedSubgraph } from '../graph/graph';

/** Returns the sorted node list of every cluster. */
export function clusterMembers(assignment: Int32Array, parts: number): Int32Array[] {
  const lists: number[][] = Array.from({ length: parts }, () => []);
  for (let v = 0; v < assignment.length; v++) {
    const p = assignment[v]!;
    if (!(p >= 0 && p < parts)) throw new GraphValueError(`node ${v} is assigned to cluster ${p}, outside [0, ${parts})`);
    lists[p]!.push(v);
  }
  return lists.map((l) => Int32Array.from(l));
}

/**
 * Returns one epoch's groups of cluster ids: a shuffled order cut into consecutive groups of `q`.
 *
 * @throws GraphValueError when `q` is not a positive integer
 */
export function epochGroups(parts: number, q: number, rng: Rng): number[][] {
  if (!Number.isSafeInteger(q) || q < 1) throw new GraphValueError(`clusters per batch q must be a positive integer, got ${q}`);
  const order = rng.shuffle(Array.from({ length: parts }, (_, p) => p));
  const groups: number[][] = [];
  for (let start = 0; start < parts; start += q) groups.push(order.slice(start, start + q));
  return groups;
}

/** A batch: its nodes (sorted) and the raw adjacency they induce. */
export interface ClusterBatch {
  nodes: Int32Array;
  adjacency: CsrMatrix;
}

/** Builds the batch of the clusters in `group`: union of their nodes and the induced subgraph. */
export function buildBatch(adjacency: CsrMatrix, members: readonly Int32Array[], group: readonly number[]): ClusterBatch {
  let total = 0;
  for (const p of group) total += members[p]!.length;
  const nodes = new Int32Array(total);
  let at = 0;
  for (const p of group) {
    nodes.set(members[p]!, at);
    at += members[p]!.length;
  }
  nodes.sort();
  return { nodes, adjacency: inducedSubgraph(adjacency, nodes) };
}
