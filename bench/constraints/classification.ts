/**
 * Classification whose outputs must be probability vectors with no class above 0.9:
 *
 *   Ω = { y ∈ R⁵ : Σ y = 1, 0 ≤ y ≤ 0.9 }
 *
 * Four heads on the same trunk (10 → 32 ReLU → 5) and the same data: the ray layer, the central
 * projection, the Euclidean projection, and an unconstrained linear head trained with a penalty
 * on the constraint violation. Loss: negative log-likelihood of the true class, log(max(y, 1e-6)).
 */
import { gaussianVector } from '../../harness/arbitraries/numeric';
import { RESIDUAL_TOLERANCE } from '../../harness/numeric';
import { forProfile } from '../../harness/profile';
import type { Rng } from '../../harness/rng';
import { tf } from '../../harness/tensor/backend';
import type { Experiment, ExperimentReport } from '../../harness/runner';
import { ConstraintLayer, createEuclideanProjectionOp, feasibilityReport, prepareConstraintSet, type ConstraintSetSpec, type PreparedSet } from '../../impl/constraints/index';

const CLASSES = 5;
const FEATURES = 10;
const HIDDEN = 32;
const CAP = 0.9;
const PENALTY_WEIGHT = 10;
/** Accuracy the layer may lose against the penalty network and still count as comparable (the suite's margin). */
const MARGIN = 0.05;

const SPEC: ConstraintSetSpec = {
  dimension: CLASSES,
  equality: { C: [new Array<number>(CLASSES).fill(1)], e: [1] },
  box: { lower: new Array<number>(CLASSES).fill(0), upper: new Array<number>(CLASSES).fill(CAP) },
};

type HeadName = 'ray layer' | 'central projection' | 'Euclidean projection' | 'penalty (unconstrained)';
const HEADS: readonly HeadName[] = ['ray layer', 'central projection', 'Euclidean projection', 'penalty (unconstrained)'];

interface Data {
  x: number[][];
  labels: number[];
}

/** Gaussian classes with unit covariance around means drawn from N(0, 1.2² I). */
function generate(rng: Rng, count: number, means: number[][]): Data {
  const labels = Array.from({ length: count }, () => rng.int(0, CLASSES - 1));
  return { labels, x: labels.map((k) => means[k]!.map((m) => m + rng.normal())) };
}

interface Outcome {
  head: HeadName;
  accuracy: number;
  /** Fraction of test outputs violating a constraint by more than the float32 tolerance. */
  violationRate: number;
  /** Fraction violating a constraint by more than 1e-2 (relative). */
  grossViolationRate: number;
  testLoss: number;
  millisPerEpoch: number;
}

