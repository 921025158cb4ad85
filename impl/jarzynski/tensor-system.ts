/**
 * The TensorFlow.js walker system: walkers, cached energies and gradients as tensors, parameters
 * as tfjs variables, for neural energies.
 *
 * The gradient step minimises the surrogate loss
 *   L = mean_batch U_θ(x*) − Σ_i p_i U_θ(X_i)   (+ λ (mean_batch U_θ(x*)² + Σ_i p_i U_θ(X_i)²) when λ > 0)
 * with the walkers and weights held fixed, whose θ-gradient is the cross-entropy gradient estimate
 * g of the float64 system; SGD with per-variable learning rates reproduces the float64 update, and
 * Adam is what the published image experiments use.
 *
 * Log-weights stay on the CPU in float64. Each move downloads U_θ(X') and the kernel terms
 * ½ (X' − X)·(∇U(X) + ∇U(X')) + (h/4)(|∇U(X)|² − |∇U(X')|²) per walker (2N floats) and adds
 * U(X) − U(X') + kernel terms to A in float64, so rounding does not accumulate in float32 over
 * thousands of steps; the per-step error is that of one float32 energy evaluation.
 */
import type { Rng } from '../../harness/rng';
import { tf } from '../../harness/tensor/backend';
import { JarzynskiSettingsError, requireFiniteArray, requireLength, requirePositive } from './errors';
import { fillStandardNormal } from './noise';
import { energyAndGradient, type TensorEnergy } from './tensor-energy';
import type { WalkerSystem } from './trainer';
import type { WeightMode } from './walkers';

/** Optimiser of a tensor system. */
export type TensorOptimizer =
  | {
      kind: 'sgd';
      /** One entry per variable: a rate, or one rate per entry of the variable (0 freezes an entry). */
      learningRates: readonly (number | Float64Array)[];
    }
  | { kind: 'adam'; learningRate: number; beta1?: number; beta2?: number; epsilon?: number };

/** Everything a tensor system is built from. */
export interface TensorSystemOptions {
  energy: TensorEnergy;
  /** Data points, row by row (n·d entries). */
  data: Float64Array;
  /** Initial walker positions, row by row (N·d entries). */
  walkers: Float64Array;
  optimizer: TensorOptimizer;
  /** log Z_θ0 when known; 0 otherwise. */
  logPartition0?: number;
  /** Global norm to which the gradient is clipped before the optimiser step (off when omitted). */
  gradientClipNorm?: number;
  /** Weight λ of the energy-magnitude regulariser (0 or omitted: none). */
  energyRegularization?: number;
}

/** Walkers and parameters in tfjs, driven by `train`. */
export class TensorSystem implements WalkerSystem {
  readonly energy: TensorEnergy;
  readonly count: number;
  readonly dim: number;
  readonly dataCount: number;
  readonly logWeights: Float64Array;
  logZRef: number;
  /** U_θ(X^i) of the last evaluation, as float64 copies of the float32 values. */
  energies: Float64Array;
  protected readonly data: tf.Tensor2D;
  protected positions: tf.Tensor2D;
  protected gradients: tf.Tensor2D;
  private readonly noise: Float64Array;
  private readonly adam: tf.Optimizer | null;
  private readonly sgdRates: (number | tf.Tensor)[] | null;
  private readonly clipNorm: number | null;
  private readonly regularization: number;
  private updates = 0;

