/**
 * The training loop drives a walker system in the documented order. A recording system takes the
 * place of the float64 and tfjs systems: its moves add seeded increments to the log-weights, and it
 * records every call, so each iteration can be replayed and checked exactly: the weights passed
 * to the gradient step, the data batch, the Langevin moves and their mode, CD restarts, the
 * free-energy estimate, ESS and CV², and when each resampling trigger fires.
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { Rng } from '../../harness/rng';
import { propertyInvariant } from '../../harness/testing/invariant';
import { relativeWeightStd } from '../../impl/jarzynski/logweights';
import { shouldResample, type ResamplingScheme, type ResamplingTrigger } from '../../impl/jarzynski/resampling';
import { train, type StepRecord, type TrainingMethod, type TrainingResult, type TrainingSettings, type WalkerSystem } from '../../impl/jarzynski/trainer';
import type { WeightMode } from '../../impl/jarzynski/walkers';

/** One call the training loop made on the system. */
type Call =
  | { kind: 'descend'; weights: Float64Array; logWeights: Float64Array; batch: Int32Array | null }
  | { kind: 'advance'; stepSize: number; mode: WeightMode }
  | { kind: 'select'; indices: Int32Array; logWeights: Float64Array }
  | { kind: 'placeAtData'; indices: Int32Array }
  | { kind: 'step'; record: StepRecord; logWeights: Float64Array; logZRef: number };

/** A walker system that records its calls; each Jarzynski move adds spread · N(0, 1) to every log-weight. */
class RecordingSystem implements WalkerSystem {
  readonly dim = 1;
  readonly logWeights: Float64Array;
  logZRef: number;
  readonly calls: Call[] = [];
  private readonly increments: Rng;

  constructor(
    method: TrainingMethod,
    readonly count: number,
    readonly dataCount: number,
    private readonly spread: number,
    seed: number,
  ) {
    this.increments = new Rng(seed).fork('increments');
    // Jarzynski walkers start with A = 0; PCD and CD get non-zero values, which they must reset.
    this.logWeights = Float64Array.from({ length: count }, (_, i) => (method === 'jarzynski' ? 0 : 0.1 * (i + 1)));
    this.logZRef = 1.5;
  }

  descend(weights: Float64Array, batch: Int32Array | null): void {
    this.calls.push({ kind: 'descend', weights: Float64Array.from(weights), logWeights: Float64Array.from(this.logWeights), batch: batch === null ? null : Int32Array.from(batch) });
  }

  advance(stepSize: number, mode: WeightMode): void {
    this.calls.push({ kind: 'advance', stepSize, mode });
    if (mode !== 'jarzynski') return;
    for (let i = 0; i < this.count; i++) this.logWeights[i] = (this.logWeights[i] as number) + this.spread * this.increments.normal();
  }

  select(indices: Int32Array): void {
    this.calls.push({ kind: 'select', indices: Int32Array.from(indices), logWeights: Float64Array.from(this.logWeights) });
  }

  placeAtData(dataIndices: Int32Array): void {
    this.calls.push({ kind: 'placeAtData', indices: Int32Array.from(dataIndices) });
  }

  onStep(record: StepRecord): void {
    this.calls.push({ kind: 'step', record: { ...record }, logWeights: Float64Array.from(this.logWeights), logZRef: this.logZRef });
  }
}

/** The training function under test. */
type Trainer = (system: WalkerSystem, settings: TrainingSettings, rng: Rng, onStep: (record: StepRecord) => void) => TrainingResult;

const realTrainer: Trainer = (system, settings, rng, onStep) => train(system, settings, rng, onStep);

/** Broken variant: the Jarzynski gradient step gets uniform weights instead of softmax(A). */
const uniformWeights: Trainer = (system, settings, rng, onStep) => {
  const uniform: WalkerSystem = Object.create(system);
  uniform.descend = (weights, batch) => system.descend(new Float64Array(weights.length).fill(1 / weights.length), batch);
  return train(uniform, settings, rng, onStep);
};

/** Broken variant: the resampling trigger fires from step 0 on, whatever its `afterStep`. */
const ignoresAfterStep: Trainer = (system, settings, rng, onStep) => {
  const resampling = settings.resampling === undefined ? undefined : { ...settings.resampling, trigger: { ...settings.resampling.trigger, afterStep: undefined } };
  return train(system, { ...settings, resampling } as TrainingSettings, rng, onStep);
};

