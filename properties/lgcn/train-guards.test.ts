/**
 * Input guards of the GCN training code: every invalid size, setting, mode or shape raises
 * GraphValueError whose message names the bad value and what to use instead, and the smallest
 * valid values pass.
 */
import { beforeAll, describe } from 'vitest';
import { Rng } from '../../harness/rng';
import { selectBackend, tf } from '../../harness/tensor/backend';
import { caseInvariant } from '../../harness/testing/invariant';
import { GraphValueError, csrFromCoo, randomSplit, type Graph } from '../../impl/graph/index';
import { aggregate, checkShape, checkTrainingSettings, disposeOperator, prepareOperator, transformRows, type AggregationMode } from '../../impl/gcn/index';
import { L2_CORA, StopController, batchCount, fixedEpochs, trainL2gcn, trainLayer, warmupSchedule, type ControllerOptions, type L2Options, type LayerInput } from '../../impl/lgcn/index';

beforeAll(async () => {
  await selectBackend((process.env.PAPERPROOF_BACKEND ?? 'auto') as never);
});

/** The guarded entry points, replaceable one at a time by a negative control. */
interface Guards {
  checkTrainingSettings: (settings: Record<string, number>) => void;
  checkShape: typeof checkShape;
  batchCount: typeof batchCount;
  prepareOperator: typeof prepareOperator;
  aggregate: typeof aggregate;
  transformRows: typeof transformRows;
  trainLayer: typeof trainLayer;
  trainL2gcn: typeof trainL2gcn;
  warmupSchedule: typeof warmupSchedule;
  controller: (options: ControllerOptions) => StopController;
}

const real: Guards = {
  checkTrainingSettings,
  checkShape,
  batchCount,
  prepareOperator,
  aggregate,
  transformRows,
  trainLayer,
  trainL2gcn,
  warmupSchedule,
  controller: (options) => new StopController(options, new Rng(7)),
};

/** A 4-node path graph with two classes, enough for the guards that need a graph. */
const pathGraph: Graph = {
  name: 'generated: path of 4 nodes',
  nodes: 4,
  adjacency: csrFromCoo(4, 4, [0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]),
  features: Float32Array.from([1, 0, 1, 0, 0, 1, 0, 1]),
  featureCount: 2,
  labels: Int32Array.from([0, 0, 1, 1]),
  classCount: 2,
};
const pathSplit = randomSplit(4, { train: 2, validation: 1, test: 1 }, 3);
const lgcnOptions = { layers: 1, hidden: 2, learningRate: 0.01, batchSize: 4, dropLast: false, normalization: { kind: 'lgcn' as const }, seed: 1 };
const controllerOptions: ControllerOptions = { layers: 2, length: 3, learningRate: 0.05, baselineInit: 0.3, baselineRatio: 0.9 };

function layerInput(overrides: Partial<LayerInput>): LayerInput {
  return {
    aggregated: new Float32Array(8),
    width: 2,
    labels: Int32Array.from([0, 1, 0, 1]),
    classes: 2,
    hidden: 2,
    learningRate: 0.01,
    batchSize: 4,
    dropLast: false,
    layer: 0,
    globalEpochStart: 0,
    policy: fixedEpochs(1),
    rng: new Rng(1),
    profile: false,
    ...overrides,
  };
}

/** A call that must raise GraphValueError whose message contains every listed fragment. */
interface RejectCase {
  name: string;
  call: (guards: Guards) => unknown;
  mentions: string[];
}

/** A call on the smallest valid values, which must succeed. */
interface AcceptCase {
  name: string;
  call: (guards: Guards) => unknown;
}

function l2(overrides: Partial<L2Options>): L2Options {
  return { ...L2_CORA, ...overrides };
}

