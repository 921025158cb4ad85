/**
 * The GCN comparison runs shared by the `lgcn` and `clustergcn` methods: the Cora table (or the
 * user's graph) and the scale ladder on generated graphs. Each configuration runs in a child
 * process of its own, so its peak memory is its own. Both methods' experiments read the same
 * results, computed once per run.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { dataPath } from '../../harness/data';
import type { ReportPlot, ReportTable, RunContext } from '../../harness/runner';
import { CSBM_DEFAULTS, proportionalSizes, readGraphNpz } from '../../impl/graph/index';
import { coraRows, ladderGraph, ladderRows, ladderSizes, seedsFor, type ConfigRow } from './configs';
import { runIsolated, type GraphSource, type InterleavedResult, type RunResult } from './runs';

/** Results of one configuration, summarised over seeds. */
export interface RowSummary {
  row: ConfigRow;
  result: RunResult;
  meanTestAccuracy: number;
  sdTestAccuracy: number;
  meanTrainingMillis: number;
  meanEpochMillis: number;
  meanEpochs: number;
  peakTrainingBytes: number;
}

/** The Cora comparison (or the user's graph, or a generated fallback). */
export interface GraphComparison {
  data: string;
  generated: boolean;
  rows: RowSummary[];
  seeds: number[];
  /** Full-batch GCN, L-GCN and L²-GCN trained again in one process, seed by seed, for time ratios. */
  timing: InterleavedResult;
}

/** Labels of the configurations timed against each other in one process. */
export const TIMED_ROLES = ['full-batch', 'lgcn', 'l2gcn'] as const;

/** The scale ladder: the same configurations on generated graphs of growing size. */
export interface Ladder {
  sizes: number[];
  steps: { nodes: number; edges: number; rows: RowSummary[] }[];
  data: string;
}

const comparisonCache = new Map<string, Promise<GraphComparison>>();
const ladderCache = new Map<string, Promise<Ladder>>();

/** Returns the graph the comparison uses: `--graph`, then `graphs/cora.npz` in the data folder, then a generated graph. */
export function comparisonGraph(context: RunContext): { source: GraphSource; data: string; generated: boolean } {
  const option = context.options.graph;
  if (option !== undefined && option !== '') {
    const path = resolve(option);
    if (!existsSync(path)) throw new Error(`--graph names '${option}', which does not exist; pass an .npz file in the compressed-sparse layout`);
    return { source: { kind: 'npz', path }, data: `file: ${path} (from --graph)`, generated: false };
  }
  const cora = dataPath(context.data, 'graphs/cora.npz');
  if (cora !== null) return { source: { kind: 'npz', path: cora }, data: `recorded: ${cora}`, generated: false };
  const nodes = 3000;
  return {
    source: { kind: 'csbm', options: { ...CSBM_DEFAULTS, nodes, seed: context.seed } },
    data: `generated: contextual SBM with ${nodes} nodes (no --graph, and no graphs/cora.npz in a data folder; set PAPERPROOF_DATA to use Cora)`,
    generated: true,
  };
}

/** Runs (once per process) the comparison on the comparison graph. */
export function graphComparison(context: RunContext): Promise<GraphComparison> {
  const { source, data, generated } = comparisonGraph(context);
  const key = `${JSON.stringify(source)}|${context.profile}|${context.seed}`;
  if (!comparisonCache.has(key)) {
    comparisonCache.set(key, (async () => {
      const seeds = seedsFor(context.profile, context.seed);
      // Full-batch GCN, L-GCN and L²-GCN run all seeds interleaved in one process (for time
      // ratios), and once more alone with the first seed for the process's peak memory.
      const all = coraRows(context.profile);
      const timed = all.filter((row) => (TIMED_ROLES as readonly string[]).includes(row.role));
      context.progress('full-batch GCN, L-GCN and L²-GCN interleaved in one process');
      const timing = await runIsolated({ kind: 'interleaved', graph: source, configs: timed.map((r) => ({ label: r.role, config: r.config })), seeds });
      const rows: RowSummary[] = [];
      for (const row of all) {
        const isTimed = timed.includes(row);
        context.progress(`${row.label} alone on ${generated ? 'a generated graph' : 'the comparison graph'}, ${isTimed ? 1 : seeds.length} seed${isTimed ? '' : 's'}`);
        const alone = await runIsolated({ label: row.label, graph: source, config: row.config, seeds: isTimed ? seeds.slice(0, 1) : seeds });
        rows.push(summarize(row, isTimed ? { ...alone, perSeed: timing.perLabel[row.role]! } : alone));
      }
      return { data, generated, rows, seeds, timing };
    })());
  }
  return comparisonCache.get(key)!;
}