/** log Σ exp(a), with the maximum shift. */
function logSumExp(a: Float64Array): number {
  const max = Math.max(...a);
  return max + Math.log(a.reduce((sum, x) => sum + Math.exp(x - max), 0));
}

/** Normalised weights p = softmax(a). */
function softmax(a: Float64Array): Float64Array {
  const lse = logSumExp(a);
  return a.map((x) => Math.exp(x - lse));
}

/** ESS = 1 / Σ p², CV² = N Σ p² − 1, and the sample standard deviation of w / mean(w) (divisor N − 1). */
function weightStatistics(a: Float64Array): { ess: number; cv2: number; relativeStd: number } {
  const n = a.length;
  // Equal log-weights give these values exactly, which the threshold cases below rely on.
  if (a.every((x) => x === a[0])) return { ess: n, cv2: 0, relativeStd: 0 };
  const p = softmax(a);
  const squares = p.reduce((sum, x) => sum + x * x, 0);
  const relative = p.map((x) => x * n);
  const variance = n < 2 ? 0 : relative.reduce((sum, x) => sum + (x - 1) ** 2, 0) / (n - 1);
  return { ess: 1 / squares, cv2: n * squares - 1, relativeStd: Math.sqrt(variance) };
}

/** Returns whether `trigger` fires at step `k` by the documented rules, or null too close to the threshold to decide. */
function expectedTrigger(trigger: ResamplingTrigger, a: Float64Array, k: number): boolean | null {
  const stats = weightStatistics(a);
  const decide = (value: number, threshold: number, above: boolean): boolean | null => {
    // Both rules are strict, so a value exactly at the threshold never fires.
    if (value === threshold) return false;
    if (Math.abs(value - threshold) < 1e-9 * Math.max(1, Math.abs(threshold))) return null;
    return above ? value > threshold : value < threshold;
  };
  switch (trigger.kind) {
    case 'never':
      return false;
    case 'cv2-above':
      return decide(stats.cv2, trigger.threshold, true);
    case 'relative-std-above':
      return k >= (trigger.afterStep ?? 0) && decide(stats.relativeStd, trigger.threshold, true);
    case 'ess-below':
      return k >= (trigger.afterStep ?? 0) && decide(stats.ess, trigger.minimum, false);
  }
}

const close = (actual: number, expected: number) => Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));

interface Case {
  method: TrainingMethod;
  steps: number;
  stepSize: number;
  inner: number | undefined;
  batchSize: number | null | undefined;
  restartEvery: number | undefined;
  trigger: ResamplingTrigger | undefined;
  scheme: ResamplingScheme;
  walkers: number;
  dataCount: number;
  spread: number;
  seed: number;
}

const triggerArb: fc.Arbitrary<ResamplingTrigger | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant<ResamplingTrigger>({ kind: 'never' }),
  // Threshold 0 and equal log-weights (spread 0) put CV² exactly at the threshold, where '>' must not fire.
  fc.constantFrom(0, 0.05, 0.3, 2).map<ResamplingTrigger>((threshold) => ({ kind: 'cv2-above', threshold })),
  fc.record({ threshold: fc.constantFrom(0, 0.2, 0.8), afterStep: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }) }).map<ResamplingTrigger>((t) => ({ kind: 'relative-std-above', ...t })),
  // A minimum of 6 with 6 equal walkers puts the ESS exactly at the minimum, where '<' must not fire.
  fc.record({ minimum: fc.constantFrom(1, 2.5, 4, 6), afterStep: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }) }).map<ResamplingTrigger>((t) => ({ kind: 'ess-below', ...t })),
);

const caseArb: fc.Arbitrary<Case> = fc.record({
  method: fc.constantFrom<TrainingMethod>('jarzynski', 'jarzynski', 'pcd', 'cd'),
  steps: fc.integer({ min: 1, max: 9 }),
  stepSize: fc.constantFrom(0.01, 0.1, 0.7),
  inner: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  batchSize: fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer({ min: 1, max: 5 })),
  restartEvery: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  trigger: triggerArb,
  scheme: fc.constantFrom<ResamplingScheme>('multinomial', 'systematic'),
  walkers: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant(6), fc.constant(240)),
  dataCount: fc.integer({ min: 1, max: 4 }),
  spread: fc.constantFrom(0, 0.3, 2),
  seed: fc.integer(),
});

