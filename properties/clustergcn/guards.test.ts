/**
 * Input guards of the partition and batch helpers: an invalid cluster count, clusters-per-batch
 * value or cluster assignment raises GraphValueError, and the message names the rejected value
 * and the valid range.
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { Rng } from '../../harness/rng';
import { propertyInvariant } from '../../harness/testing/invariant';
import { GraphValueError } from '../../impl/graph/errors';
import { clusterMembers, epochGroups, partitionGraph } from '../../impl/clustergcn/index';
import { smallGraph } from '../lgcn/_graphs';

/** The three entry points whose arguments are checked. */
interface Guarded {
  partitionGraph: typeof partitionGraph;
  epochGroups: typeof epochGroups;
  clusterMembers: typeof clusterMembers;
}

const real: Guarded = { partitionGraph, epochGroups, clusterMembers };

/** Clamps the cluster count into [1, N] instead of rejecting it. */
const clampsPartCount: Guarded = {
  ...real,
  partitionGraph: (adjacency, parts, options) => partitionGraph(adjacency, Math.min(Math.max(1, Math.round(Number.isFinite(parts) ? parts : 1)), adjacency.rows), options),
};

/** Rounds q up to an integer of at least 1 instead of rejecting it. */
const roundsClustersPerBatch: Guarded = {
  ...real,
  epochGroups: (parts, q, rng) => epochGroups(parts, Number.isFinite(q) ? Math.max(1, Math.ceil(q)) : 1, rng),
};

/** Rejects a bad assignment with a message that names neither the node nor the cluster. */
const vagueAssignmentError: Guarded = {
  ...real,
  clusterMembers: (assignment, parts) => {
    if (assignment.some((p) => p < 0 || p >= parts)) throw new GraphValueError('invalid assignment');
    return clusterMembers(assignment, parts);
  },
};

/** Runs `call` and returns its error, or a description of the wrong outcome as a string. */
function errorOf(call: () => unknown): Error | string {
  try {
    call();
  } catch (error) {
    return error instanceof Error ? error : `threw a non-Error value ${String(error)}`;
  }
  return 'returned without an error';
}

/** Checks that `call` raises GraphValueError whose message contains every one of `parts`. */
function rejects(call: () => unknown, parts: string[]): string | null {
  const error = errorOf(call);
  if (typeof error === 'string') return error;
  if (!(error instanceof GraphValueError)) return `threw ${error.name} (${error.message}) instead of GraphValueError`;
  const missing = parts.filter((p) => !error.message.includes(p));
  return missing.length === 0 ? null : `message '${error.message}' lacks ${missing.map((p) => `'${p}'`).join(', ')}`;
}

/**
 * Invalid cluster counts for N nodes. Zero comes last: code that lets it through can loop
 * forever, and the values before it then fail the check first.
 */
const badPartCounts = (n: number) => [-1, -7, n + 1, n + 5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 0];

/** Invalid clusters-per-batch values, the ones that can loop forever when let through last. */
const BAD_Q = [1.5, 0.25, Number.NaN, Number.POSITIVE_INFINITY, -1, -3, 0];

describe('input guards', () => {
  propertyInvariant<Guarded>({
    id: 'clustergcn/input-guards',
    subject: real,
    controls: [
      { name: 'clamps an invalid cluster count into [1, N]', subject: clampsPartCount },
      { name: 'rounds an invalid q up to a positive integer', subject: roundsClustersPerBatch },
      { name: 'rejects a bad assignment without naming the node or cluster', subject: vagueAssignmentError },
    ],
    numRuns: { quick: 60, full: 300 },
    timeoutMs: 30_000,
    property: (guarded) =>
      fc.property(
        smallGraph(1, 12),
        fc.constantFrom<'louvain' | 'auto'>('louvain', 'auto'),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.boolean(),
        (g, partitioner, clusters, seed, below) => {
          for (const parts of badPartCounts(g.n)) {
            const problem = rejects(() => guarded.partitionGraph(g.adjacency, parts, { partitioner, seed }), [`got ${parts}`, `[1, ${g.n}]`]);
            if (problem !== null) throw new Error(`partitionGraph with ${parts} clusters on ${g.n} nodes: ${problem}`);
          }

          for (const q of BAD_Q) {
            const problem = rejects(() => guarded.epochGroups(clusters, q, new Rng(seed)), [`got ${q}`, 'positive integer']);
            if (problem !== null) throw new Error(`epochGroups with q = ${q}: ${problem}`);
          }

          // One node of a valid assignment moved to cluster -1 or to `clusters` (one past the end).
          const assignment = Int32Array.from({ length: 5 }, (_, v) => v % clusters);
          const node = seed % assignment.length;
          const wrong = below ? -1 : clusters;
          assignment[node] = wrong;
          const memberProblem = rejects(() => guarded.clusterMembers(assignment, clusters), [`node ${node}`, `cluster ${wrong}`, `[0, ${clusters})`]);
          if (memberProblem !== null) throw new Error(`clusterMembers with node ${node} in cluster ${wrong} of ${clusters}: ${memberProblem}`);
          return true;
        },
      ),
  });
});