/** Runs (once per process) the scale ladder. */
export function scaleLadder(context: RunContext): Promise<Ladder> {
  const key = `${context.profile}|${context.seed}`;
  if (!ladderCache.has(key)) {
    ladderCache.set(key, (async () => {
      const sizes = ladderSizes(context.profile);
      const steps: Ladder['steps'] = [];
      for (const nodes of sizes) {
        const graph = ladderGraph(nodes, context.seed);
        const rows: RowSummary[] = [];
        let edges = 0;
        for (const row of ladderRows(context.profile, proportionalSizes(nodes).train)) {
          context.progress(`scale ladder: ${row.label} on ${nodes} nodes`);
          const result = await runIsolated({ label: row.label, graph, config: row.config, seeds: [context.seed] });
          edges = result.edges;
          rows.push(summarize(row, result));
        }
        steps.push({ nodes, edges, rows });
      }
      const { classes, meanDegree, homophily, featureCount, featureSignal } = CSBM_DEFAULTS;
      return {
        sizes,
        steps,
        data: `generated: contextual SBM graphs of ${sizes.join(', ')} nodes (mean degree ${meanDegree}, ${classes} classes, homophily ${homophily}, ${featureCount} features, μ=${featureSignal}, seed ${context.seed}); ${context.profile} profile`,
      };
    })());
  }
  return ladderCache.get(key)!;
}

function summarize(row: ConfigRow, result: RunResult): RowSummary {
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const accuracies = result.perSeed.map((s) => s.testAccuracy);
  const m = mean(accuracies);
  const sd = accuracies.length > 1 ? Math.sqrt(accuracies.reduce((a, b) => a + (b - m) ** 2, 0) / (accuracies.length - 1)) : 0;
  return {
    row,
    result,
    meanTestAccuracy: m,
    sdTestAccuracy: sd,
    meanTrainingMillis: mean(result.perSeed.map((s) => s.trainingMillis)),
    meanEpochMillis: mean(result.perSeed.map((s) => s.medianEpochMillis)),
    meanEpochs: mean(result.perSeed.map((s) => s.epochs)),
    peakTrainingBytes: Math.max(...result.perSeed.map((s) => s.peakTrainingBytes)),
  };
}

const MIB = 2 ** 20;

/** Display names of the method roles in tables and plots. */
const METHOD_NAMES: Record<ConfigRow['role'], string> = { 'full-batch': 'full-batch GCN', lgcn: 'L-GCN', l2gcn: 'L²-GCN', clustergcn: 'Cluster-GCN' };

/** Note on how memory is measured, for every report that shows memory. */
export const MEMORY_NOTE =
  'Memory: "peak training MiB" is the peak of live TensorFlow.js tensor bytes during the first training epoch (tf.profile peakBytes) plus the sparse adjacency the training step multiplies by (the GPU-memory analogue; L-GCN keeps its precomputed aggregation in host memory). "max RSS" is the peak resident set size of the child process that ran the configuration alone (process.resourceUsage().maxRSS), and "wasm heap" the wasm backend\'s linear memory at its end.';

/** Builds the table of a comparison. */
export function comparisonTable(title: string, rows: RowSummary[]): ReportTable {
  return {
    title,
    columns: ['configuration', 'seeds', 'test accuracy (mean)', 'test accuracy (sd)', 'training time (ms)', 'time per epoch (ms, median)', 'epochs', 'peak training MiB', 'max RSS MiB', 'wasm heap MiB', 'notes'],
    rows: rows.map((s) => [
      s.row.label,
      s.result.perSeed.length,
      s.meanTestAccuracy,
      s.sdTestAccuracy,
      s.meanTrainingMillis,
      s.meanEpochMillis,
      s.meanEpochs,
      s.peakTrainingBytes / MIB,
      s.result.maxRssBytes / MIB,
      s.result.wasmMemoryBytes / MIB,
      rowNotes(s),
    ]),
    note: `${MEMORY_NOTE} Full-batch GCN, L-GCN and L²-GCN: accuracy, time and training memory over all seeds from the interleaved run; max RSS and wasm heap from a run of the first seed alone. Cluster-GCN rows: every figure from a run of its own.`,
  };
}

function rowNotes(s: RowSummary): string {
  const first = s.result.perSeed[0];
  if (first === undefined) return '';
  const extra = first.extra;
  const parts: string[] = [];
  if (extra.epochsPerLayer !== undefined) parts.push(`epochs per layer ${s.result.perSeed.map((p) => p.extra.epochsPerLayer).join(', ')}`);
  if (extra.searchMillis !== undefined) parts.push(`controller search ${Math.round(Number(extra.searchMillis))} ms (${extra.searchEpisodes} episodes, not in training time)`);
  if (extra.partitioner !== undefined) parts.push(`${extra.partitioner}; edge cut ${extra.edgeCut} (${(100 * Number(extra.edgeCutFraction)).toFixed(1)}%), balance ${Number(extra.balance).toFixed(3)}`);
  return parts.join('; ');
}

/** Returns the row of a role (the first when several). */
export function rowOf(rows: RowSummary[], role: ConfigRow['role']): RowSummary {
  const row = rows.find((r) => r.row.role === role);
  if (row === undefined) throw new Error(`comparison has no '${role}' row`);
  return row;
}

