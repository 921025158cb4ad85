/**
 * Graph partitioning for Cluster-GCN: split the nodes into `k` disjoint clusters with few links
 * between them and balanced sizes.
 *
 * - `metis`: METIS's multilevel k-way partitioner through the `gpmetis` program (Debian package
 *   `metis`), when it is installed. Its default allowed imbalance for k-way is 3% (ufactor 30).
 * - `louvain`: the fallback when METIS is absent. Louvain modularity communities
 *   (graphology-communities-louvain, seeded) are cut into pieces no larger than `⌈N/k⌉`
 *   (breadth-first inside each community, so pieces stay connected where the community is), then
 *   the pieces, largest first, go to the part with room (size cap `⌈(1+ε)·N/k⌉`, ε = 5%) that
 *   shares the most links with them, or the smallest part when none has room.
 *
 * Every partition reports its edge cut and balance (largest part over the ideal size `N/k`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UndirectedGraph } from 'graphology';
import louvain from 'graphology-communities-louvain';
import { Rng } from '../../harness/rng';
import type { CsrMatrix } from '../graph/csr';
import { GraphValueError } from '../graph/errors';

/** Partitioner name: `auto` is METIS when `gpmetis` runs, else Louvain. */
export type PartitionerName = 'auto' | 'metis' | 'louvain';

/** A partition of the nodes into clusters, with its quality figures. */
export interface Partition {
  parts: number;
  /** Cluster of each node, in `[0, parts)`. */
  assignment: Int32Array;
  /** Partitioner that ran, with its settings. */
  method: string;
  /** Undirected edges whose ends lie in different clusters. */
  edgeCut: number;
  /** `edgeCut` over all undirected edges (0 for a graph without edges). */
  edgeCutFraction: number;
  /** Largest cluster size over the ideal size `N/parts`. */
  balance: number;
  sizes: number[];
  notes: string[];
}

/** Slack of the Louvain fallback's size cap over the ideal cluster size. */
const LOUVAIN_IMBALANCE = 0.05;

let gpmetisAvailable: boolean | null = null;

/** Returns true when the `gpmetis` program can be started. */
export function hasGpmetis(): boolean {
  if (gpmetisAvailable === null) {
    const probe = spawnSync('gpmetis', ['-help'], { encoding: 'utf8', timeout: 10_000 });
    gpmetisAvailable = probe.error === undefined;
  }
  return gpmetisAvailable;
}

/**
 * Partitions the nodes of a symmetric adjacency into `parts` clusters.
 *
 * @example const p = partitionGraph(adjacency, 10, { partitioner: 'auto', seed: 1 });
 * @throws GraphValueError when `parts` is not in [1, N], or when `metis` is requested and
 *   `gpmetis` is missing or fails
 */
export function partitionGraph(adjacency: CsrMatrix, parts: number, options: { partitioner: PartitionerName; seed: number }): Partition {
  const n = adjacency.rows;
  if (!Number.isSafeInteger(parts) || parts < 1 || parts > Math.max(1, n)) throw new GraphValueError(`cluster count must be an integer in [1, ${n}] (the node count), got ${parts}`);
  if (parts === 1) return withQuality(adjacency, parts, new Int32Array(n), 'single cluster (no partitioning)', []);

  if (adjacency.indptr[n] === 0) {
    // Without edges there is nothing to cut, so any balanced split is optimal (and gpmetis rejects such graphs).
    const assignment = Int32Array.from({ length: n }, (_, v) => Math.floor((v * parts) / n));
    return withQuality(adjacency, parts, assignment, 'contiguous balanced split (the graph has no edges)', []);
  }
  const notes: string[] = [];
  if (options.partitioner === 'metis' || (options.partitioner === 'auto' && hasGpmetis())) {
    try {
      return withQuality(adjacency, parts, runGpmetis(adjacency, parts, options.seed), `METIS k-way (gpmetis, seed ${options.seed}, default 3% imbalance)`, notes);
    } catch (error) {
      if (options.partitioner === 'metis') throw error;
      notes.push(`gpmetis failed, so the Louvain fallback ran: ${(error as Error).message}`);
    }
  } else if (options.partitioner === 'auto') {
    notes.push("gpmetis is not installed (Debian package 'metis'), so the Louvain fallback ran");
  }
  return withQuality(adjacency, parts, louvainBalanced(adjacency, parts, options.seed), `Louvain communities (graphology-communities-louvain, seed ${options.seed}) merged into ${parts} parts of at most ${Math.round((1 + LOUVAIN_IMBALANCE) * 100)}% of the ideal size`, notes);
}

/** Computes the edge cut, balance and sizes of an assignment. */
export function partitionQuality(adjacency: CsrMatrix, parts: number, assignment: Int32Array): Pick<Partition, 'edgeCut' | 'edgeCutFraction' | 'balance' | 'sizes'> {
  const sizes = new Array<number>(parts).fill(0);
  for (const p of assignment) sizes[p]!++;
  let cut = 0;
  for (let i = 0; i < adjacency.rows; i++) {
    for (let k = adjacency.indptr[i]!; k < adjacency.indptr[i + 1]!; k++) {
      const j = adjacency.indices[k]!;
      if (j > i && assignment[i] !== assignment[j]) cut++;
    }
  }
  const edges = adjacency.indptr[adjacency.rows]! / 2;
  return { edgeCut: cut, edgeCutFraction: edges === 0 ? 0 : cut / edges, balance: Math.max(...sizes) / (adjacency.rows / parts), sizes };
}

