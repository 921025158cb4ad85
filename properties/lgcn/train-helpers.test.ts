/**
 * The small pieces that the training procedures are built from, each against a direct float64 or
 * integer oracle. They are accuracy, median, CSR byte counts, Glorot initialisation, head
 * clamping, the stop rule, fixed-epoch policies, chunked transforms, the masked loss and the
 * sparse operator.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { Rng } from '../../harness/rng';
import { deriveSeed, masterSeedFromEnv } from '../../harness/seed';
import { selectBackend, tf } from '../../harness/tensor/backend';
import { propertyInvariant } from '../../harness/testing/invariant';
import { csrFromCoo, nnz, type CsrMatrix, type DenseMatrix } from '../../impl/graph/index';
import {
  CHUNK_ROWS,
  FULL_BATCH_DEFAULTS,
  accuracy,
  aggregate,
  csrBytes,
  disposeOperator,
  forwardOracle,
  glorot,
  initWeights,
  maskedCrossEntropy,
  median,
  prepareOperator,
  profilePeakBytes,
  transformRows,
} from '../../impl/gcn/index';
import { L2_CORA, LGCN_CORA, clampHead, fixedEpochs, stopRule, type StopRuleInput } from '../../impl/lgcn/index';
import { crossEntropyOracle, gcnCase } from './_graphs';

beforeAll(async () => {
  await selectBackend((process.env.PAPERPROOF_BACKEND ?? 'auto') as never);
});

/** The helpers under test, replaceable one at a time by a negative control. */
interface Helpers {
  accuracy: typeof accuracy;
  median: typeof median;
  csrBytes: typeof csrBytes;
  glorot: typeof glorot;
  clampHead: typeof clampHead;
  stopRule: typeof stopRule;
}

const real: Helpers = { accuracy, median, csrBytes, glorot, clampHead, stopRule };

/** Fraction of `nodes` whose first maximal logit sits at their label. */
function accuracyOracle(logits: ArrayLike<number>, classes: number, labels: ArrayLike<number>, nodes: readonly number[]): number {
  if (nodes.length === 0) return Number.NaN;
  let correct = 0;
  for (const v of nodes) {
    const row = Array.from({ length: classes }, (_, c) => logits[v * classes + c]!);
    if (row.indexOf(Math.max(...row)) === labels[v]) correct++;
  }
  return correct / nodes.length;
}

function medianOracle(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const lower = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const upper = sorted[Math.ceil((sorted.length - 1) / 2)]!;
  return (lower + upper) / 2;
}

/** Logits on a coarse integer grid, so ties between classes are common. */
const accuracyCase = fc
  .record({ nodes: fc.integer({ min: 1, max: 12 }), classes: fc.integer({ min: 2, max: 5 }) })
  .chain(({ nodes, classes }) =>
    fc.record({
      classes: fc.constant(classes),
      logits: fc.array(fc.integer({ min: -2, max: 2 }), { minLength: nodes * classes, maxLength: nodes * classes }).map((v) => Float32Array.from(v)),
      labels: fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: nodes, maxLength: nodes }).map((v) => Int32Array.from(v)),
      subset: fc.uniqueArray(fc.integer({ min: 0, max: nodes - 1 }), { maxLength: nodes }),
    }),
  );

const csrCase = fc
  .record({ rows: fc.integer({ min: 1, max: 9 }), cols: fc.integer({ min: 1, max: 9 }) })
  .chain(({ rows, cols }) =>
    fc.array(fc.tuple(fc.integer({ min: 0, max: rows - 1 }), fc.integer({ min: 0, max: cols - 1 })), { maxLength: 20 }).map((pairs) =>
      csrFromCoo(rows, cols, pairs.map((p) => p[0]), pairs.map((p) => p[1])),
    ),
  );

const stopCase: fc.Arbitrary<StopRuleInput> = fc
  .record({
    pStop: fc.double({ min: 0, max: 1, noNaN: true }),
    threshold: fc.double({ min: 0, max: 1, noNaN: true }),
    epochInLayer: fc.integer({ min: 1, max: 40 }),
    minEpochs: fc.integer({ min: 0, max: 20 }),
    span: fc.integer({ min: 0, max: 20 }),
  })
  .map(({ span, ...rest }) => ({ ...rest, maxEpochs: rest.minEpochs + span }));

const helperCase = fc.record({
  accuracy: accuracyCase,
  values: fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 9 }),
  csr: csrCase,
  glorotShape: fc.record({ rows: fc.integer({ min: 1, max: 12 }), cols: fc.integer({ min: 1, max: 12 }), seed: fc.integer() }),
  head: fc.record({ k: fc.integer({ min: -3, max: 30 }), length: fc.integer({ min: 1, max: 8 }) }),
  stop: stopCase,
});

type HelperCase = typeof helperCase extends fc.Arbitrary<infer T> ? T : never;

