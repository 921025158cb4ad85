/**
 * Scalar values stored by the register models, and their comparison and description.
 */

/** A value a register can hold: Jepsen writes integers, users may write strings; `null` is nil. */
export type Scalar = number | string | null;

/** Returns true when `value` is a {@link Scalar}. */
export function isScalar(value: unknown): value is Scalar {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** Describes a scalar the way Jepsen prints it: `nil`, `3`, `"a"`. */
export function describeScalar(value: Scalar): string {
  if (value === null) return 'nil';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Hashes a scalar to 32 bits, distinguishing `3` from `"3"` and nil. */
export function hashScalar(value: Scalar): number {
  if (value === null) return 0x9e3779b9;
  if (typeof value === 'number') {
    const h = Math.imul((value | 0) ^ 0x5bd1e995, 0x27d4eb2d) ^ Math.floor(value / 4294967296);
    return (h ^ (h >>> 15)) >>> 0;
  }
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
