/**
 * Spec of Cluster-GCN: partition-based mini-batches of several clusters with the links between
 * them restored, and diagonal enhancement.
 */
import type { MethodSpec } from '../harness/spec';

export const clustergcnSpec: MethodSpec = {
  id: 'clustergcn',
  title: 'Cluster-GCN: partition-based mini-batches, multiple clusters per batch, diagonal enhancement',
  citation:
    'W.-L. Chiang, X. Liu, S. Si, Y. Li, S. Bengio, C.-J. Hsieh. Cluster-GCN: An Efficient Algorithm for Training Deep and Large Graph Convolutional Networks. ' +
    'KDD 2019, doi:10.1145/3292500.3330925, arXiv:1905.07953.',

  claims: [
    {
      id: 'clustergcn/less-memory',
      statement: 'Cluster-GCN trains with far less memory than full-batch GCN on large graphs, at similar accuracy.',
      source: 'Cluster-GCN abstract (memory grows with the batch, not the graph)',
    },
    {
      id: 'clustergcn/comparable-accuracy',
      statement: 'Training on batches of graph clusters reaches test accuracy comparable to full-batch training on Cora, for several cluster counts.',
      source: 'Cluster-GCN experiments on small graphs (exact table values not verified)',
    },
  ],

  invariants: [
    {
      id: 'clustergcn/partition-cover',
      statement: 'Every partitioner (METIS when installed, the Louvain fallback) puts every node in exactly one cluster.',
      kind: 'exact',
      negativeControls: ['drops the last node', 'clusters that overlap at their boundary'],
    },
    {
      id: 'clustergcn/batch-links-restored',
      statement: 'A batch of q clusters contains exactly the links of the graph among its nodes, those between its clusters included.',
      kind: 'exact',
      negativeControls: ['keeps only the links inside each cluster'],
    },
    {
      id: 'clustergcn/single-cluster-equals-full-batch',
      statement: 'With one cluster (or all clusters in one batch) the Cluster-GCN batch loss and its gradients equal full-batch GCN on the training graph.',
      kind: 'tolerance',
      negativeControls: ['batch normalised without diagonal enhancement', 'batch adjacency without self-loops'],
    },
    {
      id: 'clustergcn/block-decomposition',
      statement: 'The forward pass on the block-diagonal normalised adjacency equals the per-cluster forward passes, each normalised inside its cluster.',
      kind: 'tolerance',
      negativeControls: ['per-cluster forward normalised with whole-graph degrees'],
    },
    {
      id: 'clustergcn/loss-decomposition',
      statement: 'The node-mean loss of the block-diagonal forward equals Σ_t (|V_t|/N)·L_t over the clusters.',
      kind: 'tolerance',
      negativeControls: ['unweighted mean of the cluster losses'],
    },
    {
      id: 'clustergcn/diagonal-enhancement',
      statement: 'Ã + λ·diag(Ã) has diagonal (1+λ)/(d_i+1), row sums 1 + λ/(d_i+1), off-diagonal entries of Ã, spectral radius in [1, 1 + λ/(d_min+1)], and equals Ã for λ = 0.',
      kind: 'tolerance',
      negativeControls: ['adds λ·I instead of λ·diag(Ã)'],
    },
    {
      id: 'clustergcn/epoch-coverage',
      statement: 'In one epoch every cluster is used exactly once, in groups of at most q, and a fixed seed gives the same partition and batch sequence.',
      kind: 'exact',
      negativeControls: ['grouping loop that stops at c−1 (skips the last cluster when c mod q = 1)'],
    },
    {
      id: 'clustergcn/partition-quality',
      statement: 'The edge cut, its fraction of all edges (0 without edges), the cluster sizes and the balance (largest size over N/k) of a partition match a direct count over the edge list, and a graph without edges is split into contiguous runs whose sizes differ by at most one.',
      kind: 'exact',
      negativeControls: ['counts each cut edge from both ends', 'balance from the smallest cluster', 'splits a graph without edges round-robin'],
    },
    {
      id: 'clustergcn/partitioner-choice',
      statement: 'auto runs METIS when gpmetis starts and Louvain otherwise, with a note saying why; a metis request raises GraphValueError naming the exit code, output or bad partition file; every partition names its partitioner and seed.',
      kind: 'exact',
      negativeControls: ['auto that never tries METIS', 'metis request that falls back to Louvain when gpmetis fails', 'gpmetis errors without the exit code, output or cause'],
    },
    {
      id: 'clustergcn/louvain-fallback',
      statement: 'The Louvain fallback cuts communities larger than ⌈N/k⌉ into breadth-first pieces of that size and places them largest first in the part under ⌈1.05·N/k⌉ that shares the most links with them, else in the smallest part.',
      kind: 'exact',
      negativeControls: ['places pieces without looking at their links', 'places pieces without the size cap'],
    },
    {
      id: 'clustergcn/training-run',
      statement: 'A training run starts from the seeded initial weights, reports the mean batch loss of its last epoch, one timing per epoch, the accuracy of its weights on the full graph, the batches, steps and edges it saw, and frees its tensors. Invalid settings raise GraphValueError naming the setting and value.',
      kind: 'tolerance',
      negativeControls: ['reports the steps of one epoch only', 'sums the batch losses of the last epoch'],
    },
    {
      id: 'clustergcn/input-guards',
      statement: 'A cluster count outside [1, N], a q that is not a positive integer, or a node assigned outside [0, c) raises GraphValueError whose message names the value and the valid range.',
      kind: 'exact',
      negativeControls: ['clamps an invalid cluster count into [1, N]', 'rounds an invalid q up to a positive integer', 'rejects a bad assignment without naming the node or cluster'],
    },
  ],

  experiments: [
    {
      id: 'clustergcn/cora-clusters',
      claim: 'clustergcn/comparable-accuracy',
      description: 'From the Cora comparison (shared with lgcn): test accuracy of Cluster-GCN with 5, 10 and 50 clusters against full-batch GCN, with the partitioner, edge cut and balance.',
    },
    {
      id: 'clustergcn/scale-ladder',
      claim: 'clustergcn/less-memory',
      description: 'From the scale ladder (shared with lgcn): peak training memory and accuracy of Cluster-GCN (about 1,000 nodes per cluster, q = 2) against full-batch GCN as the generated graph grows.',
    },
  ],

  benchmarks: [
    {
      id: 'clustergcn/full-batch-epoch',
      description: 'One full-batch GCN training epoch on the training graph (the baseline of a Cluster-GCN epoch).',
      unit: 'ms',
    },
    {
      id: 'clustergcn/cluster-epoch',
      description: 'One Cluster-GCN epoch (10 clusters, q = 2, batch normalisation inside the epoch) on the same training graph.',
      unit: 'ms',
      baseline: 'clustergcn/full-batch-epoch',
    },
  ],
};