/** Returns the first failed check of the helpers on one generated case, or null. */
function firstHelperFailure(h: Helpers, c: HelperCase): string | null {
  const { logits, classes, labels, subset } = c.accuracy;
  const expectedAccuracy = accuracyOracle(logits, classes, labels, subset);
  const actualAccuracy = h.accuracy(logits, classes, labels, subset);
  if (!Object.is(actualAccuracy, expectedAccuracy)) return `accuracy ${actualAccuracy}, expected ${expectedAccuracy}`;

  const expectedMedian = medianOracle(c.values);
  const actualMedian = h.median(c.values);
  if (!Object.is(actualMedian, expectedMedian)) return `median of [${c.values}] is ${actualMedian}, expected ${expectedMedian}`;

  const bytes = h.csrBytes(c.csr);
  if (bytes !== 4 * (c.csr.rows + 1) + 12 * nnz(c.csr)) return `csrBytes ${bytes} for ${c.csr.rows} rows and ${nnz(c.csr)} entries`;

  const { rows, cols, seed } = c.glorotShape;
  const limit = Math.sqrt(6 / (rows + cols));
  const weights = h.glorot(rows, cols, new Rng(seed));
  if (weights.rows !== rows || weights.cols !== cols || weights.data.length !== rows * cols) return `glorot shape ${weights.rows}×${weights.cols}, expected ${rows}×${cols}`;
  if (!weights.data.every((w) => Math.abs(w) <= limit)) return `glorot entry outside ±${limit}`;
  // For 20 or more uniform draws on [−a, a], the chance that none lies beyond a/2 is below 1e-6.
  if (rows * cols >= 20 && !weights.data.some((w) => Math.abs(w) > limit / 2)) return `glorot entries all within ±${limit / 2}`;

  const head = h.clampHead(c.head.k, c.head.length);
  const expectedHead = Math.min(Math.max(0, c.head.k), c.head.length - 1);
  if (head !== expectedHead) return `clampHead(${c.head.k}, ${c.head.length}) = ${head}, expected ${expectedHead}`;

  const s = c.stop;
  const expectedStop = (s.pStop >= s.threshold && s.epochInLayer > s.minEpochs) || s.epochInLayer > s.maxEpochs;
  if (h.stopRule(s) !== expectedStop) return `stopRule(${JSON.stringify(s)}) should be ${expectedStop}`;
  return null;
}

