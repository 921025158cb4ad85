/**
 * The TensorFlow.js layers against the float64 oracles: outputs agree within float32 tolerance
 * (fixed and joint sets), and gradients from automatic differentiation agree with central finite
 * differences of the oracle.
 */
import fc from 'fast-check';
import { beforeAll, describe } from 'vitest';
import { compareNormwise, GRADIENT_TOLERANCE, toleranceFor } from '../../harness/numeric';
import { selectBackendFromEnv, tf } from '../../harness/tensor/backend';
import { propertyInvariant } from '../../harness/testing/invariant';
import {
  createConstraintMap,
  createJointConstraintMap,
  jointOracleOutput,
  oracleOutput,
  prepareConstraintSet,
  prepareJointSet,
  quadraticCrossing,
  type LayerMode,
  type PreparedJointSet,
  type PreparedSet,
} from '../../impl/constraints/index';
import { ConstraintLayer, normalized, positive } from '../../impl/constraints/layer';
import { lower } from '../../impl/constraints/_internals/reduced';
import { anySet, hiddenBatch, inputsFor, inputsInBox, jointSet } from './_sets';
import { layerOutputs } from './_subjects';

beforeAll(async () => {
  await selectBackendFromEnv();
});

const MODES: readonly LayerMode[] = ['ray', 'boundary', 'projection'];

/** Float32 layers under test, for fixed and for joint sets. */
interface Layers {
  fixed: (set: PreparedSet, mode: LayerMode, zs: number[][]) => Float32Array[];
  joint: (set: PreparedJointSet, mode: LayerMode, zs: number[][], xs: number[][]) => Float32Array[];
}

function jointLayerOutputs(set: PreparedJointSet, mode: LayerMode, zs: number[][], xs: number[][]): Float32Array[] {
  const map = createJointConstraintMap(set, { mode });
  const z = tf.tensor2d(zs, [zs.length, map.inputLength]);
  const x = tf.tensor2d(xs, [xs.length, set.inputDimension]);
  const y = map.apply(z, x);
  const values = y.dataSync() as Float32Array;
  [z, x, y].forEach((t) => t.dispose());
  map.dispose();
  return zs.map((_, i) => values.slice(i * set.outputDimension, (i + 1) * set.outputDimension));
}

const negate = (mode: LayerMode, zs: number[][]) => (mode === 'ray' ? zs.map(([s, ...d]) => [-s!, ...d]) : zs);

/**
 * Runs the fixed-set layer as a Layers API layer inside a one-layer functional model. It also
 * checks what the model relies on: the symbolic output shape [null, n], the mode in the layer's
 * config, and that disposing the model frees every tensor the layer made.
 */
function modelOutputs(set: PreparedSet, mode: LayerMode, zs: number[][]): Float32Array[] {
  const tensorsBefore = tf.memory().numTensors;
  const layer = new ConstraintLayer(set, { mode, name: 'constraints' });
  const input = tf.input({ shape: [layer.map.inputLength] });
  const symbolic = layer.apply(input) as tf.SymbolicTensor;
  if (symbolic.shape.length !== 2 || symbolic.shape[0] !== null || symbolic.shape[1] !== set.dimension) throw new Error(`symbolic output shape [${symbolic.shape.join(', ')}], expected [null, ${set.dimension}]`);
  if (layer.getConfig().mode !== mode) throw new Error(`layer config has mode ${String(layer.getConfig().mode)}, expected ${mode}`);

  const model = tf.model({ inputs: input, outputs: symbolic });
  const batch = tf.tensor2d(zs, [zs.length, layer.map.inputLength]);
  const output = model.predict(batch) as tf.Tensor2D;
  const values = output.dataSync() as Float32Array;
  batch.dispose();
  output.dispose();
  model.dispose();
  if (tf.memory().numTensors !== tensorsBefore) throw new Error(`disposing the model left ${tf.memory().numTensors - tensorsBefore} tensors allocated`);
  return zs.map((_, i) => values.slice(i * set.dimension, (i + 1) * set.dimension));
}

const realLayers: Layers = { fixed: modelOutputs, joint: jointLayerOutputs };
/** Control: the gauge's rows are not divided by their slacks. */
const unscaledRows: Layers = {
  fixed: (set, mode, zs) => layerOutputs({ ...set, slack: set.slack.map(() => 1) }, mode, zs),
  joint: (set, mode, zs, xs) => jointLayerOutputs({ ...set, shiftedRhs: set.shiftedRhs.map((s) => s + 1) }, mode, zs, xs),
};
/** Control: the scale logit enters with the wrong sign, sigmoid(−s). */
const negatedLogit: Layers = {
  fixed: (set, mode, zs) => layerOutputs(set, mode, negate(mode, zs)),
  joint: (set, mode, zs, xs) => jointLayerOutputs(set, mode, negate(mode, zs), xs),
};

