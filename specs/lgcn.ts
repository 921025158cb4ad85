/**
 * Spec of L-GCN and L²-GCN (layer-wise GCN training and its learned stop controller), with the
 * graph layer and full-batch GCN they are measured against.
 */
import type { MethodSpec } from '../harness/spec';

export const lgcnSpec: MethodSpec = {
  id: 'lgcn',
  title: 'Layer-wise GCN training (L-GCN) and the learned per-layer controller (L²-GCN)',
  citation:
    'Y. You, T. Chen, Z. Wang, Y. Shen. L²-GCN: Layer-Wise and Learned Efficient Training of Graph Convolutional Networks. ' +
    'CVPR 2020, pp. 2127–2135, arXiv:2003.13606. Full-batch baseline after T. N. Kipf, M. Welling, ICLR 2017.',

  claims: [
    {
      id: 'lgcn/faster-than-full-batch',
      statement: 'L-GCN trains a GCN faster than full-batch training, at comparable test accuracy (the paper claims at least an order of magnitude over the state of the art).',
      source: 'L²-GCN abstract; Cora configuration of the released code (2 layers, 16 hidden, 80 epochs per layer)',
    },
    {
      id: 'lgcn/memory-independent-of-size',
      statement: "L-GCN's training memory does not grow with the size of the dataset.",
      source: 'L²-GCN abstract',
    },
    {
      id: 'lgcn/l2-halves-time',
      statement: "The learned controller (L²-GCN) cuts L-GCN's training time roughly in half, at similar accuracy.",
      source: 'L²-GCN abstract',
    },
    {
      id: 'lgcn/epoch-near-pytorch',
      statement: 'A full-batch GCN epoch on Cora takes at most 1.5 times as long in paperproof as in PyTorch on the same machine.',
      source: 'Suite requirement: a reference implementation that is fast enough to run the comparisons',
    },
  ],

  invariants: [
    {
      id: 'lgcn/spmm-matches-dense',
      statement: 'The CSR sparse–dense product equals the dense product of the same matrices (float64).',
      kind: 'tolerance',
      negativeControls: ['skips the last stored entry of each row'],
    },
    {
      id: 'lgcn/tfjs-matches-oracle',
      statement: 'The TensorFlow.js aggregation (kernel and segment routes), its gradient and the GCN forward pass equal the float64 oracle within float32 tolerance.',
      kind: 'tolerance',
      negativeControls: ['aggregates with the transposed adjacency', 'ignores the edge weights'],
    },
    {
      id: 'lgcn/symmetric-normalization',
      statement: 'The symmetric normalisation (D+I)^-1/2 (A+I) (D+I)^-1/2 is symmetric, non-negative, with every eigenvalue in [-1, 1] and largest eigenvalue 1.',
      kind: 'tolerance',
      negativeControls: ['divides A+I by the degrees of A without the self-loop'],
    },
    {
      id: 'lgcn/random-walk-normalization',
      statement: 'The random-walk normalisation (D+I)^-1 (A+I) is row-stochastic with diagonal 1/(d_i+1), and L-GCN\'s (D+I)^-1 (A+I) + I has rows summing to 2.',
      kind: 'tolerance',
      negativeControls: ['normalises columns instead of rows'],
    },
    {
      id: 'lgcn/isolated-nodes',
      statement: 'Graphs with isolated nodes get finite normalisations in which an isolated node keeps only its self-loop, and finite GCN outputs.',
      kind: 'exact',
      negativeControls: ['normalises A without self-loops'],
    },
    {
      id: 'lgcn/layerwise-equals-end-to-end',
      statement: 'The layer-wise forward pass with precomputed aggregations F = ÂH equals the end-to-end GCN forward pass with the same weights.',
      kind: 'tolerance',
      negativeControls: ['skips the aggregation after the first layer'],
    },
    {
      id: 'lgcn/permutation-equivariance',
      statement: 'Relabelling the nodes (A → PAPᵀ, X → PX) permutes the GCN outputs the same way.',
      kind: 'tolerance',
      negativeControls: ['sparse product that skips the last row'],
    },
    {
      id: 'lgcn/row-locality',
      statement: 'The loss and gradient of an L-GCN mini-batch step depend only on the batch rows of the precomputed aggregation.',
      kind: 'exact',
      negativeControls: ['standardises the batch with statistics of all rows'],
    },
    {
      id: 'lgcn/controller-bounds',
      statement: 'Under the L² stop rule every layer trains more than minEpochs and at most maxEpochs + decisionStep epochs, stops at its first decision when p_stop = 1 and minEpochs = 0, uses a head index below T, and the controller gives p_stop in (0, 1) and a zero REINFORCE loss when cost equals baseline.',
      kind: 'exact',
      negativeControls: ['stop rule without the maximum-epoch cap', 'head index not clamped to T−1'],
    },
    {
      id: 'lgcn/npz-loader',
      statement: 'A graph written in the compressed-sparse .npz layout reads back identically; truncated or malformed archives raise NpzFormatError and out-of-range node indices raise GraphIndexError.',
      kind: 'exact',
      negativeControls: ['loader that returns an empty graph on any error', 'loader that reports every error as a plain Error'],
    },
    {
      id: 'lgcn/graph-input-rejected',
      statement: 'Malformed CSR matrices, coordinates out of range, mismatched product shapes, invalid subgraph nodes, permutations, graphs, normalisation settings, generator settings and split sizes raise GraphIndexError or GraphValueError naming the value and the fix; inputs at each limit are accepted.',
      kind: 'exact',
      negativeControls: ['CSR validator that accepts every matrix', 'errors without the value or the fix'],
    },
    {
      id: 'lgcn/csr-operations',
      statement: 'csrFromCoo sums duplicates into a valid CSR matrix equal to the dense sum of the triples; transpose, toDense, fromDense, rowSums, spmmFloat32 and matmul agree with their dense definitions.',
      kind: 'exact',
      negativeControls: ['csrFromCoo that keeps the last duplicate instead of the sum'],
    },
    {
      id: 'lgcn/graph-operations',
      statement: 'symmetrize returns A ∨ Aᵀ without diagonal or zero-weight edges; degrees, edge count, induced subgraphs (in the given node order), relabelling P M Pᵀ of matrices, rows and graphs, and feature row normalisation match their dense definitions.',
      kind: 'exact',
      negativeControls: ['induced subgraph that leaves relabelled rows unsorted'],
    },
    {
      id: 'lgcn/normalization-entries',
      statement: 'Every normalisation (symmetric, random walk, diagonal enhancement with λ, L-GCN) of a weighted graph is a valid CSR matrix whose entries equal the dense formula, and each has its own description.',
      kind: 'tolerance',
      negativeControls: ['writes the self-loop after the neighbours'],
    },
    {
      id: 'lgcn/csbm-generator',
      statement: 'The contextual SBM generator is deterministic per seed and returns a valid graph with round(N·d/2) distinct unit edges, only same-class edges at homophily 1 and only cross-class edges at homophily 0, features whose class means spread like μ·N(0, 1) around unit noise, and the graph of a recorded seed is reproduced exactly.',
      kind: 'statistical',
      negativeControls: ['generator that ignores the homophily'],
    },
    {
      id: 'lgcn/node-split',
      statement: 'A random split has disjoint, sorted parts of the requested sizes drawn from [0, N), depends only on its seed, and the proportional sizes follow the 1208/500/1000 split of Cora.',
      kind: 'exact',
      negativeControls: ['split whose test part overlaps the training part'],
    },
    {
      id: 'lgcn/training-guards',
      statement: 'Invalid GCN sizes, training and L² settings, controller options, aggregation modes and shapes raise GraphValueError naming the bad value and the valid range, and the smallest valid values are accepted.',
      kind: 'exact',
      negativeControls: ['accepts a learning rate of zero', 'error message without the bad value'],
    },
    {
      id: 'lgcn/training-helpers',
      statement: 'Accuracy counts nodes whose first arg-max logit is their label, the median is the middle of the sorted values, CSR bytes are 4(N+1) + 12·nnz, Glorot weights fill ±√(6/(fan_in+fan_out)), heads clamp to [0, T−1] and the stop rule matches its formula.',
      kind: 'exact',
      negativeControls: ['accuracy takes the last arg-max on ties', 'median of the unsorted values'],
    },
    {
      id: 'lgcn/training-runs',
      statement: 'Full-batch GCN, L-GCN and L²-GCN report the loss of their first step at the initial weights, the accuracy of the weights they return, consistent epochs, times and memory, L² layers stopping at decision epochs within the bounds, and leak no tensors.',
      kind: 'tolerance',
      negativeControls: ['full-batch loss over every node instead of the training nodes', 'L-GCN that aggregates with the symmetric normalisation'],
    },
    {
      id: 'lgcn/controller-reinforce',
      statement: "The L² controller's inputs and embedding rows follow their formulas, its REINFORCE loss equals (Σ_k log p(a_k))·(cost − baseline) over the recorded decisions, the baseline is the moving average b ← ratio·b + (1−ratio)·cost, warm-up schedules end at decision T−1, and no tensor leaks.",
      kind: 'tolerance',
      negativeControls: ['REINFORCE loss with the advantage sign flipped', 'baseline set to the last cost'],
    },
  ],

  experiments: [
    {
      id: 'lgcn/cora-comparison',
      claim: 'lgcn/faster-than-full-batch',
      description: 'On Cora (or --graph, or a generated graph), with a random 1208/500/1000 split per seed: test accuracy (mean and spread over seeds), training time, time per epoch and peak memory of full-batch GCN, L-GCN, L²-GCN and Cluster-GCN with 5, 10 and 50 clusters; each configuration in a process of its own.',
    },
    {
      id: 'lgcn/l2-cora',
      claim: 'lgcn/l2-halves-time',
      description: 'From the same runs: L²-GCN training time over L-GCN training time (controller search reported separately) and the accuracy difference.',
    },
    {
      id: 'lgcn/scale-ladder',
      claim: 'lgcn/memory-independent-of-size',
      description: 'Generated contextual SBM graphs of growing size (up to 200,000 nodes and 2,000,000 edges in the full profile): peak training memory and time per epoch of L-GCN, L²-GCN, full-batch GCN and Cluster-GCN.',
    },
    {
      id: 'lgcn/pytorch-side-by-side',
      claim: 'lgcn/epoch-near-pytorch',
      description: 'Alternating rounds of full-batch GCN epochs on Cora in PyTorch (subprocess, when python3 with torch is installed) and in paperproof; ratio of median epoch times.',
    },
  ],

  benchmarks: [
    {
      id: 'lgcn/full-batch-epoch',
      description: 'One full-batch GCN training epoch (2 layers, 16 hidden) on Cora or the comparison graph.',
      unit: 'ms',
    },
    {
      id: 'lgcn/layerwise-epoch',
      description: 'One L-GCN epoch of the first layer (mini-batches of 256 rows of the precomputed aggregation) on the same graph.',
      unit: 'ms',
      baseline: 'lgcn/full-batch-epoch',
    },
  ],
};
