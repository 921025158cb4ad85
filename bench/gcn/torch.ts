/**
 * Side-by-side timing of a full-batch GCN epoch against PyTorch on the same machine. PyTorch runs
 * `torch_gcn.py` in a Python subprocess (Debian's `python3-torch`). The suite never needs Python:
 * without an interpreter that imports torch, the comparison is skipped with the reason.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { proportionalSizes, randomSplit, type Graph } from '../../impl/graph/index';
import { FULL_BATCH_DEFAULTS, median, trainFullBatch } from '../../impl/gcn/index';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'torch_gcn.py');

/** Returns a Python interpreter that imports torch and numpy, or the reasons none was found. */
export function findTorchPython(): { python: string } | { reason: string } {
  const candidates = [process.env.PAPERPROOF_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => c !== undefined && c !== '');
  const reasons: string[] = [];
  for (const python of [...new Set(candidates)]) {
    const probe = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8', timeout: 60_000 });
    if (probe.error === undefined && probe.status === 0) return { python };
    reasons.push(`${python}: ${probe.error?.message ?? (probe.stderr.trim().split('\n').pop() ?? `exit code ${probe.status}`)}`);
  }
  return { reason: `no Python with torch and numpy (${reasons.join('; ')}); install Debian's python3-torch or set PAPERPROOF_PYTHON` };
}

/** Timings of the interleaved comparison. */
export interface TorchComparison {
  oursMillis: number[];
  torchMillis: number[];
  torchThreads: number;
  torchVersion: string;
  rounds: number;
  epochsPerRound: number;
}

/**
 * Alternates rounds of `epochs` PyTorch epochs (subprocess) and `epochs` paperproof epochs (this
 * process) on the same graph, dropping each side's first epoch of a round as warm-up.
 */
export async function compareWithTorch(python: string, graphPath: string, graph: Graph, options: { rounds: number; epochs: number; seed: number; progress: (m: string) => void }): Promise<TorchComparison> {
  const split = randomSplit(graph.nodes, proportionalSizes(graph.nodes), options.seed);
  const ours: number[] = [];
  const theirs: number[] = [];
  let threads = 0;
  let version = '';
  for (let round = 0; round < options.rounds; round++) {
    options.progress(`PyTorch side by side: round ${round + 1} of ${options.rounds}`);
    const run = spawnSync(python, [SCRIPT, graphPath, String(options.epochs + 1), String(options.seed + round), String(FULL_BATCH_DEFAULTS.hidden)], { encoding: 'utf8', timeout: 600_000 });
    if (run.error !== undefined || run.status !== 0) throw new Error(`torch_gcn.py failed (${run.error?.message ?? `exit code ${run.status}`}): ${run.stderr.trim().split('\n').slice(-4).join(' ')}`);
    const parsed = JSON.parse(run.stdout.trim().split('\n').pop()!) as { epochMillis: number[]; threads: number; torch: string };
    theirs.push(...parsed.epochMillis.slice(1));
    threads = parsed.threads;
    version = parsed.torch;
    const report = await trainFullBatch(graph, split, { ...FULL_BATCH_DEFAULTS, epochs: options.epochs + 1, seed: options.seed + round });
    ours.push(...report.epochMillis.slice(1));
  }
  return { oursMillis: ours, torchMillis: theirs, torchThreads: threads, torchVersion: version, rounds: options.rounds, epochsPerRound: options.epochs };
}

export { median };
