/**
 * L²-GCN: L-GCN whose epochs per layer are chosen by the learned stop controller.
 *
 * Search phase (`rounds` episodes): sample `sampleNodes` training nodes, normalise their induced
 * subgraph, train a fresh L-GCN on it with full-batch steps, and consult the controller every
 * `decisionStep` epochs (global count). The first `5·warmupRounds` episodes execute predefined
 * stop schedules: the last layer stops at decision T−1, and earlier layers stop at random
 * decisions in four rounds of five and at evenly spaced ones in the fifth. Like the released code,
 * the gradient still uses the log-probabilities of the actions the controller sampled itself.
 * Later episodes execute the sampled actions. Each episode ends with a REINFORCE step on cost
 * ℓ_final + timeRatio·steps.
 *
 * NOTE: how the released code lays out warm-up schedules over the T decisions is read from a
 * description of it, not from running it; this port spreads the L stops over one run of T
 * decisions.
 *
 * Then the stop threshold is the mean stop probability seen during the search, and L-GCN trains
 * on the full training graph, stopping a layer at a decision epoch when
 * (p_stop ≥ threshold and epochs > minEpochs) or epochs > maxEpochs.
 */
import { Rng } from '../../harness/rng';
import { GraphValueError } from '../graph/errors';
import { inducedSubgraph, type Graph } from '../graph/graph';
import { normalizeAdjacency } from '../graph/normalize';
import { spmmFloat32 } from '../graph/csr';
import type { NodeSplit } from '../graph/split';
import type { GcnWeights } from '../gcn/model';
import type { TrainingReport } from '../gcn/report';
import { StopController } from './controller';
import { trainLayer, trainLgcn, type LgcnOptions } from './layerwise';
import { gatherRows } from '../gcn/propagate';
import { stopRule, type StopPolicy } from './stop';

/** Settings of the L² search and of the controller-driven training. */
export interface L2Options {
  /** Episodes of the search phase (`total_round`). */
  rounds: number;
  /** `init_round`: the first 5·warmupRounds episodes follow predefined schedules. */
  warmupRounds: number;
  decisionStep: number;
  /** Number of decision heads `T` (`controller_len`). */
  controllerLength: number;
  minEpochs: number;
  maxEpochs: number;
  sampleNodes: number;
  timeRatio: number;
  controllerLearningRate: number;
  baselineInit: number;
  baselineRatio: number;
}

/** Cora settings of the released code (`config/cora.yaml`). */
export const L2_CORA: L2Options = {
  rounds: 50,
  warmupRounds: 10,
  decisionStep: 10,
  controllerLength: 20,
  minEpochs: 35,
  maxEpochs: 95,
  sampleNodes: 1024,
  timeRatio: 1e-4,
  controllerLearningRate: 0.05,
  baselineInit: 0.3,
  baselineRatio: 0.9,
};

/** Outcome of the search phase. */
export interface SearchOutcome {
  threshold: number;
  episodes: number;
  millis: number;
  /** Episode costs in order. */
  costs: number[];
  /** Every stop probability the controller produced. */
  stopProbabilities: number[];
}

/**
 * Returns the decision index at which each layer stops in a predefined warm-up schedule:
 * strictly increasing, the last one `T − 1`. Round `round % 5 === 4` spaces them evenly;
 * the other rounds draw the earlier ones at random.
 */
export function warmupSchedule(layers: number, length: number, round: number, rng: Rng): number[] {
  if (length < layers) throw new GraphValueError(`controller length T = ${length} is smaller than the ${layers} layers; every layer needs a decision`);
  if (round % 5 === 4) return Array.from({ length: layers }, (_, l) => Math.round(((l + 1) * length) / layers) - 1);
  const pool = rng.shuffle(Array.from({ length: length - 1 }, (_, k) => k)).slice(0, layers - 1).sort((a, b) => a - b);
  return [...pool, length - 1];
}

/**
 * Runs the search phase and returns the learned threshold.
 */
