/**
 * Named errors of the graph layer, so callers (and the command line) can tell a malformed file
 * from an invalid graph or an invalid setting.
 */

/** A `.npz` archive or one of its `.npy` members is malformed, truncated or of the wrong layout. */
export class NpzFormatError extends Error {
  override readonly name = 'NpzFormatError';
}

/** A node index in an adjacency or feature matrix is outside `[0, N)` (or the CSR is inconsistent). */
export class GraphIndexError extends Error {
  override readonly name = 'GraphIndexError';
}

/** A value is invalid: NaN or infinite entries, mismatched shapes, settings out of range. */
export class GraphValueError extends Error {
  override readonly name = 'GraphValueError';
}
