/**
 * Weighted Langevin walkers in float64: the unadjusted Langevin move and the Jarzynski weight
 * update, for any `Float64Energy`.
 *
 * Move (uses the parameters θ_k the cached gradients were computed with):
 *   X_{k+1} = X_k − h ∇_x U_{θ_k}(X_k) + sqrt(2h) ξ_k,   ξ_k ~ N(0, I_d)
 *
 * Weight update (uses θ_k and the new parameters θ_{k+1}):
 *   A_{k+1} = A_k − α_{k+1}(X_{k+1}, X_k) + α_k(X_k, X_{k+1})
 *   α_k(x, y) = U_{θ_k}(x) + ½ (y − x)·∇_x U_{θ_k}(x) + (h/4) |∇_x U_{θ_k}(x)|²
 *
 * The increment is the log of [e^{−U_{k+1}(X_{k+1})} K_{k+1}(X_{k+1} → X_k)] /
 * [e^{−U_k(X_k)} K_k(X_k → X_{k+1})], with K the ULA transition density
 * (4πh)^{−d/2} exp(−|y − x + h∇U(x)|² / (4h)); the |y − x|² terms and the normalising constants
 * cancel. Telescoping makes E[e^{A_k} φ(X_k)] = (Z_{θ_k} / Z_{θ_0}) E_{ρ_{θ_k}}[φ] exactly, for
 * any h > 0 and any parameter sequence fixed in advance, when X_0 ~ ρ_{θ_0}.
 *
 * Each walker caches U_θ(X) and ∇_x U_θ(X) for the parameters of its last evaluation. The next
 * move's drift and the next increment's α_k term need exactly these values, so one step costs one
 * energy-and-gradient evaluation per walker, as plain ULA does.
 */
import type { Rng } from '../../harness/rng';
import type { Float64Energy } from './energy';
import { JarzynskiSettingsError, requireCount, requireFiniteArray, requireLength, requirePositive } from './errors';
import { logPartitionEstimate, normalizedWeights } from './logweights';
import { fillStandardNormal } from './noise';
import { resampleIndices, type ResamplingScheme } from './resampling';

/** Treatment of the log-weights in a move: Jarzynski increments, or frozen (PCD and CD). */
export type WeightMode = 'jarzynski' | 'frozen';

/** A population of N walkers in R^d with log-weights and cached energies and gradients. */
export class WalkerPopulation {
  /** Positions, row by row (N·d entries). */
  positions: Float64Array;
  /** U_θ(X^i) for the parameters of the last evaluation. */
  energies: Float64Array;
  /** ∇_x U_θ(X^i), row by row. */
  gradients: Float64Array;
  /** Log-weights A^i. */
  readonly logWeights: Float64Array;
  /** log Z_ref of the free-energy estimate: log Z_θ0, or the estimate at the last resampling. */
  logZRef: number;

  private nextPositions: Float64Array;
  private nextEnergies: Float64Array;
  private nextGradients: Float64Array;
  /** Buffer for the standard normal variates of one move. */
  private readonly noise: Float64Array;
  /** α_k(X_k, X_{k+1}) per walker, between the two passes of a weighted move. */
  private readonly forwardAlpha: Float64Array;

  /**
   * @param positions - initial positions, N·d entries (copied)
   * @param dim - dimension d
   * @param logZRef - log Z of the model the walkers are exact samples of, or 0 when unknown. With
   *   0 the free-energy estimate is meaningful only up to that unknown constant.
   */
  constructor(
    positions: Float64Array,
    readonly dim: number,
    logZRef = 0,
  ) {
    requireCount('dim', dim);
    if (positions.length === 0) throw new JarzynskiSettingsError('empty', 'positions', 'holds no walker; pass at least one position (N·d entries)');
    if (positions.length % dim !== 0) {
      throw new JarzynskiSettingsError('dimension-mismatch', 'positions', `has ${positions.length} entries, not a multiple of the dimension ${dim}; pass N·d entries, walker by walker`);
    }
    requireFiniteArray('positions', positions);
    const count = positions.length / dim;
    this.positions = Float64Array.from(positions);
    this.energies = new Float64Array(count);
    this.gradients = new Float64Array(count * dim);
    this.logWeights = new Float64Array(count);
    this.logZRef = logZRef;
    this.nextPositions = new Float64Array(count * dim);
    this.nextEnergies = new Float64Array(count);
    this.nextGradients = new Float64Array(count * dim);
    this.noise = new Float64Array(count * dim);
    this.forwardAlpha = new Float64Array(count);
  }

  /** Number of walkers N. */
  get count(): number {
    return this.energies.length;
  }

