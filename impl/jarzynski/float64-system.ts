/**
 * The float64 walker system: plain-TypeScript walkers, parameters and gradient descent for any
 * `Float64Energy`. Exact enough for statistical properties, and fast for the Gaussian mixture.
 *
 * Gradient step (descent on the cross-entropy H):
 *   g = (1/B) Σ_b ∂θU_θ(x*_b) − Σ_i p_i ∂θU_θ(X_i),   θ ← θ − γ ⊙ g
 * with one learning rate per parameter entry (γ_j = 0 freezes entry j, as the Gaussian-mixture
 * experiment freezes the first logit, whose common shift with the others is a gauge freedom).
 */
import type { Rng } from '../../harness/rng';
import type { Float64Energy } from './energy';
import { JarzynskiSettingsError, requireFiniteArray, requireLength } from './errors';
import type { WalkerSystem } from './trainer';
import { WalkerPopulation, type WeightMode } from './walkers';

/** Everything a float64 system is built from. */
export interface Float64SystemOptions<P> {
  energy: Float64Energy<P>;
  /** Initial parameters θ_0 (copied). */
  params: P;
  /** Data points, row by row (n·d entries). */
  data: Float64Array;
  /** Initial walker positions, row by row (N·d entries). For PCD and CD they are replaced by data points. */
  walkers: Float64Array;
  /** Learning rate per flat parameter entry (`energy.parameterCount` entries, each ≥ 0). */
  learningRates: Float64Array;
  /** log Z_θ0 when known (the free-energy estimate starts from it); 0 otherwise. */
  logPartition0?: number;
}

/** Walkers and parameters in float64, driven by `train`. */
export class Float64System<P> implements WalkerSystem {
  readonly energy: Float64Energy<P>;
  readonly population: WalkerPopulation;
  readonly data: Float64Array;
  readonly dataCount: number;
  /** Current parameters θ. */
  params: P;
  private readonly vector: Float64Array;
  private readonly learningRates: Float64Array;
  private readonly gradient: Float64Array;
  private readonly negatedWeights: Float64Array;
  private batchRows: Float64Array;
  private updates = 0;

  constructor(options: Float64SystemOptions<P>) {
    const { energy } = options;
    energy.validate(options.params);
    const d = energy.dim;
    if (options.data.length === 0) throw new JarzynskiSettingsError('empty', 'data', 'holds no data point; pass n·d entries with n ≥ 1');
    if (options.data.length % d !== 0) {
      throw new JarzynskiSettingsError('dimension-mismatch', 'data', `has ${options.data.length} entries, not a multiple of the energy's dimension ${d}; pass n·d entries, point by point`);
    }
    requireFiniteArray('data', options.data);
    requireLength('learningRates', options.learningRates.length, energy.parameterCount, `the ${energy.family} parameters`);
    for (let j = 0; j < options.learningRates.length; j++) {
      const rate = options.learningRates[j] as number;
      if (!(rate >= 0) || !Number.isFinite(rate)) throw new JarzynskiSettingsError('out-of-range', 'learningRates', `entry ${j} is ${rate}; learning rates must be finite and ≥ 0 (0 freezes the entry)`);
    }

    this.energy = energy;
    this.population = new WalkerPopulation(options.walkers, d, options.logPartition0 ?? 0);
    this.data = options.data;
    this.dataCount = options.data.length / d;
    this.vector = energy.toVector(options.params);
    this.params = energy.fromVector(this.vector);
    this.learningRates = Float64Array.from(options.learningRates);
    this.gradient = new Float64Array(energy.parameterCount);
    this.negatedWeights = new Float64Array(this.population.count);
    this.batchRows = new Float64Array(0);
    this.population.evaluate(energy, this.params);
  }

  get count(): number {
    return this.population.count;
  }

  get dim(): number {
    return this.energy.dim;
  }

  get logWeights(): Float64Array {
    return this.population.logWeights;
  }

