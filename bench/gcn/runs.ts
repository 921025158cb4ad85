/**
 * One training configuration on one graph, over several seeds: the unit that the GCN comparison
 * runs execute, in this process or in a child process of its own (so that the peak resident
 * memory of each configuration is measured alone).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendRecord, tf } from '../../harness/tensor/backend';
import { edgeCount, generateCsbm, proportionalSizes, randomSplit, readGraphNpz, rowNormalizeFeatures, type CsbmOptions, type Graph } from '../../impl/graph/index';
import { median, trainFullBatch, type FullBatchOptions, type TrainingReport } from '../../impl/gcn/index';
import { trainL2gcn, trainLgcnFixed, type L2Options, type LgcnOptions } from '../../impl/lgcn/index';
import { trainClusterGcn, type ClusterGcnOptions } from '../../impl/clustergcn/index';

/** Source of a run's graph: an `.npz` file or generator settings. */
export type GraphSource = { kind: 'npz'; path: string } | { kind: 'csbm'; options: CsbmOptions };

/** A method and its settings (without the seed, which the run supplies). */
export type MethodConfig =
  | { method: 'full-batch'; options: Omit<FullBatchOptions, 'seed'> }
  | { method: 'lgcn'; options: Omit<LgcnOptions, 'seed'> & { epochsPerLayer: number } }
  | { method: 'l2gcn'; options: Omit<LgcnOptions, 'seed'>; l2: L2Options }
  | { method: 'clustergcn'; options: Omit<ClusterGcnOptions, 'seed'> };

/** A request for one configuration. */
export interface RunRequest {
  /** Row label in the report (for example `Cluster-GCN c=10 q=2`). */
  label: string;
  graph: GraphSource;
  config: MethodConfig;
  /** One training run per seed; the seed draws the split and the initial weights. */
  seeds: number[];
}

/** Figures of one seed. */
export interface SeedResult {
  seed: number;
  testAccuracy: number;
  validationAccuracy: number;
  trainingMillis: number;
  preprocessingMillis: number;
  medianEpochMillis: number;
  epochs: number;
  peakTrainingBytes: number;
  /** Method-specific figures (search time, epochs per layer, partition quality). */
  extra: Record<string, number | string>;
  notes: string[];
}

/** Several configurations timed against each other in one process, seed by seed. */
export interface InterleavedRequest {
  kind: 'interleaved';
  graph: GraphSource;
  configs: { label: string; config: MethodConfig }[];
  seeds: number[];
}

/** Per-seed results of each configuration of an interleaved run, by label. */
export interface InterleavedResult {
  kind: 'interleaved';
  perLabel: Record<string, SeedResult[]>;
  /** Order in which the configurations ran for each seed. */
  orders: string[][];
}

/**
 * Runs every configuration once per seed in this process, rotating which goes first, so that
 * slow drift of a shared machine hits all of them alike and their time ratios stay meaningful.
 */
export async function executeInterleaved(request: InterleavedRequest, graph = loadGraph(request.graph)): Promise<InterleavedResult> {
  const perLabel: Record<string, SeedResult[]> = {};
  const orders: string[][] = [];
  for (const { label } of request.configs) perLabel[label] = [];
  for (const [index, seed] of request.seeds.entries()) {
    const split = randomSplit(graph.nodes, proportionalSizes(graph.nodes), seed);
    const count = request.configs.length;
    const order = Array.from({ length: count }, (_, k) => request.configs[(k + index) % count]!);
    orders.push(order.map((c) => c.label));
    for (const { label, config } of order) perLabel[label]!.push(await trainOne(graph, split, config, seed));
  }
  return { kind: 'interleaved', perLabel, orders };
}

/** Result of a configuration over all its seeds. */
export interface RunResult {
  label: string;
  graphName: string;
  nodes: number;
  edges: number;
  perSeed: SeedResult[];
  /** Peak resident set size of the process that ran it (process.resourceUsage().maxRSS). */
  maxRssBytes: number;
  /** Size of the wasm backend's linear memory at the end (it only grows), 0 on other backends. */
  wasmMemoryBytes: number;
  backend: string;
  /** True when it ran in a child process of its own. */
  isolated: boolean;
}

/** Loads the graph of a source; features of non-negative (bag-of-words) graphs are row-normalised. */
export function loadGraph(source: GraphSource): Graph {
  if (source.kind === 'csbm') return generateCsbm(source.options);
  const graph = readGraphNpz(source.path);
  if (graph.features.every((v) => v >= 0)) graph.features = rowNormalizeFeatures(graph.features, graph.featureCount);
  return graph;
}