/** Compares float32 rows with the oracle run on the same float32-rounded inputs. */
function assertAgrees(interior: ArrayLike<number>, mode: LayerMode, zs: number[][], actual: Float32Array[], oracle: (z: number[], i: number) => Float64Array, length: number): void {
  const tolerance = toleranceFor('float32', 'float64', { reductionLength: length });
  const scale = Math.max(1, ...Array.from(interior, Math.abs));
  actual.forEach((y, i) => {
    const expected = oracle(zs[i]!.map(Math.fround), i);
    const comparison = compareNormwise(y, expected, tolerance, scale);
    if (!comparison.ok) throw new Error(`${mode} output ${i}: layer [${Array.from(y).join(', ')}] vs oracle [${Array.from(expected).join(', ')}], error ${comparison.maxAbsError} > ${comparison.bound}`);
  });
}

const fixedCase = anySet()
  .chain((c) => fc.tuple(fc.constant(c), fc.constantFrom(...MODES)))
  .chain(([c, mode]) => fc.tuple(fc.constant('fixed' as const), fc.constant(c), fc.constant(mode), hiddenBatch(mode, 7, 16)));
const jointCase = jointSet()
  .chain((c) => fc.tuple(fc.constant(c), fc.constantFrom(...MODES), inputsInBox(c.spec.inputBox, 16)))
  .chain(([c, mode, xs]) => fc.tuple(fc.constant('joint' as const), fc.constant(c), fc.constant(mode), hiddenBatch(mode, 7, 16), fc.constant(xs)));

describe('tensor layer', () => {
  propertyInvariant<Layers>({
    id: 'constraints/layer-agrees-with-oracle',
    subject: realLayers,
    controls: [
      { name: 'gauge rows not divided by their slacks', subject: unscaledRows },
      { name: 'scale logit negated', subject: negatedLogit },
    ],
    numRuns: { quick: 80, full: 800 },
    property: (layers) =>
      fc.asyncProperty(fc.oneof(fixedCase, jointCase), async (generated) => {
        if (generated[0] === 'fixed') {
          const [, c, mode, raw] = generated;
          const set = await prepareConstraintSet(c.spec);
          const zs = inputsFor(set, mode, raw, c.inside);
          assertAgrees(set.interiorPoint, mode, zs, layers.fixed(set, mode, zs), (z) => oracleOutput(set, mode, z), Math.max(set.rows.length, set.freeDimension, 1));
          return;
        }
        const [, c, mode, raw, xs] = generated;
        const set = await prepareJointSet(c.spec);
        const n = c.spec.outputDimension;
        const zs = raw.map((z) => (mode === 'ray' ? z.slice(0, n + 1) : mode === 'boundary' ? z.slice(0, n) : c.inside.map((ci, j) => ci + z[j]!)));
        const xs32 = xs.map((x) => x.map(Math.fround));
        assertAgrees(set.interior, mode, zs, layers.joint(set, mode, zs, xs), (z, i) => jointOracleOutput(set, mode, z, xs32[i]!, i), Math.max(c.spec.Gy.length, c.spec.inputDimension));
      }),
  });

  propertyInvariant<Gradient>({
    id: 'constraints/gradient-finite-difference',
    subject: autodiffGradient,
    controls: [{ name: 'backward pass treats the gauge as a constant', subject: constantGaugeGradient }],
    numRuns: { quick: 60, full: 600 },
    property: (gradient) =>
      fc.asyncProperty(
        anySet(),
        fc.constantFrom(...MODES),
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 7, maxLength: 7 }),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 6, maxLength: 6 }),
        async (c, mode, raw, rawWeights) => {
          const set = await prepareConstraintSet(c.spec);
          const z = mode === 'ray' ? raw.slice(0, set.freeDimension + 1) : mode === 'boundary' ? raw.slice(0, set.freeDimension) : c.inside.map((x, j) => x + 3 * raw[j]!);
          const weights = rawWeights.slice(0, set.dimension);
          fc.pre(Math.max(...(mode === 'ray' ? z.slice(1) : z).map(Math.abs)) > 0.05);
          fc.pre(awayFromKinks(set, mode, z));

          const loss = (input: number[]) => oracleOutput(set, mode, input).reduce((sum, y, j) => sum + y * weights[j]!, 0);
          const expected = z.map((zk, k) => {
            const h = 1e-6 * Math.max(1, Math.abs(zk));
            const plus = [...z];
            const minus = [...z];
            plus[k] = zk + h;
            minus[k] = zk - h;
            return (loss(plus) - loss(minus)) / (2 * h);
          });
          const actual = gradient(set, mode, z.map(Math.fround), weights);
          const comparison = compareNormwise(actual, expected, GRADIENT_TOLERANCE);
          if (!comparison.ok) throw new Error(`${mode} gradient [${Array.from(actual).join(', ')}] vs finite differences [${expected.join(', ')}]: error ${comparison.maxAbsError} > ${comparison.bound}`);
        },
      ),
  });
});