function withQuality(adjacency: CsrMatrix, parts: number, assignment: Int32Array, method: string, notes: string[]): Partition {
  return { parts, assignment, method, notes, ...partitionQuality(adjacency, parts, assignment) };
}

/** Runs gpmetis on the graph written in METIS's file format and reads its partition file. */
function runGpmetis(adjacency: CsrMatrix, parts: number, seed: number): Int32Array {
  const n = adjacency.rows;
  if (adjacency.indptr[n] === 0) throw new GraphValueError('gpmetis rejects graphs without edges');
  const dir = mkdtempSync(join(tmpdir(), 'paperproof-metis-'));
  try {
    const file = join(dir, 'graph.metis');
    const lines: string[] = [`${n} ${adjacency.indptr[n]! / 2}`];
    for (let i = 0; i < n; i++) {
      const neighbours: number[] = [];
      for (let k = adjacency.indptr[i]!; k < adjacency.indptr[i + 1]!; k++) neighbours.push(adjacency.indices[k]! + 1);
      lines.push(neighbours.join(' '));
    }
    writeFileSync(file, lines.join('\n') + '\n');
    const run = spawnSync('gpmetis', [`-seed=${seed & 0x7fffffff}`, file, String(parts)], { encoding: 'utf8', timeout: 600_000, maxBuffer: 16 << 20 });
    if (run.error !== undefined) throw new GraphValueError(`gpmetis could not run (${run.error.message}); install Debian's 'metis' package or use the louvain partitioner`);
    if (run.status !== 0) throw new GraphValueError(`gpmetis exited with code ${run.status}: ${(run.stdout + run.stderr).trim().split('\n').slice(-3).join(' ')}`);
    let text: string;
    try {
      text = readFileSync(`${file}.part.${parts}`, 'utf8');
    } catch {
      throw new GraphValueError(`gpmetis wrote no partition file: ${(run.stdout + run.stderr).trim().split('\n').slice(-2).join(' ')}`);
    }
    const values = text.trim().split('\n').map(Number);
    if (values.length !== n || values.some((p) => !(Number.isInteger(p) && p >= 0 && p < parts))) throw new GraphValueError(`gpmetis wrote ${values.length} assignments for ${n} nodes, or one outside [0, ${parts})`);
    return Int32Array.from(values);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Louvain communities cut and merged into `parts` balanced clusters. */
function louvainBalanced(adjacency: CsrMatrix, parts: number, seed: number): Int32Array {
  const n = adjacency.rows;
  const graph = new UndirectedGraph();
  for (let i = 0; i < n; i++) graph.addNode(i);
  for (let i = 0; i < n; i++) {
    for (let k = adjacency.indptr[i]!; k < adjacency.indptr[i + 1]!; k++) {
      const j = adjacency.indices[k]!;
      if (j > i) graph.addEdge(i, j);
    }
  }
  const rng = new Rng(seed);
  const communities = louvain(graph, { rng: () => rng.float() });
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = communities[String(i)]!;
    if (!members.has(c)) members.set(c, []);
    members.get(c)!.push(i);
  }

  // Cut communities larger than the ideal size into breadth-first pieces.
  const ideal = Math.ceil(n / parts);
  const pieces: number[][] = [];
  for (const nodes of members.values()) {
    if (nodes.length <= ideal) pieces.push(nodes);
    else pieces.push(...bfsPieces(adjacency, nodes, ideal));
  }
  pieces.sort((a, b) => b.length - a.length || a[0]! - b[0]!);

  // Place pieces, largest first, where they share the most links and fit.
  const cap = Math.ceil((1 + LOUVAIN_IMBALANCE) * (n / parts));
  const assignment = new Int32Array(n).fill(-1);
  const sizes = new Array<number>(parts).fill(0);
  const links = new Array<number>(parts).fill(0);
  for (const piece of pieces) {
    links.fill(0);
    for (const v of piece) {
      for (let k = adjacency.indptr[v]!; k < adjacency.indptr[v + 1]!; k++) {
        const p = assignment[adjacency.indices[k]!]!;
        if (p >= 0) links[p]!++;
      }
    }
    let best = -1;
    for (let p = 0; p < parts; p++) {
      if (sizes[p]! + piece.length > cap) continue;
      if (best === -1 || links[p]! > links[best]! || (links[p] === links[best] && sizes[p]! < sizes[best]!)) best = p;
    }
    if (best === -1) best = sizes.indexOf(Math.min(...sizes));
    for (const v of piece) assignment[v] = best;
    sizes[best]! += piece.length;
  }
  return assignment;
}

/** Splits `nodes` into breadth-first pieces of at most `size` nodes. */
function bfsPieces(adjacency: CsrMatrix, nodes: number[], size: number): number[][] {
  const inside = new Set(nodes);
  const seen = new Set<number>();
  const order: number[] = [];
  for (const start of nodes) {
    if (seen.has(start)) continue;
    seen.add(start);
    const queue = [start];
    for (let head = 0; head < queue.length; head++) {
      const v = queue[head]!;
      order.push(v);
      for (let k = adjacency.indptr[v]!; k < adjacency.indptr[v + 1]!; k++) {
        const u = adjacency.indices[k]!;
        if (inside.has(u) && !seen.has(u)) {
          seen.add(u);
          queue.push(u);
        }
      }
    }
  }
  const pieces: number[][] = [];
  for (let start = 0; start < order.length; start += size) pieces.push(order.slice(start, start + size));
  return pieces;
}