  constructor(options: TensorSystemOptions) {
    const { energy } = options;
    const d = energy.dim;
    this.energy = energy;
    this.dim = d;
    validateRows('data', options.data, d);
    validateRows('walkers', options.walkers, d);
    this.count = options.walkers.length / d;
    this.dataCount = options.data.length / d;
    this.logWeights = new Float64Array(this.count);
    this.logZRef = options.logPartition0 ?? 0;
    this.noise = new Float64Array(this.count * d);
    this.clipNorm = options.gradientClipNorm ?? null;
    if (this.clipNorm !== null) requirePositive('gradientClipNorm', this.clipNorm);
    this.regularization = options.energyRegularization ?? 0;
    if (!(this.regularization >= 0)) throw new JarzynskiSettingsError('out-of-range', 'energyRegularization', `must be ≥ 0, got ${this.regularization}; pass 0 for no regulariser or a small weight such as 0.1`);

    if (options.optimizer.kind === 'adam') {
      const { learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 } = options.optimizer;
      requirePositive('optimizer.learningRate', learningRate);
      this.adam = tf.train.adam(learningRate, beta1, beta2, epsilon);
      this.sgdRates = null;
    } else {
      const rates = options.optimizer.learningRates;
      requireLength('optimizer.learningRates', rates.length, energy.variables.length, `the ${energy.family} variables`);
      this.adam = null;
      this.sgdRates = rates.map((rate, v) => {
        const variable = energy.variables[v]!;
        if (typeof rate === 'number') {
          if (!(rate >= 0) || !Number.isFinite(rate)) throw new JarzynskiSettingsError('out-of-range', `optimizer.learningRates[${v}]`, `must be finite and ≥ 0, got ${rate}; pass a learning rate such as 0.01, or 0 to freeze the variable`);
          return rate;
        }
        requireLength(`optimizer.learningRates[${v}]`, rate.length, variable.size, `variable ${v} (shape ${variable.shape.join('×')})`);
        return tf.tensor(Float32Array.from(rate), variable.shape, 'float32');
      });
    }

    this.data = tf.tensor2d(Float32Array.from(options.data), [this.dataCount, d], 'float32');
    this.positions = tf.tensor2d(Float32Array.from(options.walkers), [this.count, d], 'float32');
    const evaluated = energyAndGradient(energy, this.positions);
    this.gradients = evaluated.gradients;
    this.energies = Float64Array.from(evaluated.energies.dataSync());
    evaluated.energies.dispose();
  }