/** Gradient of w·y(z) with respect to z, as an implementation computes it. */
type Gradient = (set: PreparedSet, mode: LayerMode, z: number[], weights: number[]) => Float64Array;

const autodiffGradient: Gradient = (set, mode, z, weights) => {
  const map = createConstraintMap(set, { mode });
  const w = tf.tensor2d([weights]);
  const input = tf.tensor2d([z]);
  const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(map.apply(x as tf.Tensor2D), w)))(input);
  const values = Float64Array.from(g.dataSync());
  [w, input, g].forEach((t) => t.dispose());
  map.dispose();
  return values;
};

/**
 * Control: the value is the layer's, but the backward pass differentiates a copy of the map in
 * which the gauge γ is a constant (the mistake of detaching the step length).
 */
const constantGaugeGradient: Gradient = (set, mode, z, weights) => {
  const map = createConstraintMap(set, { mode });
  const w = tf.tensor2d([weights]);
  const input = tf.tensor2d([z]);
  const p = tf.tensor2d([Array.from(set.interior)]);
  const R = set.basis === null ? null : tf.tensor2d(set.basis.map((row) => Array.from(row)));
  const offset = tf.tensor2d([Array.from(set.offset)]);
  const r = set.freeDimension;

  const direction = (x: tf.Tensor2D) => (mode === 'ray' ? tf.slice(x, [0, 1], [-1, r]) : mode === 'boundary' ? x : (tf.sub(R === null ? x : tf.matMul(tf.sub(x, offset), R), p) as tf.Tensor2D));
  const frozen = tf.tidy(() => map.gauge(normalized(direction(input as tf.Tensor2D))).dataSync()[0]!);
  const g = tf.grad((x: tf.Tensor) => {
    const x2 = x as tf.Tensor2D;
    const d = direction(x2);
    const u = normalized(d);
    const gamma = positive(tf.fill([1, 1], frozen) as tf.Tensor2D);
    let reduced: tf.Tensor;
    if (mode === 'ray') reduced = tf.add(p, tf.mul(tf.sigmoid(tf.slice(x2, [0, 0], [-1, 1])), tf.div(u, gamma)));
    else if (mode === 'boundary') reduced = tf.add(p, tf.div(u, gamma));
    else reduced = tf.add(p, tf.div(d, tf.maximum(tf.mul(tf.max(tf.abs(d), 1, true), gamma), 1)));
    const y = R === null ? reduced : tf.add(tf.matMul(reduced, R, false, true), offset);
    return tf.sum(tf.mul(y, w));
  })(input);
  const values = Float64Array.from(g.dataSync());
  [w, input, p, offset, g].forEach((t) => t.dispose());
  R?.dispose();
  map.dispose();
  return values;
};

/**
 * Returns whether z is away from the points where the map is not differentiable. Those are ties
 * between the two first crossings of the ray (relative gap below 1e-3) and, in projection mode,
 * inputs on the boundary (step length within 1e-3 of the distance to the input). The gap 1e-3 is
 * far above the finite-difference step 1e-6 and float32 rounding.
 */
function awayFromKinks(set: PreparedSet, mode: LayerMode, z: number[]): boolean {
  let d = z;
  if (mode === 'ray') d = z.slice(1);
  if (mode === 'projection') d = Array.from(lower(set, z), (w, i) => w - set.interior[i]!);
  const scale = Math.max(...d.map(Math.abs));
  if (scale === 0) return false;
  const u = d.map((x) => x / scale);
  const times: number[] = [];
  if (set.box !== null) {
    u.forEach((uj, j) => {
      if (uj > 0) times.push(set.box!.upperSlack[j]! / uj);
      if (uj < 0) times.push(set.box!.lowerSlack[j]! / -uj);
    });
  }
  set.rows.forEach((row, i) => {
    const rate = row.reduce((sum, a, k) => sum + a * u[k]!, 0);
    if (rate > 0) times.push(set.slack[i]! / rate);
  });
  for (const q of set.quadratics) times.push(quadraticCrossing(q.P, q.beta, q.c, u));
  const finite = times.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return false;
  if (finite.length > 1 && (finite[1]! - finite[0]!) / finite[0]! < 1e-3) return false;
  if (mode === 'projection' && Math.abs(finite[0]! - scale) / scale < 1e-3) return false;
  return true;
}