describe('GCN training helpers', () => {
  propertyInvariant<Helpers>({
    id: 'lgcn/training-helpers',
    subject: real,
    controls: [
      {
        name: 'accuracy takes the last arg-max on ties',
        subject: {
          ...real,
          accuracy: (logits, classes, labels, nodes) => {
            let correct = 0;
            for (let t = 0; t < nodes.length; t++) {
              const v = nodes[t]!;
              let best = 0;
              for (let c = 1; c < classes; c++) if (logits[v * classes + c]! >= logits[v * classes + best]!) best = c;
              if (best === labels[v]) correct++;
            }
            return nodes.length === 0 ? Number.NaN : correct / nodes.length;
          },
        },
      },
      { name: 'median of the unsorted values', subject: { ...real, median: (values) => (values.length === 0 ? Number.NaN : values[values.length >> 1]!) } },
    ],
    numRuns: { quick: 200, full: 2000 },
    property: (h) =>
      fc.property(helperCase, (c) => {
        const failure = firstHelperFailure(h, c);
        if (failure !== null) throw new Error(failure);
      }),
  });

  test('lgcn/training-helpers published default settings', () => {
    // Kipf and Welling's Cora settings, and the Cora configuration of the released L²-GCN code.
    expect(FULL_BATCH_DEFAULTS).toEqual({ layers: 2, hidden: 16, epochs: 200, learningRate: 0.01, weightDecay: 5e-4, normalization: { kind: 'symmetric' }, aggregation: 'kernel' });
    expect(LGCN_CORA).toEqual({ layers: 2, hidden: 16, learningRate: 0.005, batchSize: 256, dropLast: true, normalization: { kind: 'lgcn' }, epochsPerLayer: 80 });
    expect(L2_CORA).toEqual({
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
    });
  });

  test('lgcn/training-helpers fixed-epoch policies', () => {
    const uniform = fixedEpochs(3);
    expect(uniform.describe()).toBe('fixed 3 epochs per layer');
    expect([1, 2, 3, 4].map((e) => uniform.afterEpoch({ layer: 5, epochInLayer: e, globalEpoch: e, loss: 1 }))).toEqual([false, false, true, true]);

    // Layers past the end of the list reuse its last entry.
    const perLayer = fixedEpochs([2, 4]);
    expect(perLayer.describe()).toBe('fixed 2/4 epochs per layer');
    const stopsAt = (layer: number) => [1, 2, 3, 4, 5].find((e) => perLayer.afterEpoch({ layer, epochInLayer: e, globalEpoch: e, loss: 1 }));
    expect(stopsAt(0)).toBe(2);
    expect(stopsAt(1)).toBe(4);
    expect(stopsAt(2)).toBe(4);
    expect(() => perLayer.startLayer(0)).not.toThrow();
  });

  test('lgcn/training-helpers chunked transform matches a host product', () => {
    // More rows than one chunk, so the second chunk's offsets are exercised.
    const rows = CHUNK_ROWS + 37;
    const width = 3;
    const rng = new Rng(deriveSeed(masterSeedFromEnv(), 'lgcn/training-helpers chunks'));
    const features = Float32Array.from({ length: rows * width }, () => Math.round(8 * (2 * rng.float() - 1)) / 8);
    const weightValues = [0.5, -1, 0.25, 1, -0.5, 2];
    const weight = tf.tensor2d(weightValues, [width, 2]);
    try {
      const activated = transformRows(features, width, weight);
      const linear = transformRows(features, width, weight, false);
      expect(activated.length).toBe(rows * 2);
      expect(linear.length).toBe(rows * 2);
      let mismatches = 0;
      let negatives = 0;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < 2; c++) {
          let sum = 0;
          for (let k = 0; k < width; k++) sum += features[r * width + k]! * weightValues[k * 2 + c]!;
          if (Math.abs(linear[r * 2 + c]! - sum) > 1e-5 || Math.abs(activated[r * 2 + c]! - Math.max(0, sum)) > 1e-5) mismatches++;
          if (sum < 0) negatives++;
        }
      }
      expect(mismatches).toBe(0);
      expect(negatives).toBeGreaterThan(0);
    } finally {
      weight.dispose();
    }
  });

  test('lgcn/training-helpers initial weights and oracle layers', () => {
    const weights = initWeights({ inputs: 5, hidden: 3, layers: 3, classes: 4 }, new Rng(11));
    expect(weights.layers.map((w) => [w.rows, w.cols])).toEqual([[5, 3], [3, 3], [3, 3]]);
    expect([weights.classifier.rows, weights.classifier.cols]).toEqual([3, 4]);
    expect(weights.classifier.data.length).toBe(12);

    const adjacency = csrFromCoo(2, 2, [0, 1], [1, 0]);
    const features: DenseMatrix = { rows: 2, cols: 5, data: Float64Array.from({ length: 10 }, (_, k) => k / 10) };
    expect(forwardOracle(adjacency, features, weights).hidden).toHaveLength(3);
  });

  test('lgcn/training-helpers masked cross-entropy', () => {
    fc.assert(
      fc.property(gcnCase({ minNodes: 2, maxNodes: 8 }), fc.integer({ min: 1, max: 255 }), (c, maskBits) => {
        const logits: DenseMatrix = c.features.cols >= 2 ? { rows: c.graph.n, cols: c.classes, data: Float64Array.from({ length: c.graph.n * c.classes }, (_, k) => c.features.data[k % c.features.data.length]!) } : { rows: c.graph.n, cols: c.classes, data: new Float64Array(c.graph.n * c.classes) };
        const selected = Array.from({ length: c.graph.n }, (_, v) => v).filter((v) => (maskBits >> (v % 8)) & 1);
        if (selected.length === 0) return;
        const all = Array.from({ length: c.graph.n }, (_, v) => v);
        const maskValues = Float32Array.from(all, (v) => (selected.includes(v) ? 1 : 0));
        const [unmasked, masked] = tf.tidy(() => {
          const z = tf.tensor2d(Float32Array.from(logits.data), [logits.rows, logits.cols]);
          const y = tf.tensor1d(c.labels, 'int32');
          return [maskedCrossEntropy(z, y, c.classes, null).dataSync()[0]!, maskedCrossEntropy(z, y, c.classes, tf.tensor1d(maskValues)).dataSync()[0]!];
        });
        expect(unmasked).toBeCloseTo(crossEntropyOracle(logits, c.labels, all), 4);
        expect(masked).toBeCloseTo(crossEntropyOracle(logits, c.labels, selected), 4);
      }),
      { seed: deriveSeed(masterSeedFromEnv(), 'lgcn/training-helpers masked loss'), numRuns: 40 },
    );
  });

  test('lgcn/training-helpers sparse operator routes', async () => {
    const adjacency: CsrMatrix = csrFromCoo(3, 3, [0, 1, 1, 2], [1, 0, 2, 1], [0.5, 0.5, 0.25, 0.25]);
    const before = tf.memory().numTensors;

    const kernel = prepareOperator(adjacency, 'kernel');
    expect(kernel.mode).toBe('kernel');
    expect(kernel.coo).toBeNull();
    disposeOperator(kernel);

    const segment = prepareOperator(adjacency, 'segment');
    expect(segment.mode).toBe('segment');
    expect(segment.coo).not.toBeNull();
    expect(Array.from(segment.coo!.rows.dataSync())).toEqual([0, 1, 1, 2]);
    const h = tf.tensor2d([1, 2, 3], [3, 1]);
    const profile = await tf.profile(() => {
      aggregate(segment, h).dispose();
    });
    expect(profile.kernelNames).toContain('UnsortedSegmentSum');
    h.dispose();
    disposeOperator(segment);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('lgcn/training-helpers profiled peak bytes', async () => {
    let ran = false;
    const peak = await profilePeakBytes(() => {
      ran = true;
      // tf.profile takes the peak over kernel launches, so the step must run a kernel (the add).
      tf.tidy(() => tf.add(tf.zeros([64, 8]), 1));
    });
    expect(ran).toBe(true);
    expect(peak).toBeGreaterThanOrEqual(64 * 8 * 4);
  });
});