/** Runs a configuration in this process. */
export async function executeRun(request: RunRequest, graph = loadGraph(request.graph)): Promise<RunResult> {
  const perSeed: SeedResult[] = [];
  for (const seed of request.seeds) {
    const split = randomSplit(graph.nodes, proportionalSizes(graph.nodes), seed);
    perSeed.push(await trainOne(graph, split, request.config, seed));
  }
  return {
    label: request.label,
    graphName: graph.name,
    nodes: graph.nodes,
    edges: edgeCount(graph.adjacency),
    perSeed,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    wasmMemoryBytes: wasmMemoryBytes(),
    backend: backendRecord()?.used ?? tf.getBackend(),
    isolated: false,
  };
}

async function trainOne(graph: Graph, split: ReturnType<typeof randomSplit>, config: MethodConfig, seed: number): Promise<SeedResult> {
  let report: TrainingReport;
  const extra: Record<string, number | string> = {};
  switch (config.method) {
    case 'full-batch':
      report = await trainFullBatch(graph, split, { ...config.options, seed });
      break;
    case 'lgcn': {
      const r = await trainLgcnFixed(graph, split, { ...config.options, seed });
      extra.epochsPerLayer = r.epochsPerLayer.join('/');
      report = r;
      break;
    }
    case 'l2gcn': {
      const r = await trainL2gcn(graph, split, { ...config.options, seed }, config.l2);
      extra.epochsPerLayer = r.epochsPerLayer.join('/');
      extra.searchMillis = r.search.millis;
      extra.threshold = r.search.threshold;
      extra.searchEpisodes = r.search.episodes;
      report = r;
      break;
    }
    case 'clustergcn': {
      const r = await trainClusterGcn(graph, split, { ...config.options, seed });
      extra.partitioner = r.partition.method;
      extra.edgeCut = r.partition.edgeCut;
      extra.edgeCutFraction = r.partition.edgeCutFraction;
      extra.balance = r.partition.balance;
      report = r;
      break;
    }
  }
  return {
    seed,
    testAccuracy: report.accuracy.test,
    validationAccuracy: report.accuracy.validation,
    trainingMillis: report.trainingMillis,
    preprocessingMillis: report.preprocessingMillis,
    medianEpochMillis: median(report.epochMillis),
    epochs: report.epochs,
    peakTrainingBytes: report.peakTrainingBytes,
    extra,
    notes: report.notes,
  };
}

function wasmMemoryBytes(): number {
  if (tf.getBackend() !== 'wasm') return 0;
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return backend.wasm?.HEAPU8?.buffer.byteLength ?? 0;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Runs a configuration in a child process of its own and returns its result, so that the peak
 * resident memory and wasm memory belong to this configuration alone.
 *
 * @throws Error with the child's last output lines when it fails
 */
export async function runIsolated(request: RunRequest, options?: { timeoutMs?: number; backend?: string }): Promise<RunResult>;
export async function runIsolated(request: InterleavedRequest, options?: { timeoutMs?: number; backend?: string }): Promise<InterleavedResult>;
export async function runIsolated(request: RunRequest | InterleavedRequest, options: { timeoutMs?: number; backend?: string } = {}): Promise<RunResult | InterleavedResult> {
  const label = 'kind' in request ? `interleaved ${request.configs.map((c) => c.label).join(', ')}` : request.label;
  const dir = mkdtempSync(join(tmpdir(), 'paperproof-gcn-'));
  const file = join(dir, 'request.json');
  writeFileSync(file, JSON.stringify(request));
  const worker = join(ROOT, 'bench', 'gcn', 'worker.ts');
  if (!existsSync(worker)) throw new Error(`worker script ${worker} is missing`);
  try {
    const output = await new Promise<string>((resolvePromise, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', worker, file], {
        cwd: ROOT,
        env: { ...process.env, PAPERPROOF_BACKEND: options.backend ?? process.env.PAPERPROOF_BACKEND ?? 'auto' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 1_800_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolvePromise(stdout);
        else reject(new Error(`training run '${label}' failed in its child process (exit code ${code}): ${stderr.trim().split('\n').slice(-6).join('\n')}`));
      });
    });
    const last = output.trim().split('\n').pop() ?? '';
    const parsed = JSON.parse(last) as RunResult | InterleavedResult;
    return 'kind' in parsed ? parsed : { ...parsed, isolated: true };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
