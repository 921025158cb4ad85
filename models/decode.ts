/**
 * Helpers for models that read operation inputs and outputs from JSON histories. Each throws an
 * Error that says what was expected and what was found; the parser adds the file and line.
 */
import { isScalar, type Scalar } from './values';

/** Returns `raw` as an object with a string field `f` among `names`. */
export function expectOperation<F extends string>(raw: unknown, names: readonly F[]): Record<string, unknown> & { f: F } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error(`input must be an object such as {"f": "${names[0]}"}, got ${show(raw)}`);
  }
  const f = (raw as { f?: unknown }).f;
  if (typeof f !== 'string' || !(names as readonly string[]).includes(f)) {
    throw new Error(`unknown operation ${show(f)}; expected "f" to be one of ${names.map((n) => `"${n}"`).join(', ')}`);
  }
  return raw as Record<string, unknown> & { f: F };
}

/** Returns field `name` of `input` as a scalar (number, string or null). */
export function expectScalarField(input: Record<string, unknown>, name: string): Scalar {
  const value = input[name];
  if (!isScalar(value)) throw new Error(`"${name}" of ${String(input.f)} must be a number, a string or null, got ${show(value)}`);
  return value;
}

/** Returns field `name` of `input` as a string. */
export function expectStringField(input: Record<string, unknown>, name: string): string {
  const value = input[name];
  if (typeof value !== 'string') throw new Error(`"${name}" of ${String(input.f)} must be a string, got ${show(value)}`);
  return value;
}

/** Returns `raw` as a scalar output of operation `f`. */
export function expectScalarOutput(raw: unknown, f: string): Scalar {
  if (!isScalar(raw)) throw new Error(`output of ${f} must be a number, a string or null, got ${show(raw)}`);
  return raw;
}

/** Returns `raw` as a boolean output of operation `f`. */
export function expectBooleanOutput(raw: unknown, f: string): boolean {
  if (typeof raw !== 'boolean') throw new Error(`output of ${f} must be true or false, got ${show(raw)}`);
  return raw;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