async function train(head: HeadName, set: PreparedSet, trainData: Data, testData: Data, epochs: number, rng: Rng): Promise<Outcome> {
  // The same initial weights for every head: drawn from a generator forked by the same label.
  const init = rng.fork('weights');
  const weights = (rows: number, cols: number) => tf.variable(tf.tensor2d(Array.from({ length: rows }, () => gaussianVector(init, cols).map((v) => v / Math.sqrt(rows)))));
  const W1 = weights(FEATURES, HIDDEN);
  const b1 = tf.variable(tf.zeros([1, HIDDEN]));
  const W2 = weights(HIDDEN, CLASSES);
  const b2 = tf.variable(tf.zeros([1, CLASSES]));

  const layer = head === 'ray layer' ? new ConstraintLayer(set, { mode: 'ray' }) : head === 'central projection' ? new ConstraintLayer(set, { mode: 'projection' }) : null;
  const euclidean = head === 'Euclidean projection' ? createEuclideanProjectionOp(set) : null;
  const forward = (x: tf.Tensor2D): tf.Tensor2D => {
    const raw = tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, W1), b1)), W2), b2) as tf.Tensor2D;
    if (layer !== null) return layer.apply(raw) as tf.Tensor2D;
    if (euclidean !== null) return euclidean(raw);
    return raw;
  };
  const lossOf = (y: tf.Tensor2D, onehot: tf.Tensor2D) => {
    const likelihood = tf.maximum(tf.sum(tf.mul(y, onehot), 1), 1e-6);
    const nll = tf.neg(tf.mean(tf.log(likelihood)));
    if (head !== 'penalty (unconstrained)') return nll as tf.Scalar;
    const below = tf.square(tf.relu(tf.neg(y)));
    const above = tf.square(tf.relu(tf.sub(y, CAP)));
    const sum = tf.square(tf.sub(tf.sum(y, 1), 1));
    return tf.add(nll, tf.mul(PENALTY_WEIGHT, tf.mean(tf.add(tf.sum(tf.add(below, above), 1), sum)))) as tf.Scalar;
  };

  const optimizer = tf.train.adam(0.01);
  const order = trainData.labels.map((_, i) => i);
  const shuffle = rng.fork('shuffle');
  const batch = 64;
  let trainingMillis = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle.shuffle(order);
    const started = performance.now();
    for (let start = 0; start < order.length; start += batch) {
      const indices = order.slice(start, start + batch);
      const x = tf.tensor2d(indices.map((i) => trainData.x[i]!));
      const onehot = tf.oneHot(tf.tensor1d(indices.map((i) => trainData.labels[i]!), 'int32'), CLASSES).toFloat() as tf.Tensor2D;
      optimizer.minimize(() => lossOf(forward(x), onehot));
      x.dispose();
      onehot.dispose();
    }
    trainingMillis += performance.now() - started;
  }

  const x = tf.tensor2d(testData.x);
  const onehot = tf.oneHot(tf.tensor1d(testData.labels, 'int32'), CLASSES).toFloat() as tf.Tensor2D;
  const y = forward(x);
  const testLoss = lossOf(y, onehot).dataSync()[0]!;
  const outputs = y.arraySync();
  [x, onehot, y, W1, b1, W2, b2].forEach((t) => t.dispose());
  optimizer.dispose();
  layer?.dispose();

  let correct = 0;
  let violations = 0;
  let grossViolations = 0;
  outputs.forEach((row, i) => {
    const predicted = row.indexOf(Math.max(...row));
    if (predicted === testData.labels[i]) correct++;
    const report = feasibilityReport(SPEC, row);
    const worst = report.nonFinite ? Infinity : Math.max(report.maxRelativeViolation, report.equalityRelativeResidual);
    if (worst > RESIDUAL_TOLERANCE.float32) violations++;
    if (worst > 1e-2) grossViolations++;
  });
  return { head, accuracy: correct / outputs.length, violationRate: violations / outputs.length, grossViolationRate: grossViolations / outputs.length, testLoss, millisPerEpoch: trainingMillis / epochs };
}

/** Trains a Layers API model that ends in the ray layer with model.fit, and returns its test outputs' violation count. */
async function layersApiCheck(set: PreparedSet, data: Data): Promise<{ lossBefore: number; lossAfter: number; violations: number }> {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: HIDDEN, activation: 'relu', inputShape: [FEATURES], kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }));
  model.add(tf.layers.dense({ units: set.freeDimension + 1, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }));
  model.add(new ConstraintLayer(set, { mode: 'ray' }));
  const nll = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.neg(tf.mean(tf.log(tf.maximum(tf.sum(tf.mul(yTrue, yPred), 1), 1e-6))));
  model.compile({ optimizer: tf.train.adam(0.01), loss: nll });
  const x = tf.tensor2d(data.x);
  const y = tf.oneHot(tf.tensor1d(data.labels, 'int32'), CLASSES).toFloat();
  const history = await model.fit(x, y, { epochs: 3, batchSize: 64, shuffle: false, verbose: 0 });
  const losses = history.history.loss as number[];
  const outputs = (model.predict(x) as tf.Tensor2D).arraySync();
  const violations = outputs.filter((row) => feasibilityReport(SPEC, row).maxRelativeViolation > RESIDUAL_TOLERANCE.float32).length;
  x.dispose();
  y.dispose();
  model.dispose();
  return { lossBefore: losses[0]!, lossAfter: losses[losses.length - 1]!, violations };
}

