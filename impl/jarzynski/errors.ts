/**
 * Errors for invalid settings of the Jarzynski sampler and its energies. Each error carries a
 * stable code for programs, and a message that names the setting, its value and the fix.
 */

/** Stable code for the kind of problem with a setting. */
export type SettingsErrorCode =
  /** A step size, learning rate, variance or count that must be positive is not. */
  | 'non-positive'
  /** A number that must be finite is NaN or infinite. */
  | 'not-finite'
  /** Two arrays or tensors whose sizes must agree do not. */
  | 'dimension-mismatch'
  /** A walker population or data set with no entries. */
  | 'empty'
  /** A value outside its documented range (an index, a probability, an option name). */
  | 'out-of-range';

/** A setting of the sampler, an energy or a training run that cannot be used as given. */
export class JarzynskiSettingsError extends Error {
  override readonly name = 'JarzynskiSettingsError';

  /**
   * @param code - what kind of problem this is
   * @param setting - name of the offending setting, as the caller spelled it
   * @param message - what is wrong, with the value and the fix
   */
  constructor(
    readonly code: SettingsErrorCode,
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message} [${code}]`);
  }
}

/**
 * Throws unless `value` is a finite number greater than zero.
 *
 * @example requirePositive('stepSize', 0.1)
 */
export function requirePositive(setting: string, value: number, fix = 'pass a finite number greater than zero'): void {
  if (Number.isNaN(value) || !Number.isFinite(value)) throw new JarzynskiSettingsError('not-finite', setting, `must be a finite number, got ${value}; ${fix}`);
  if (!(value > 0)) throw new JarzynskiSettingsError('non-positive', setting, `must be greater than zero, got ${value}; ${fix}`);
}

/** Throws unless `value` is a positive safe integer. */
export function requireCount(setting: string, value: number, fix = 'pass an integer of at least 1'): void {
  if (!Number.isSafeInteger(value)) throw new JarzynskiSettingsError('not-finite', setting, `must be an integer, got ${value}; ${fix}`);
  if (value < 1) throw new JarzynskiSettingsError(value === 0 ? 'empty' : 'non-positive', setting, `must be at least 1, got ${value}; ${fix}`);
}

/** Throws unless `value` is a finite number (zero and negatives allowed). */
export function requireFinite(setting: string, value: number): void {
  if (!Number.isFinite(value)) throw new JarzynskiSettingsError('not-finite', setting, `must be a finite number, got ${value}; replace NaN or infinite values before calling`);
}

/**
 * Throws unless every entry of `values` is finite, naming the first offending index.
 *
 * @param setting - name of the array, for example `means` or `positions`
 */
export function requireFiniteArray(setting: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) {
      throw new JarzynskiSettingsError('not-finite', setting, `entry ${i} is ${v}; every entry must be finite (a NaN usually comes from a diverged step size or learning rate)`);
    }
  }
}

/** Throws unless `actual === expected`, naming both sizes. */
export function requireLength(setting: string, actual: number, expected: number, what: string): void {
  if (actual !== expected) {
    throw new JarzynskiSettingsError('dimension-mismatch', setting, `has ${actual} entries but ${what} needs ${expected}; check the dimension and walker count it was built for`);
  }
}