  /** Evaluates and caches U_θ and ∇_x U_θ at the current positions. */
  evaluate<P>(energy: Float64Energy<P>, params: P): void {
    requireLength('energy.dim', energy.dim, this.dim, 'these walkers');
    energy.evaluate(params, this.positions, this.count, this.energies, this.gradients);
  }

  /**
   * Moves every walker by one ULA step with the cached gradients, evaluates the energy with
   * `params` at the new positions, and, in `jarzynski` mode, adds the weight increments.
   *
   * @param params - parameters θ_{k+1} after the gradient step (the cached values belong to θ_k)
   * @param stepSize - ULA step size h > 0
   * @param noise - standard normal variates ξ (N·d entries); drawn from `rng` when omitted
   */
  advance<P>(energy: Float64Energy<P>, params: P, stepSize: number, mode: WeightMode, rng: Rng | null, noise?: Float64Array): void {
    requirePositive('stepSize', stepSize, 'pass a ULA step size h > 0, for example 0.1');
    let xi = noise;
    if (xi === undefined) {
      if (rng === null) throw new JarzynskiSettingsError('out-of-range', 'rng', 'is null and no noise was passed; pass one of them');
      xi = fillStandardNormal(rng, this.noise);
    }
    requireLength('noise', xi.length, this.positions.length, `${this.count} walkers in dimension ${this.dim}`);

    if (mode === 'frozen') {
      ulaProposal(this.positions, this.gradients, xi, stepSize, this.nextPositions);
      energy.evaluate(params, this.nextPositions, this.count, this.nextEnergies, this.nextGradients);
      this.swap();
      return;
    }

    // The same increment as addJarzynskiIncrements, split around the evaluation: α_k(X_k, X_{k+1})
    // needs only old values, so it is summed in the pass that writes the proposal, and the pass
    // after the evaluation reads three arrays instead of four.
    this.proposeWithForwardAlpha(xi, stepSize);
    energy.evaluate(params, this.nextPositions, this.count, this.nextEnergies, this.nextGradients);
    this.subtractBackwardAlpha(stepSize);
    this.swap();
  }

  /** Writes the ULA proposal into the next positions and α_k(X_k, X_{k+1}) of each walker into `forwardAlpha`. */
  private proposeWithForwardAlpha(noise: Float64Array, stepSize: number): void {
    const d = this.dim;
    const scale = Math.sqrt(2 * stepSize);
    const quarter = 0.25 * stepSize;
    for (let i = 0; i < this.count; i++) {
      const row = i * d;
      let forward = 0;
      let squared = 0;
      for (let c = 0; c < d; c++) {
        const g = this.gradients[row + c] as number;
        const step = scale * (noise[row + c] as number) - stepSize * g;
        this.nextPositions[row + c] = (this.positions[row + c] as number) + step;
        forward += step * g;
        squared += g * g;
      }
      this.forwardAlpha[i] = (this.energies[i] as number) + 0.5 * forward + quarter * squared;
    }
  }

  /** Adds α_k(X_k, X_{k+1}) − α_{k+1}(X_{k+1}, X_k) to each log-weight, once the next caches are evaluated. */
  private subtractBackwardAlpha(stepSize: number): void {
    const d = this.dim;
    const quarter = 0.25 * stepSize;
    for (let i = 0; i < this.count; i++) {
      const row = i * d;
      let backward = 0;
      let squared = 0;
      for (let c = 0; c < d; c++) {
        const g = this.nextGradients[row + c] as number;
        backward += ((this.nextPositions[row + c] as number) - (this.positions[row + c] as number)) * g;
        squared += g * g;
      }
      // α_{k+1}(X_{k+1}, X_k) = U_{k+1} − ½ (X_{k+1} − X_k)·g_{k+1} + (h/4)|g_{k+1}|²
      const backwardAlpha = (this.nextEnergies[i] as number) - 0.5 * backward + quarter * squared;
      this.logWeights[i] = (this.logWeights[i] as number) + (this.forwardAlpha[i] as number) - backwardAlpha;
    }
  }

  /** Replaces walker j by walker `indices[j]` (positions and caches); log-weights are untouched. */
  select(indices: Int32Array): void {
    requireLength('indices', indices.length, this.count, 'a walker population');
    const d = this.dim;
    for (let j = 0; j < indices.length; j++) {
      const i = indices[j] as number;
      if (!(i >= 0 && i < this.count)) throw new JarzynskiSettingsError('out-of-range', 'indices', `entry ${j} is ${i}, outside [0, ${this.count}); pass walker indices from resampleIndices`);
      this.nextPositions.set(this.positions.subarray(i * d, (i + 1) * d), j * d);
      this.nextGradients.set(this.gradients.subarray(i * d, (i + 1) * d), j * d);
      this.nextEnergies[j] = this.energies[i] as number;
    }
    this.swap();
  }