/** Builds the ladder's table. */
export function ladderTable(ladder: Ladder): ReportTable {
  const rows: ReportTable['rows'] = [];
  for (const step of ladder.steps) {
    for (const s of step.rows) rows.push([step.nodes, step.edges, s.row.label, s.meanTestAccuracy, s.meanEpochMillis, s.meanTrainingMillis, s.peakTrainingBytes / MIB, s.result.maxRssBytes / MIB, s.result.wasmMemoryBytes / MIB]);
  }
  return { title: 'Scale ladder on generated graphs', columns: ['nodes', 'edges', 'configuration', 'test accuracy', 'time per epoch (ms, median)', 'training time (ms)', 'peak training MiB', 'max RSS MiB', 'wasm heap MiB'], rows, note: MEMORY_NOTE };
}

/** Builds the ladder's plots: memory and time per epoch against node count. */
export function ladderPlots(ladder: Ladder): ReportPlot[] {
  const values = ladder.steps.flatMap((step) =>
    step.rows.map((s) => ({ nodes: step.nodes, method: METHOD_NAMES[s.row.role], memory: s.peakTrainingBytes / MIB, rss: s.result.maxRssBytes / MIB, epoch: s.meanEpochMillis })),
  );
  const plot = (field: string, title: string, axis: string): ReportPlot => ({
    title,
    vegaLite: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 480,
      height: 260,
      data: { values },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'nodes', type: 'quantitative', scale: { type: 'log' }, title: 'nodes (log)' },
        y: { field, type: 'quantitative', scale: { type: 'log' }, title: axis },
        color: { field: 'method', type: 'nominal' },
        // L-GCN and L²-GCN often overlap exactly; dashes and point shapes keep both visible.
        strokeDash: { field: 'method', type: 'nominal' },
        shape: { field: 'method', type: 'nominal' },
      },
    },
  });
  return [
    plot('memory', 'Peak training memory as the graph grows', 'peak training MiB (log)'),
    plot('rss', 'Peak resident memory as the graph grows', 'max RSS MiB (log)'),
    plot('epoch', 'Time per epoch as the graph grows', 'ms per epoch (log)'),
  ];
}

/** Plot of test accuracy against training time for a comparison. */
export function accuracyTimePlot(comparison: GraphComparison): ReportPlot {
  const values = comparison.rows.flatMap((s) => s.result.perSeed.map((p) => ({ configuration: s.row.label, accuracy: p.testAccuracy, seconds: p.trainingMillis / 1000 })));
  return {
    title: 'Test accuracy against training time, one point per seed',
    vegaLite: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 480,
      height: 260,
      data: { values },
      mark: { type: 'point', filled: true, size: 60 },
      encoding: {
        x: { field: 'seconds', type: 'quantitative', scale: { type: 'log' }, title: 'training time (s, log)' },
        y: { field: 'accuracy', type: 'quantitative', scale: { zero: false }, title: 'test accuracy' },
        color: { field: 'configuration', type: 'nominal' },
      },
    },
  };
}

/**
 * Returns the median over seeds of `numerator`'s training time over `denominator`'s, both timed
 * in the same process for the same seed, and the per-seed ratios.
 */
export function pairedTimeRatio(timing: InterleavedResult, numerator: (typeof TIMED_ROLES)[number], denominator: (typeof TIMED_ROLES)[number]): { median: number; ratios: number[] } {
  const top = timing.perLabel[numerator] ?? [];
  const bottom = timing.perLabel[denominator] ?? [];
  const ratios = top.map((s, k) => s.trainingMillis / bottom[k]!.trainingMillis).sort((a, b) => a - b);
  const mid = ratios.length >> 1;
  if (ratios.length === 0) return { median: Number.NaN, ratios };
  const median = ratios.length % 2 === 1 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
  return { median, ratios };
}

/** Builds the table of the interleaved timing run. */
export function timingTable(timing: InterleavedResult): ReportTable {
  const rows: ReportTable['rows'] = [];
  for (const [label, seeds] of Object.entries(timing.perLabel)) {
    for (const s of seeds) rows.push([METHOD_NAMES[label as ConfigRow['role']] ?? label, s.seed, s.trainingMillis, s.epochs, s.medianEpochMillis, s.testAccuracy]);
  }
  return {
    title: 'Training time measured interleaved in one process',
    columns: ['configuration', 'seed', 'training time (ms)', 'epochs', 'time per epoch (ms, median)', 'test accuracy'],
    rows,
    note: `Per seed the three configurations ran one after another in the same process, the first one rotating with the seed (orders: ${timing.orders.map((o) => o.join(' → ')).join('; ')}). Time ratios in the verdicts come from these runs.`,
  };
}

/**
 * Checks `--graph` before a run: the file must exist and read as a graph in the compressed-sparse
 * `.npz` layout.
 *
 * @throws Error naming the file, the problem (NpzFormatError, GraphIndexError, …) and the fix
 */
export function checkGraphOption(options: Readonly<Record<string, string | undefined>>): void {
  const option = options.graph;
  if (option === undefined || option === '') return;
  const path = resolve(option);
  if (!existsSync(path)) throw new Error(`--graph names '${option}', which does not exist; pass an .npz file in the compressed-sparse layout`);
  try {
    readGraphNpz(path);
  } catch (error) {
    throw new Error(`--graph '${option}' cannot be used: ${(error as Error).name}: ${(error as Error).message}`);
  }
}