  get logZRef(): number {
    return this.population.logZRef;
  }

  set logZRef(value: number) {
    this.population.logZRef = value;
  }

  /** Returns the last gradient estimate g (flat layout); valid after a `descend`. */
  lastGradient(): Float64Array {
    return this.gradient;
  }

  descend(weights: Float64Array, batch: Int32Array | null): void {
    requireLength('weights', weights.length, this.count, 'the walkers');
    this.estimateGradient(weights, batch, this.gradient);

    for (let j = 0; j < this.vector.length; j++) this.vector[j] = (this.vector[j] as number) - (this.learningRates[j] as number) * (this.gradient[j] as number);
    this.updates++;
    for (let j = 0; j < this.vector.length; j++) {
      if (!Number.isFinite(this.vector[j] as number)) {
        throw new JarzynskiSettingsError('not-finite', 'parameters', `entry ${j} became ${this.vector[j]} at update ${this.updates}; the training diverged, so lower the learning rates or the step size`);
      }
    }
    this.params = this.energy.fromVector(this.vector);
  }

  /**
   * Writes the cross-entropy gradient estimate mean_batch ∂θU(x*) − Σ_i p_i ∂θU(X_i) at the
   * current parameters into `out`.
   */
  estimateGradient(weights: Float64Array, batch: Int32Array | null, out: Float64Array): Float64Array {
    const d = this.dim;
    out.fill(0);
    if (batch === null) {
      this.energy.accumulateParameterGradient(this.params, this.data, this.dataCount, 1 / this.dataCount, out);
    } else {
      if (this.batchRows.length !== batch.length * d) this.batchRows = new Float64Array(batch.length * d);
      for (let b = 0; b < batch.length; b++) this.batchRows.set(this.data.subarray((batch[b] as number) * d, ((batch[b] as number) + 1) * d), b * d);
      this.energy.accumulateParameterGradient(this.params, this.batchRows, batch.length, 1 / batch.length, out);
    }
    for (let i = 0; i < weights.length; i++) this.negatedWeights[i] = -(weights[i] as number);
    this.energy.accumulateParameterGradient(this.params, this.population.positions, this.count, this.negatedWeights, out);
    return out;
  }

  advance(stepSize: number, mode: WeightMode, rng: Rng): void {
    this.population.advance(this.energy, this.params, stepSize, mode, rng);
  }

  select(indices: Int32Array): void {
    this.population.select(indices);
  }

  placeAtData(dataIndices: Int32Array): void {
    requireLength('dataIndices', dataIndices.length, this.count, 'the walkers');
    const d = this.dim;
    const positions = new Float64Array(this.count * d);
    for (let j = 0; j < dataIndices.length; j++) {
      const i = dataIndices[j] as number;
      positions.set(this.data.subarray(i * d, (i + 1) * d), j * d);
    }
    this.population.setPositions(positions);
    this.population.evaluate(this.energy, this.params);
  }
}

/**
 * Returns per-entry learning rates for a Gaussian mixture (flat layout [means, logits]): `means`
 * for every mean entry, `logits` for every logit except the frozen ones (rate 0).
 *
 * @example gmmLearningRates(50, 2, { means: 0.0025, logits: 0.0125, frozenLogits: [0] })
 */
export function gmmLearningRates(dim: number, modes: number, rates: { means: number; logits: number; frozenLogits?: readonly number[] }): Float64Array {
  const out = new Float64Array(modes * (dim + 1));
  out.fill(rates.means, 0, modes * dim);
  out.fill(rates.logits, modes * dim);
  for (const j of rates.frozenLogits ?? []) {
    if (!(Number.isInteger(j) && j >= 0 && j < modes)) throw new JarzynskiSettingsError('out-of-range', 'frozenLogits', `entry ${j} is not a mode index in [0, ${modes}); pass the indices of the logits to freeze, each an integer from 0 to ${modes - 1}`);
    out[modes * dim + j] = 0;
  }
  return out;
}