const rejects: RejectCase[] = [
  { name: 'learning rate 0', call: (g) => g.checkTrainingSettings({ learningRate: 0 }), mentions: ['learningRate = 0', 'finite positive'] },
  { name: 'learning rate NaN', call: (g) => g.checkTrainingSettings({ learningRate: Number.NaN }), mentions: ['learningRate = NaN', 'finite positive'] },
  { name: 'learning rate Infinity', call: (g) => g.checkTrainingSettings({ learningRate: Number.POSITIVE_INFINITY }), mentions: ['learningRate = Infinity'] },
  { name: 'negative weight decay', call: (g) => g.checkTrainingSettings({ weightDecay: -0.5 }), mentions: ['weightDecay = -0.5', 'non-negative'] },
  { name: 'infinite weight decay', call: (g) => g.checkTrainingSettings({ weightDecay: Number.POSITIVE_INFINITY }), mentions: ['weightDecay = Infinity'] },
  { name: 'negative epochs', call: (g) => g.checkTrainingSettings({ epochs: -1 }), mentions: ['epochs = -1', 'integer ≥ 0'] },
  { name: 'fractional epochs', call: (g) => g.checkTrainingSettings({ epochs: 2.5 }), mentions: ['epochs = 2.5', 'integer ≥ 0'] },
  { name: 'zero layers', call: (g) => g.checkTrainingSettings({ layers: 0 }), mentions: ['layers = 0', 'integer ≥ 1'] },
  { name: 'fractional hidden', call: (g) => g.checkTrainingSettings({ hidden: 1.5 }), mentions: ['hidden = 1.5', 'integer ≥ 1'] },
  { name: 'zero GCN hidden', call: (g) => g.checkShape({ inputs: 3, hidden: 0, layers: 1, classes: 2 }), mentions: ['GCN hidden', 'positive integer', 'got 0'] },
  { name: 'fractional GCN classes', call: (g) => g.checkShape({ inputs: 3, hidden: 1, layers: 1, classes: 2.5 }), mentions: ['GCN classes', 'positive integer', 'got 2.5'] },
  { name: 'batch size 0', call: (g) => g.batchCount(10, 0, false), mentions: ['batchSize', 'positive integer', 'got 0'] },
  { name: 'fractional batch size', call: (g) => g.batchCount(10, 2.5, true), mentions: ['batchSize', 'got 2.5'] },
  { name: 'no training rows', call: (g) => g.batchCount(0, 4, false), mentions: ['no training rows', 'empty training set'] },
  { name: 'unknown aggregation mode', call: (g) => g.prepareOperator(pathGraph.adjacency, 'dense' as AggregationMode), mentions: ["'dense'", "'kernel' or 'segment'"] },
  {
    name: 'aggregation with too few feature rows',
    call: (g) => {
      const operator = g.prepareOperator(pathGraph.adjacency);
      try {
        return tf.tidy(() => g.aggregate(operator, tf.zeros([3, 2])));
      } finally {
        disposeOperator(operator);
      }
    },
    mentions: ['adjacency is 4×4', 'features have 3 rows'],
  },
  {
    name: 'transform with a weight of the wrong width',
    call: (g) => {
      const weight = tf.zeros([3, 2]) as tf.Tensor2D;
      try {
        return g.transformRows(new Float32Array(8), 2, weight);
      } finally {
        weight.dispose();
      }
    },
    mentions: ['features are 2 wide', 'weight is 3×2'],
  },
  { name: 'layer input of the wrong length', call: (g) => g.trainLayer(layerInput({ aggregated: new Float32Array(7) })), mentions: ['7 values', '4 × 2'] },
  { name: 'controller with 0 layers', call: (g) => g.controller({ ...controllerOptions, layers: 0 }), mentions: ['controller layers', 'positive integer', 'got 0'] },
  { name: 'controller with fractional layers', call: (g) => g.controller({ ...controllerOptions, layers: 1.5 }), mentions: ['controller layers', 'got 1.5'] },
  { name: 'controller of length 0', call: (g) => g.controller({ ...controllerOptions, length: 0 }), mentions: ['length T', 'positive integer', 'got 0'] },
  { name: 'controller of fractional length', call: (g) => g.controller({ ...controllerOptions, length: 2.5 }), mentions: ['length T', 'got 2.5'] },
  { name: 'baseline ratio 1', call: (g) => g.controller({ ...controllerOptions, baselineRatio: 1 }), mentions: ['baselineRatio', '[0, 1)', 'got 1'] },
  { name: 'negative baseline ratio', call: (g) => g.controller({ ...controllerOptions, baselineRatio: -0.1 }), mentions: ['baselineRatio', 'got -0.1'] },
  {
    name: 'controller fed a NaN loss',
    call: (g) => withController(g, (c) => c.stopProbability(0, 0, Number.NaN, 1, 0)),
    mentions: ['non-finite training loss', 'NaN', 'diverged'],
  },
  {
    name: 'controller fed a NaN first loss',
    call: (g) => withController(g, (c) => c.stopProbability(0, 0, 1, Number.NaN, 0)),
    mentions: ['non-finite training loss', 'first NaN'],
  },
  { name: 'infinite episode cost', call: (g) => withController(g, (c) => c.finishEpisode(Number.POSITIVE_INFINITY)), mentions: ['episode cost is Infinity', 'finite'] },
  { name: 'warm-up with fewer decisions than layers', call: (g) => g.warmupSchedule(3, 2, 0, new Rng(1)), mentions: ['T = 2', '3 layers'] },
  { name: 'negative L² rounds', call: (g) => g.trainL2gcn(pathGraph, pathSplit, lgcnOptions, l2({ rounds: -1 })), mentions: ['rounds = -1', 'non-negative integer'] },
  { name: 'fractional L² warm-up rounds', call: (g) => g.trainL2gcn(pathGraph, pathSplit, lgcnOptions, l2({ warmupRounds: 0.5 })), mentions: ['warmupRounds = 0.5', 'non-negative integer'] },
  { name: 'negative L² minEpochs', call: (g) => g.trainL2gcn(pathGraph, pathSplit, lgcnOptions, l2({ minEpochs: -1 })), mentions: ['minEpochs = -1', 'non-negative integer'] },
  { name: 'L² decision step 0', call: (g) => g.trainL2gcn(pathGraph, pathSplit, lgcnOptions, l2({ decisionStep: 0 })), mentions: ['decisionStep = 0', 'positive integer'] },
  { name: 'L² controller length 0', call: (g) => g.trainL2gcn(pathGraph, pathSplit, lgcnOptions, l2({ controllerLength: 0 })), mentions: ['controllerLength = 0', 'positive integer'] },
  { name: 'L² sample of 0 nodes', call: (g) => g.trainL2gcn(pathGraph, pathSplit, lgcnOptions, l2({ sampleNodes: 0 })), mentions: ['sampleNodes = 0', 'positive integer'] },
  { name: 'L² maxEpochs below minEpochs', call: (g) => g.trainL2gcn(pathGraph, pathSplit, lgcnOptions, l2({ minEpochs: 5, maxEpochs: 4 })), mentions: ['maxEpochs (4)', 'minEpochs (5)'] },
  { name: 'negative L² time ratio', call: (g) => g.trainL2gcn(pathGraph, pathSplit, lgcnOptions, l2({ timeRatio: -1 })), mentions: ['timeRatio', 'got -1 and'] },
  { name: 'L² controller learning rate 0', call: (g) => g.trainL2gcn(pathGraph, pathSplit, lgcnOptions, l2({ controllerLearningRate: 0 })), mentions: ['controllerLearningRate > 0', 'and 0'] },
];