/** Checks the recorded calls of one run against the documented loop; throws on the first mismatch. */
function checkRun(c: Case, calls: Call[], result: TrainingResult, finalLogWeights: Float64Array, finalLogZRef: number): void {
  const weighted = c.method === 'jarzynski';
  const n = c.walkers;
  const inner = c.inner ?? 1;
  const restartEvery = c.restartEvery ?? 4;
  let at = 0;
  const next = <K extends Call['kind']>(kind: K, where: string): Extract<Call, { kind: K }> => {
    const call = calls[at++];
    if (call?.kind !== kind) throw new Error(`${where}: expected a ${kind} call, got ${call?.kind ?? 'nothing'}`);
    return call as Extract<Call, { kind: K }>;
  };
  const checkIndices = (indices: Int32Array, length: number, range: number, what: string) => {
    if (indices.length !== length) throw new Error(`${what}: ${indices.length} indices, expected ${length}`);
    const bad = indices.findIndex((i) => !(i >= 0 && i < range));
    if (bad >= 0) throw new Error(`${what}: index ${indices[bad]} outside [0, ${range})`);
  };
  const dataDrawn = new Set<number>();
  let drawn = 0;
  const noteData = (indices: Int32Array) => {
    for (const i of indices) dataDrawn.add(i);
    drawn += indices.length;
  };

  if (!weighted) {
    const placed = next('placeAtData', 'before the first iteration');
    checkIndices(placed.indices, n, c.dataCount, 'initial placement');
    noteData(placed.indices);
  }

  let resamplings = 0;
  let logZRef = 1.5;
  for (let k = 0; k < c.steps; k++) {
    const where = `iteration ${k}`;
    if (c.method === 'cd' && k > 0 && k % restartEvery === 0) {
      const placed = next('placeAtData', `${where} (CD restart every ${restartEvery})`);
      checkIndices(placed.indices, n, c.dataCount, `${where} restart`);
      noteData(placed.indices);
    }

    const descend = next('descend', where);
    if (!weighted && descend.logWeights.some((a) => a !== 0)) throw new Error(`${where}: ${c.method} log-weights are not all 0: ${[...descend.logWeights]}`);
    const expectedWeights = weighted ? softmax(descend.logWeights) : new Float64Array(n).fill(1 / n);
    descend.weights.forEach((p, i) => {
      if (!close(p, expectedWeights[i] as number)) throw new Error(`${where}: gradient weight ${i} is ${p}, expected ${expectedWeights[i]}`);
    });
    if (c.batchSize === null || c.batchSize === undefined) {
      if (descend.batch !== null) throw new Error(`${where}: a batch of ${descend.batch.length} was drawn, but the settings ask for every data point`);
    } else {
      if (descend.batch === null) throw new Error(`${where}: no batch was drawn for batch size ${c.batchSize}`);
      checkIndices(descend.batch, c.batchSize, c.dataCount, `${where} batch`);
      noteData(descend.batch);
    }

    for (let s = 0; s < inner; s++) {
      const move = next('advance', `${where}, Langevin step ${s}`);
      if (move.stepSize !== c.stepSize) throw new Error(`${where}: Langevin step size ${move.stepSize}, expected ${c.stepSize}`);
      const mode = weighted ? 'jarzynski' : 'frozen';
      if (move.mode !== mode) throw new Error(`${where}: Langevin mode '${move.mode}', expected '${mode}'`);
    }

    let resampled = false;
    let afterMoves: Float64Array | null = null;
    if (weighted && c.trigger !== undefined) {
      const peek = calls[at];
      if (peek?.kind === 'select' || peek?.kind === 'step') afterMoves = peek.logWeights;
      if (afterMoves === null) throw new Error(`${where}: expected a select or step call, got ${peek?.kind ?? 'nothing'}`);
      const fires = expectedTrigger(c.trigger, afterMoves, k);
      if (fires !== null && fires !== (peek?.kind === 'select')) throw new Error(`${where}: trigger ${JSON.stringify(c.trigger)} should ${fires ? '' : 'not '}fire (${JSON.stringify(weightStatistics(afterMoves))})`);
      if (peek?.kind === 'select') {
        const selection = next('select', where);
        checkIndices(selection.indices, n, n, `${where} resampling`);
        resampled = true;
      }
    }

    const step = next('step', where);
    const record = step.record;
    if (record.step !== k) throw new Error(`${where}: the record has step ${record.step}`);
    if (record.resampled !== resampled) throw new Error(`${where}: the record has resampled = ${record.resampled}`);
    if (!weighted) {
      if (!Number.isNaN(record.logPartition) || record.ess !== n || record.cv2 !== 0) throw new Error(`${where}: ${c.method} record ${JSON.stringify(record)}, expected NaN, ESS ${n}, CV² 0`);
      continue;
    }
    const before = afterMoves ?? step.logWeights;
    const stats = weightStatistics(before);
    const estimate = logZRef + logSumExp(before) - Math.log(n);
    if (!close(record.logPartition, estimate)) throw new Error(`${where}: log Z estimate ${record.logPartition}, expected ${estimate}`);
    if (!close(record.ess, stats.ess)) throw new Error(`${where}: ESS ${record.ess}, expected ${stats.ess}`);
    if (Math.abs(record.cv2 - stats.cv2) > 1e-9 * n) throw new Error(`${where}: CV² ${record.cv2}, expected ${stats.cv2}`);
    if (resampled) {
      resamplings++;
      if (step.logWeights.some((a) => a !== 0)) throw new Error(`${where}: log-weights after resampling are ${[...step.logWeights]}, expected 0`);
      if (!close(step.logZRef, estimate)) throw new Error(`${where}: log Z_ref after resampling is ${step.logZRef}, expected the estimate ${estimate}`);
      logZRef = estimate;
    } else if (step.logZRef !== logZRef) {
      throw new Error(`${where}: log Z_ref changed to ${step.logZRef} without a resampling`);
    }
  }
  if (at !== calls.length) throw new Error(`${calls.length - at} calls after the last iteration, starting with ${calls[at]?.kind}`);

  if (result.method !== c.method || result.steps !== c.steps) throw new Error(`result names ${result.method} × ${result.steps}`);
  if (result.resamplings !== resamplings) throw new Error(`result counts ${result.resamplings} resamplings, the run made ${resamplings}`);
  if (!(result.millis >= 0)) throw new Error(`result time ${result.millis} ms`);
  if (weighted) {
    const estimate = finalLogZRef + logSumExp(finalLogWeights) - Math.log(n);
    if (!close(result.logPartition, estimate)) throw new Error(`final log Z estimate ${result.logPartition}, expected ${estimate}`);
  } else if (!Number.isNaN(result.logPartition)) {
    throw new Error(`${c.method} reports a log Z estimate ${result.logPartition}, expected NaN`);
  }
  // With at least 60 draws per data point, a correct uniform draw misses a point with probability ≤ M e^−60.
  if (drawn >= 60 * c.dataCount && dataDrawn.size !== c.dataCount) throw new Error(`${drawn} data draws reached only ${dataDrawn.size} of ${c.dataCount} data points`);
}

