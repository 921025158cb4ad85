/**
 * Comparison runs and speed suite of Cluster-GCN against full-batch GCN. The Cora table and
 * the scale ladder are shared with the lgcn method and computed once per run.
 */
import type { BenchTask, Experiment, ExperimentReport, MethodRunner } from '../../harness/runner';
import { inducedSubgraph } from '../../impl/graph/index';
import { gatherRows } from '../../impl/gcn/index';
import { checkGraphOption, comparisonTable, graphComparison, ladderPlots, ladderTable, rowOf, scaleLadder } from '../gcn/comparisons';
import { benchmarkGraph, benchmarkSplit, clusterEpoch, fullBatchEpoch } from '../gcn/tasks';

/** Largest accuracy drop (absolute) still called comparable. */
const COMPARABLE_ACCURACY = 0.03;
/** "Far less memory": at most this fraction of full-batch GCN's peak. */
const FAR_LESS = 0.5;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

const coraClusters: Experiment = {
  id: 'clustergcn/cora-clusters',
  async run(context) {
    const comparison = await graphComparison(context);
    const full = rowOf(comparison.rows, 'full-batch');
    const clusters = comparison.rows.filter((r) => r.row.role === 'clustergcn');
    const worst = clusters.reduce((a, b) => (b.meanTestAccuracy < a.meanTestAccuracy ? b : a));
    const drop = full.meanTestAccuracy - worst.meanTestAccuracy;
    const verdict: ExperimentReport['verdict'] = drop <= COMPARABLE_ACCURACY ? 'reproduced' : 'not-reproduced';
    const metrics: ExperimentReport['metrics'] = { 'full-batch test accuracy': { value: full.meanTestAccuracy, unit: 'fraction' }, 'largest accuracy drop': { value: drop, unit: 'fraction' } };
    for (const c of clusters) {
      metrics[`${c.row.label} test accuracy`] = { value: c.meanTestAccuracy, unit: 'fraction' };
      metrics[`${c.row.label} edge cut`] = { value: Number(c.result.perSeed[0]?.extra.edgeCutFraction ?? Number.NaN), unit: 'fraction of training edges' };
      metrics[`${c.row.label} balance`] = { value: Number(c.result.perSeed[0]?.extra.balance ?? Number.NaN), unit: 'largest cluster / ideal size' };
    }
    return {
      verdict,
      summary: `Cluster-GCN reached ${clusters.map((c) => `${pct(c.meanTestAccuracy)} (${c.row.label.replace('Cluster-GCN ', '')})`).join(', ')} test accuracy against ${pct(full.meanTestAccuracy)} for full-batch GCN; the largest drop is ${pct(drop)} (comparable means at most ${pct(COMPARABLE_ACCURACY)}). Partitioner: ${String(clusters[0]?.result.perSeed[0]?.extra.partitioner ?? 'unknown')}.`,
      metrics,
      data: comparison.data,
      tables: [comparisonTable('Cluster-GCN against full-batch GCN', [full, ...clusters])],
      notes: ['Cluster-GCN partitions the subgraph induced by the training nodes (other nodes are removed during training), normalises each batch inside itself with diagonal enhancement λ = 1, and evaluates on the full graph.'],
    };
  },
};

const scaleExperiment: Experiment = {
  id: 'clustergcn/scale-ladder',
  async run(context) {
    const ladder = await scaleLadder(context);
    const last = ladder.steps[ladder.steps.length - 1]!;
    const full = rowOf(last.rows, 'full-batch');
    const cluster = rowOf(last.rows, 'clustergcn');
    const memoryRatio = cluster.peakTrainingBytes / full.peakTrainingBytes;
    const rssRatio = cluster.result.maxRssBytes / full.result.maxRssBytes;
    const drop = full.meanTestAccuracy - cluster.meanTestAccuracy;
    const verdict: ExperimentReport['verdict'] = memoryRatio <= FAR_LESS && drop <= COMPARABLE_ACCURACY ? 'reproduced' : 'not-reproduced';
    return {
      verdict,
      summary: `On ${last.nodes} nodes and ${last.edges} edges, ${cluster.row.label} used ${(cluster.peakTrainingBytes / 2 ** 20).toFixed(1)} MiB of training memory against ${(full.peakTrainingBytes / 2 ** 20).toFixed(1)} MiB for full-batch GCN (ratio ${memoryRatio.toFixed(3)}; "far less" means at most ${FAR_LESS}), process peak RSS ratio ${rssRatio.toFixed(2)}, test accuracy ${pct(cluster.meanTestAccuracy)} against ${pct(full.meanTestAccuracy)}.`,
      metrics: {
        'training memory ratio (Cluster-GCN / full-batch)': { value: memoryRatio, unit: 'ratio' },
        'max RSS ratio (Cluster-GCN / full-batch)': { value: rssRatio, unit: 'ratio' },
        'accuracy drop': { value: drop, unit: 'fraction' },
        'largest graph nodes': { value: last.nodes, unit: 'nodes' },
        'largest graph edges': { value: last.edges, unit: 'edges' },
      },
      data: ladder.data,
      tables: [ladderTable(ladder)],
      plots: ladderPlots(ladder),
      notes: [`Sizes run: ${ladder.sizes.join(', ')} nodes (${context.profile} profile). Cluster counts give about 1,000 training nodes per cluster, two clusters per batch. Process RSS also holds the graph, its features and the evaluation pass, which every method shares, so it separates the methods less than training memory does.`],
    };
  },
};

async function benchmarks(context: Parameters<MethodRunner['benchmarks']>[0]): Promise<BenchTask[]> {
  const { graph, data } = benchmarkGraph(context);
  const split = benchmarkSplit(graph, context.seed);
  const train = inducedSubgraph(graph.adjacency, split.train);
  const features = gatherRows(graph.features, graph.featureCount, split.train);
  const labels = Int32Array.from(split.train, (v) => graph.labels[v]!);
  const cluster = clusterEpoch(train, features, graph.featureCount, labels, graph.classCount, 10, 2, context.seed);
  return [
    { id: 'clustergcn/full-batch-epoch', data: `${data}, training subgraph`, fn: fullBatchEpoch(train, features, graph.featureCount, labels, graph.classCount, null, context.seed) },
    { id: 'clustergcn/cluster-epoch', data: `${data}, training subgraph; ${cluster.partition}`, fn: cluster.run },
  ];
}

export const clustergcnRunner: MethodRunner = {
  id: 'clustergcn',
  usesTensors: true,
  checkOptions: (options) => checkGraphOption(options),
  experiments: [coraClusters, scaleExperiment],
  benchmarks,
};