const accepts: AcceptCase[] = [
  { name: 'smallest valid training settings', call: (g) => g.checkTrainingSettings({ learningRate: 1e-9, weightDecay: 0, epochs: 0, layers: 1, hidden: 1, batchSize: 1 }) },
  { name: 'GCN of size 1 everywhere', call: (g) => g.checkShape({ inputs: 1, hidden: 1, layers: 1, classes: 1 }) },
  { name: 'batch size 1', call: (g) => g.batchCount(3, 1, true) },
  { name: 'segment aggregation mode', call: (g) => disposeOperator(g.prepareOperator(pathGraph.adjacency, 'segment')) },
  { name: 'controller of one layer and one head with ratio 0', call: (g) => g.controller({ layers: 1, length: 1, learningRate: 0.05, baselineInit: 0, baselineRatio: 0 }).dispose() },
  { name: 'warm-up with as many decisions as layers', call: (g) => g.warmupSchedule(2, 2, 0, new Rng(1)) },
  {
    name: 'L² without search rounds or a minimum',
    call: (g) => g.trainL2gcn(pathGraph, pathSplit, lgcnOptions, l2({ rounds: 0, warmupRounds: 0, minEpochs: 0, maxEpochs: 1, decisionStep: 1, controllerLength: 1, sampleNodes: 1 })),
  },
];

function withController(guards: Guards, use: (controller: StopController) => unknown): unknown {
  const controller = guards.controller(controllerOptions);
  try {
    return use(controller);
  } finally {
    controller.dispose();
  }
}

async function checkGuards(guards: Guards): Promise<{ runs: number; failures: string[] }> {
  const failures: string[] = [];
  for (const c of rejects) {
    let error: unknown = null;
    try {
      await c.call(guards);
    } catch (thrown) {
      error = thrown;
    }
    if (!(error instanceof GraphValueError)) {
      failures.push(`${c.name}: expected GraphValueError, got ${error === null ? 'no error' : String(error)}`);
      continue;
    }
    const missing = c.mentions.filter((fragment) => !error.message.includes(fragment));
    if (missing.length > 0) failures.push(`${c.name}: message '${error.message}' lacks ${missing.map((m) => `'${m}'`).join(', ')}`);
  }
  for (const c of accepts) {
    try {
      await c.call(guards);
    } catch (thrown) {
      failures.push(`${c.name}: rejected with ${String(thrown)}`);
    }
  }
  return { runs: rejects.length + accepts.length, failures };
}

describe('GCN training guards', () => {
  caseInvariant<Guards>({
    id: 'lgcn/training-guards',
    subject: real,
    controls: [
      {
        name: 'accepts a learning rate of zero',
        subject: { ...real, checkTrainingSettings: (settings) => checkTrainingSettings(Object.fromEntries(Object.entries(settings).filter(([key]) => key !== 'learningRate'))) },
      },
      {
        name: 'error message without the bad value',
        subject: {
          ...real,
          controller: (options) => {
            try {
              return real.controller(options);
            } catch {
              throw new GraphValueError('invalid controller options');
            }
          },
        },
      },
    ],
    check: checkGuards,
  });
});