/**
 * Checks each trigger rule of `shouldResample` on `a` just below and just above its statistic
 * (relative margin 1e-6) and at the edge of `afterStep`, so that a wrong statistic or bound fails.
 */
function checkTriggerRules(a: Float64Array): void {
  const stats = weightStatistics(a);
  const expect = (trigger: ResamplingTrigger, step: number, fires: boolean) => {
    const actual = shouldResample(trigger, a, step);
    if (actual !== fires) throw new Error(`shouldResample(${JSON.stringify(trigger)}, step ${step}) is ${actual} for ${JSON.stringify(stats)}, expected ${fires}`);
  };
  const below = (x: number) => x * (1 - 1e-6) - 1e-12;
  const above = (x: number) => x * (1 + 1e-6) + 1e-12;

  // The statistic itself, also for one walker, where the sample standard deviation is taken as 0.
  const relativeStd = relativeWeightStd(a);
  if (!close(relativeStd, stats.relativeStd)) throw new Error(`relativeWeightStd is ${relativeStd}, expected ${stats.relativeStd}`);

  expect({ kind: 'never' }, 5, false);

  // Equal log-weights put CV², the relative standard deviation and the ESS exactly at these
  // thresholds, and every rule is strict, so none fires.
  const equal = new Float64Array(a.length).fill(a[0] as number);
  for (const trigger of [{ kind: 'cv2-above', threshold: 0 }, { kind: 'relative-std-above', threshold: 0 }, { kind: 'ess-below', minimum: a.length }] as const) {
    if (shouldResample(trigger, equal, 9)) throw new Error(`shouldResample(${JSON.stringify(trigger)}) fires for ${a.length} equal log-weights`);
  }
  expect({ kind: 'cv2-above', threshold: below(stats.cv2) }, 0, stats.cv2 > below(stats.cv2));
  expect({ kind: 'cv2-above', threshold: above(stats.cv2) }, 0, false);
  if (stats.relativeStd > 0) {
    expect({ kind: 'relative-std-above', threshold: below(stats.relativeStd), afterStep: 3 }, 3, true);
    expect({ kind: 'relative-std-above', threshold: below(stats.relativeStd), afterStep: 3 }, 2, false);
    expect({ kind: 'relative-std-above', threshold: below(stats.relativeStd) }, 0, true);
  }
  expect({ kind: 'relative-std-above', threshold: above(stats.relativeStd) }, 9, false);
  expect({ kind: 'ess-below', minimum: above(stats.ess), afterStep: 2 }, 2, true);
  expect({ kind: 'ess-below', minimum: above(stats.ess), afterStep: 2 }, 1, false);
  expect({ kind: 'ess-below', minimum: above(stats.ess) }, 0, true);
  expect({ kind: 'ess-below', minimum: below(stats.ess) }, 9, false);
}