export const classification: Experiment = {
  id: 'constraints/classification',
  async run(context) {
    const epochs = forProfile({ quick: 20, full: 60 }, context.profile);
    const count = forProfile({ quick: 1500, full: 5000 }, context.profile);
    const rng = context.rng('classification');
    const means = Array.from({ length: CLASSES }, () => gaussianVector(rng, FEATURES).map((v) => 1.2 * v));
    const trainData = generate(rng.fork('train'), count, means);
    const testData = generate(rng.fork('test'), count, means);
    const set = await prepareConstraintSet(SPEC);

    const outcomes: Outcome[] = [];
    for (const head of HEADS) {
      context.progress(`classification: ${head}`);
      outcomes.push(await train(head, set, trainData, testData, epochs, rng.fork('model')));
    }
    context.progress('classification: Layers API model');
    const layersApi = await layersApiCheck(set, trainData);

    const ray = outcomes.find((o) => o.head === 'ray layer')!;
    const penalty = outcomes.find((o) => o.head === 'penalty (unconstrained)')!;
    const reproduced = ray.violationRate === 0 && ray.accuracy >= penalty.accuracy - MARGIN;
    const metrics: ExperimentReport['metrics'] = {};
    for (const o of outcomes) {
      metrics[`accuracy, ${o.head}`] = { value: o.accuracy, unit: 'fraction' };
      metrics[`violation rate, ${o.head}`] = { value: o.violationRate, unit: 'fraction' };
      metrics[`rate of violations above 1e-2, ${o.head}`] = { value: o.grossViolationRate, unit: 'fraction' };
      metrics[`time per epoch, ${o.head}`] = { value: o.millisPerEpoch, unit: 'ms' };
    }
    metrics['violations after model.fit through the Layers API'] = { value: layersApi.violations, unit: 'outputs' };

    return {
      verdict: reproduced ? 'reproduced' : 'not-reproduced',
      summary:
        `Ray layer: accuracy ${ray.accuracy.toFixed(3)} with ${(ray.violationRate * 100).toFixed(2)}% of test outputs infeasible; ` +
        `penalty network: accuracy ${penalty.accuracy.toFixed(3)} with ${(penalty.violationRate * 100).toFixed(2)}% infeasible (${(penalty.grossViolationRate * 100).toFixed(2)}% by more than 1e-2). ` +
        `Central projection ${outcomes[1]!.accuracy.toFixed(3)} (${(outcomes[1]!.violationRate * 100).toFixed(2)}% infeasible), Euclidean projection ${outcomes[2]!.accuracy.toFixed(3)} (${(outcomes[2]!.violationRate * 100).toFixed(2)}% infeasible).`,
      metrics,
      data: `generated: ${CLASSES} Gaussian classes in ${FEATURES} dimensions (unit covariance, means from N(0, 1.2² I)), ${count} training and ${count} test points`,
      tables: [
        {
          title: 'Test results per head (same trunk, data, initial weights and batches)',
          columns: ['head', 'accuracy', 'infeasible outputs', 'outputs violating by > 1e-2', 'test NLL', 'time per epoch (ms)'],
          rows: outcomes.map((o) => [o.head, o.accuracy, o.violationRate, o.grossViolationRate, o.testLoss, o.millisPerEpoch]),
          note: `Infeasible: relative violation above ${RESIDUAL_TOLERANCE.float32} (the float32 tolerance) of Σy = 1, y ≥ 0 or y ≤ ${CAP}. Penalty weight ${PENALTY_WEIGHT}; Adam 0.01, batch 64, ${epochs} epochs.`,
        },
      ],
      notes: [
        `Layers API: a tf.sequential model ending in ConstraintLayer trained with model.fit for 3 epochs; training loss ${layersApi.lossBefore.toFixed(3)} → ${layersApi.lossAfter.toFixed(3)}, ${layersApi.violations} infeasible outputs on the training inputs.`,
        `Verdict rule (the suite's): no infeasible output from the ray layer, and its accuracy at most ${MARGIN} below the penalty network's.`,
      ],
    };
  },
};
