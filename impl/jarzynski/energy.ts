/**
 * The float64 energy interface: what the plain-TypeScript walkers and trainer need from an
 * energy U_θ(x) on R^d (density ρ_θ = exp(−U_θ) / Z_θ).
 *
 * Positions are stored row by row in one Float64Array: walker i occupies entries
 * [i·d, (i+1)·d). Parameters have a structured form `P` for people and a flat form (a
 * Float64Array of `parameterCount` entries) for gradient descent.
 */

/** An energy family with float64 evaluation of U, ∇_x U and ∂_θ U. */
export interface Float64Energy<P> {
  /** Name of the family, for messages and reports. */
  readonly family: string;
  /** Dimension d of the state space. */
  readonly dim: number;
  /** Number of entries of the flat parameter vector. */
  readonly parameterCount: number;

  /**
   * Writes U_θ(x_i) into `energies[i]` and ∇_x U_θ(x_i) into `gradients[i·d .. (i+1)·d)` for
   * the first `count` points of `positions`.
   */
  evaluate(params: P, positions: Float64Array, count: number, energies: Float64Array, gradients: Float64Array): void;

  /**
   * Adds Σ_i c_i ∂_θ U_θ(x_i) to `out` (flat layout) over the first `count` points, where c_i is
   * `coefficients[i]`, or the same number for every point when `coefficients` is a number.
   */
  accumulateParameterGradient(params: P, positions: Float64Array, count: number, coefficients: Float64Array | number, out: Float64Array): void;

  /** Returns the flat parameter vector. */
  toVector(params: P): Float64Array;
  /** Builds structured parameters from a flat vector (copies it). */
  fromVector(vector: Float64Array): P;
  /** Throws a JarzynskiSettingsError when the parameters do not fit this family or are not finite. */
  validate(params: P): void;
}