/**
 * Cases run with every generated one, so that the mutant runs' 25-case cap still reaches them:
 * the default CD restart interval, and uniform weights at each strict trigger threshold.
 */
const FIXED_CASES: readonly Case[] = [
  { method: 'cd', steps: 9, stepSize: 0.1, inner: undefined, batchSize: 2, restartEvery: undefined, trigger: undefined, scheme: 'systematic', walkers: 3, dataCount: 4, spread: 0, seed: 11 },
  { method: 'jarzynski', steps: 2, stepSize: 0.1, inner: 2, batchSize: null, restartEvery: undefined, trigger: { kind: 'cv2-above', threshold: 0 }, scheme: 'multinomial', walkers: 5, dataCount: 2, spread: 0, seed: 12 },
  { method: 'jarzynski', steps: 2, stepSize: 0.1, inner: undefined, batchSize: undefined, restartEvery: undefined, trigger: { kind: 'ess-below', minimum: 5 }, scheme: 'systematic', walkers: 5, dataCount: 2, spread: 0, seed: 13 },
];

/** Runs one case through `trainer` and checks it. */
function runCase(trainer: Trainer, c: Case): void {
  const system = new RecordingSystem(c.method, c.walkers, c.dataCount, c.spread, c.seed);
  const settings: TrainingSettings = {
    method: c.method,
    steps: c.steps,
    stepSize: c.stepSize,
    ...(c.inner === undefined ? {} : { langevinStepsPerUpdate: c.inner }),
    ...(c.batchSize === undefined ? {} : { batchSize: c.batchSize }),
    ...(c.restartEvery === undefined ? {} : { cdRestartEvery: c.restartEvery }),
    ...(c.trigger === undefined ? {} : { resampling: { trigger: c.trigger, scheme: c.scheme } }),
  };
  const result = trainer(system, settings, new Rng(c.seed), (record) => system.onStep(record));
  checkRun(c, system.calls, result, system.logWeights, system.logZRef);
  checkTriggerRules(system.logWeights);
}

describe('training loop', () => {
  propertyInvariant<Trainer>({
    id: 'jarzynski/training-loop-order',
    subject: realTrainer,
    controls: [
      { name: 'uniform weights in the Jarzynski gradient', subject: uniformWeights },
      { name: 'resampling trigger that ignores afterStep', subject: ignoresAfterStep },
    ],
    numRuns: { quick: 200, full: 2000 },
    property: (trainer) =>
      fc.property(caseArb, (c) => {
        for (const fixed of FIXED_CASES) runCase(trainer, fixed);
        runCase(trainer, c);
        return true;
      }),
  });
});