  descend(weights: Float64Array, batch: Int32Array | null): void {
    requireLength('weights', weights.length, this.count, 'the walkers');
    const grads = this.lossGradients(weights, batch);

    tf.tidy(() => {
      let scale: tf.Scalar | null = null;
      if (this.clipNorm !== null) {
        const norm = tf.sqrt(tf.addN(grads.map((g) => g.square().sum())));
        scale = tf.minimum(tf.scalar(1), tf.scalar(this.clipNorm).div(norm.add(1e-12))) as tf.Scalar;
      }
      const scaled = grads.map((g) => (scale === null ? g : g.mul(scale)));
      if (this.adam !== null) {
        const named: tf.NamedTensorMap = {};
        this.energy.variables.forEach((variable, v) => (named[variable.name] = scaled[v]!));
        this.adam.applyGradients(named);
      } else {
        this.energy.variables.forEach((variable, v) => variable.assign(variable.sub(scaled[v]!.mul(this.sgdRates![v]!))));
      }
    });
    for (const g of grads) g.dispose();

    this.updates++;
    for (const variable of this.energy.variables) {
      if (tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(variable))).dataSync()[0]) === 1) {
        throw new JarzynskiSettingsError('not-finite', 'parameters', `variable '${variable.name}' holds NaN or infinite entries after update ${this.updates}; the training diverged, so lower the learning rate or the step size`);
      }
    }
  }

  /** Returns the θ-gradient of the surrogate loss, one tensor per variable (caller disposes). */
  lossGradients(weights: Float64Array, batch: Int32Array | null): tf.Tensor[] {
    return tf.tidy(() => {
      const p = tf.tensor1d(Float32Array.from(weights), 'float32');
      const points = batch === null ? this.data : (tf.gather(this.data, tf.tensor1d(batch, 'int32')) as tf.Tensor2D);
      const { grads } = tf.variableGrads(() => {
        const dataEnergies = this.energy.energy(points);
        const walkerEnergies = this.energy.energy(this.positions);
        let loss = dataEnergies.mean().sub(walkerEnergies.mul(p).sum());
        if (this.regularization > 0) loss = loss.add(dataEnergies.square().mean().add(walkerEnergies.square().mul(p).sum()).mul(this.regularization));
        return loss as tf.Scalar;
      }, this.energy.variables as tf.Variable[]);
      return this.energy.variables.map((variable) => grads[variable.name]!);
    });
  }

  advance(stepSize: number, mode: WeightMode, rng: Rng): void {
    this.advanceWithNoise(stepSize, mode, fillStandardNormal(rng, this.noise));
  }

  /** As `advance`, with given standard normal variates ξ (N·d entries). */
  advanceWithNoise(stepSize: number, mode: WeightMode, noise: Float64Array): void {
    requirePositive('stepSize', stepSize, 'pass a ULA step size h > 0');
    requireLength('noise', noise.length, this.count * this.dim, `${this.count} walkers in dimension ${this.dim}`);

    const xi = tf.tensor2d(Float32Array.from(noise), [this.count, this.dim], 'float32');
    const next = tf.tidy(() => this.positions.sub(this.gradients.mul(stepSize)).add(xi.mul(Math.sqrt(2 * stepSize))) as tf.Tensor2D);
    xi.dispose();
    const evaluated = energyAndGradient(this.energy, next);
    const newEnergies = Float64Array.from(evaluated.energies.dataSync());

    if (mode === 'jarzynski') {
      const kernel = tf.tidy(() => {
        const step = next.sub(this.positions);
        const dots = step.mul(this.gradients.add(evaluated.gradients)).sum(1).mul(0.5);
        const squares = this.gradients.square().sum(1).sub(evaluated.gradients.square().sum(1)).mul(0.25 * stepSize);
        return dots.add(squares);
      });
      const kernelTerms = kernel.dataSync();
      kernel.dispose();
      for (let i = 0; i < this.count; i++) {
        this.logWeights[i] = (this.logWeights[i] as number) + ((this.energies[i] as number) - (newEnergies[i] as number)) + (kernelTerms[i] as number);
      }
    }

    evaluated.energies.dispose();
    this.positions.dispose();
    this.gradients.dispose();
    this.positions = next;
    this.gradients = evaluated.gradients;
    this.energies = newEnergies;
  }

  select(indices: Int32Array): void {
    requireLength('indices', indices.length, this.count, 'the walkers');
    const index = tf.tensor1d(indices, 'int32');
    const positions = tf.gather(this.positions, index) as tf.Tensor2D;
    const gradients = tf.gather(this.gradients, index) as tf.Tensor2D;
    index.dispose();
    this.positions.dispose();
    this.gradients.dispose();
    this.positions = positions;
    this.gradients = gradients;
    this.energies = Float64Array.from(indices, (i) => this.energies[i] as number);
  }

  placeAtData(dataIndices: Int32Array): void {
    requireLength('dataIndices', dataIndices.length, this.count, 'the walkers');
    const index = tf.tensor1d(dataIndices, 'int32');
    const positions = tf.gather(this.data, index) as tf.Tensor2D;
    index.dispose();
    this.setPositionsTensor(positions);
  }

  /** Overwrites the walker positions (N·d entries) and re-evaluates the caches. */
  setPositions(positions: Float64Array): void {
    requireLength('positions', positions.length, this.count * this.dim, `${this.count} walkers in dimension ${this.dim}`);
    this.setPositionsTensor(tf.tensor2d(Float32Array.from(positions), [this.count, this.dim], 'float32'));
  }

  /** Returns the walker positions as float64 copies (N·d entries). */
  readPositions(): Float64Array {
    return Float64Array.from(this.positions.dataSync());
  }

  /** Returns the cached input gradients as float64 copies (N·d entries). */
  readGradients(): Float64Array {
    return Float64Array.from(this.gradients.dataSync());
  }

  /** Frees the tensors (the energy's variables stay with the energy). */
  dispose(): void {
    this.data.dispose();
    this.positions.dispose();
    this.gradients.dispose();
    for (const rate of this.sgdRates ?? []) if (typeof rate !== 'number') rate.dispose();
    this.adam?.dispose();
  }

  private setPositionsTensor(positions: tf.Tensor2D): void {
    const evaluated = energyAndGradient(this.energy, positions);
    this.positions.dispose();
    this.gradients.dispose();
    this.positions = positions;
    this.gradients = evaluated.gradients;
    this.energies = Float64Array.from(evaluated.energies.dataSync());
    evaluated.energies.dispose();
  }
}

function validateRows(setting: string, values: Float64Array, dim: number): void {
  if (values.length === 0) throw new JarzynskiSettingsError('empty', setting, `holds no point; pass n·d entries with n ≥ 1`);
  if (values.length % dim !== 0) {
    throw new JarzynskiSettingsError('dimension-mismatch', setting, `has ${values.length} entries, not a multiple of the energy's dimension ${dim}; pass n·d entries, point by point`);
  }
  requireFiniteArray(setting, values);
}