export async function searchController(graph: Graph, split: NodeSplit, options: LgcnOptions, l2: L2Options, controller: StopController, rng: Rng): Promise<SearchOutcome> {
  checkL2(l2);
  const started = performance.now();
  const costs: number[] = [];
  const stopProbabilities: number[] = [];
  for (let round = 0; round < l2.rounds; round++) {
    const sample = Int32Array.from(rng.shuffle(Array.from(split.train)).slice(0, Math.min(l2.sampleNodes, split.train.length))).sort();
    const adjacency = normalizeAdjacency(inducedSubgraph(graph.adjacency, sample), options.normalization);
    const labels = Int32Array.from(sample, (v) => graph.labels[v]!);
    const schedule = round < 5 * l2.warmupRounds ? warmupSchedule(options.layers, l2.controllerLength, round, rng) : null;
    controller.reset();

    let h = gatherRows(graph.features, graph.featureCount, sample);
    let width = graph.featureCount;
    let globalEpoch = 0;
    let decision = 0;
    let previousAction: 0 | 1 = 0;
    let loss0 = Number.NaN;
    let steps = 0;
    let lastLoss = Number.NaN;
    for (let layer = 0; layer < options.layers; layer++) {
      const policy: StopPolicy = {
        startLayer: () => {},
        describe: () => 'controller search episode',
        afterEpoch: (info) => {
          if (info.globalEpoch % l2.decisionStep !== 0) return false;
          if (Number.isNaN(loss0)) loss0 = info.loss;
          const { pStop, record } = controller.stopProbability(decision, layer, info.loss, loss0, previousAction);
          stopProbabilities.push(pStop);
          const sampled = StopController.sample(pStop, rng);
          controller.recordAction(record, sampled);
          let stop: boolean = schedule === null ? sampled === 1 : decision >= schedule[layer]!;
          // An episode has T decisions: the last layer ends at the last one, and an earlier layer
          // must leave one decision for each layer after it.
          if (decision >= l2.controllerLength - (options.layers - layer)) stop = true;
          decision++;
          previousAction = stop ? 1 : 0;
          return stop;
        },
      };
      const aggregated = spmmFloat32(adjacency, h, width);
      const outcome = await trainLayer({
        aggregated, width, labels, classes: graph.classCount, hidden: options.hidden, learningRate: options.learningRate, batchSize: sample.length,
        dropLast: false, layer, globalEpochStart: globalEpoch, policy, rng, profile: false,
      });
      globalEpoch += outcome.epochs;
      steps += outcome.steps;
      lastLoss = outcome.lastLoss;
      h = outcome.next;
      width = options.hidden;
    }
    const cost = lastLoss + l2.timeRatio * steps;
    costs.push(cost);
    controller.finishEpisode(cost);
  }
  const threshold = stopProbabilities.reduce((a, b) => a + b, 0) / Math.max(1, stopProbabilities.length);
  return { threshold, episodes: l2.rounds, millis: performance.now() - started, costs, stopProbabilities };
}

/** Returns the stop policy of the training phase: the controller consulted every `decisionStep` epochs. */
export function controllerPolicy(controller: StopController, threshold: number, l2: L2Options): StopPolicy & { pStops: number[] } {
  let decision = 0;
  let previousAction: 0 | 1 = 0;
  let loss0 = Number.NaN;
  const pStops: number[] = [];
  return {
    pStops,
    startLayer: () => {},
    describe: () => `L² controller: stop when p_stop ≥ ${threshold.toFixed(4)} after more than ${l2.minEpochs} epochs, or after more than ${l2.maxEpochs}; decisions every ${l2.decisionStep} epochs`,
    afterEpoch: (info) => {
      if (info.globalEpoch % l2.decisionStep !== 0) return false;
      if (Number.isNaN(loss0)) loss0 = info.loss;
      const { pStop } = controller.stopProbability(decision, info.layer, info.loss, loss0, previousAction);
      pStops.push(pStop);
      decision++;
      const stop = stopRule({ pStop, threshold, epochInLayer: info.epochInLayer, minEpochs: l2.minEpochs, maxEpochs: l2.maxEpochs });
      previousAction = stop ? 1 : 0;
      return stop;
    },
  };
}

/**
 * Trains a GCN with L²-GCN: controller search, then controller-driven L-GCN.
 */
export async function trainL2gcn(graph: Graph, split: NodeSplit, options: LgcnOptions, l2: L2Options): Promise<TrainingReport & { weights: GcnWeights; epochsPerLayer: number[]; search: SearchOutcome }> {
  checkL2(l2);
  const rng = new Rng(options.seed).fork('l2-controller');
  const controller = new StopController({ layers: options.layers, length: l2.controllerLength, learningRate: l2.controllerLearningRate, baselineInit: l2.baselineInit, baselineRatio: l2.baselineRatio }, rng);
  try {
    const search = await searchController(graph, split, options, l2, controller, rng);
    controller.reset();
    const policy = controllerPolicy(controller, search.threshold, l2);
    const report = await trainLgcn(graph, split, options, policy);
    return {
      ...report,
      method: 'L²-GCN',
      notes: [...report.notes, `controller search: ${search.episodes} episodes in ${search.millis.toFixed(0)} ms, threshold ${search.threshold.toFixed(4)} (mean stop probability during the search)`],
      search,
    };
  } finally {
    controller.dispose();
  }
}

function checkL2(l2: L2Options): void {
  for (const key of ['rounds', 'warmupRounds', 'decisionStep', 'controllerLength', 'minEpochs', 'maxEpochs', 'sampleNodes'] as const) {
    const value = l2[key];
    if (!Number.isSafeInteger(value) || value < (key === 'rounds' || key === 'warmupRounds' || key === 'minEpochs' ? 0 : 1)) throw new GraphValueError(`L² setting ${key} = ${value} is invalid; use a ${key === 'rounds' || key === 'warmupRounds' || key === 'minEpochs' ? 'non-negative' : 'positive'} integer`);
  }
  if (l2.maxEpochs < l2.minEpochs) throw new GraphValueError(`L² maxEpochs (${l2.maxEpochs}) must be at least minEpochs (${l2.minEpochs})`);
  if (!(l2.timeRatio >= 0) || !(l2.controllerLearningRate > 0)) throw new GraphValueError(`L² timeRatio must be ≥ 0 and controllerLearningRate > 0, got ${l2.timeRatio} and ${l2.controllerLearningRate}`);
}