  /**
   * Resamples the walkers by their normalised weights, resets every log-weight to 0 and carries
   * the free-energy offset, so `logPartition()` is the same just before and just after.
   *
   * @returns the chosen indices
   */
  resample(scheme: ResamplingScheme, rng: Rng): Int32Array {
    const estimate = this.logPartition();
    const indices = resampleIndices(normalizedWeights(this.logWeights), scheme, rng);
    this.select(indices);
    this.logWeights.fill(0);
    this.logZRef = estimate;
    return indices;
  }

  /** Returns the free-energy estimate log Z_ref + logsumexp(A) − log N. */
  logPartition(): number {
    return logPartitionEstimate(this.logWeights, this.logZRef);
  }

  /** Overwrites the positions (CD restarts); the caches must be re-evaluated afterwards. */
  setPositions(positions: Float64Array): void {
    requireLength('positions', positions.length, this.positions.length, `${this.count} walkers in dimension ${this.dim}`);
    this.positions.set(positions);
  }

  private swap(): void {
    [this.positions, this.nextPositions] = [this.nextPositions, this.positions];
    [this.energies, this.nextEnergies] = [this.nextEnergies, this.energies];
    [this.gradients, this.nextGradients] = [this.nextGradients, this.gradients];
  }
}

/**
 * Writes the ULA proposal y = x − h g + sqrt(2h) ξ for every walker into `out`.
 */
export function ulaProposal(positions: Float64Array, gradients: Float64Array, noise: Float64Array, stepSize: number, out: Float64Array): void {
  const scale = Math.sqrt(2 * stepSize);
  for (let k = 0; k < positions.length; k++) {
    out[k] = (positions[k] as number) - stepSize * (gradients[k] as number) + scale * (noise[k] as number);
  }
}

/**
 * Adds α_k(X_k, X_{k+1}) − α_{k+1}(X_{k+1}, X_k) to each log-weight (the alpha form).
 *
 * @param oldPositions - X_k; `oldEnergies`, `oldGradients` are U_{θ_k}, ∇U_{θ_k} there
 * @param newPositions - X_{k+1}; `newEnergies`, `newGradients` are U_{θ_{k+1}}, ∇U_{θ_{k+1}} there
 */
export function addJarzynskiIncrements(
  oldPositions: Float64Array,
  oldEnergies: Float64Array,
  oldGradients: Float64Array,
  newPositions: Float64Array,
  newEnergies: Float64Array,
  newGradients: Float64Array,
  stepSize: number,
  dim: number,
  logWeights: Float64Array,
): void {
  const quarter = 0.25 * stepSize;
  for (let i = 0; i < logWeights.length; i++) {
    const row = i * dim;
    // Both α terms share the displacement y − x; accumulate its dot products and |g|² in one pass.
    let forward = 0;
    let backward = 0;
    let oldSquared = 0;
    let newSquared = 0;
    for (let c = 0; c < dim; c++) {
      const step = (newPositions[row + c] as number) - (oldPositions[row + c] as number);
      const gOld = oldGradients[row + c] as number;
      const gNew = newGradients[row + c] as number;
      forward += step * gOld;
      backward += step * gNew;
      oldSquared += gOld * gOld;
      newSquared += gNew * gNew;
    }
    // α_k(X_k, X_{k+1}) = U_k + ½ (X_{k+1} − X_k)·g_k + (h/4)|g_k|²
    // α_{k+1}(X_{k+1}, X_k) = U_{k+1} − ½ (X_{k+1} − X_k)·g_{k+1} + (h/4)|g_{k+1}|²
    const alphaOld = (oldEnergies[i] as number) + 0.5 * forward + quarter * oldSquared;
    const alphaNew = (newEnergies[i] as number) - 0.5 * backward + quarter * newSquared;
    logWeights[i] = (logWeights[i] as number) + alphaOld - alphaNew;
  }
}

/**
 * Returns the same increment as {@link addJarzynskiIncrements} for one walker, in the log-kernel
 * form: [U_k(x) − U_{k+1}(y)] + q_{k+1}(y, x) − q_k(x, y), with
 * q(x, y) = −|y − x + h ∇U(x)|² / (4h).
 */
export function logKernelIncrement(x: ArrayLike<number>, energyOld: number, gradientOld: ArrayLike<number>, y: ArrayLike<number>, energyNew: number, gradientNew: ArrayLike<number>, stepSize: number): number {
  let forward = 0;
  let backward = 0;
  for (let c = 0; c < x.length; c++) {
    const f = (y[c] as number) - (x[c] as number) + stepSize * (gradientOld[c] as number);
    const b = (x[c] as number) - (y[c] as number) + stepSize * (gradientNew[c] as number);
    forward += f * f;
    backward += b * b;
  }
  return energyOld - energyNew - backward / (4 * stepSize) + forward / (4 * stepSize);
}
