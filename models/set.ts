/**
 * Set of scalars: `add v` and `remove v` return whether the set changed, `contains v` returns
 * membership and `read` returns every element. Histories without `read` partition by element,
 * because operations on different elements never constrain each other.
 */
import { UNKNOWN, hashJson, partitionByKey, type History, type Model } from './model';
import { expectBooleanOutput, expectOperation, expectScalarField } from './decode';
import { describeScalar, isScalar, type Scalar } from './values';

export type SetInput =
  | { f: 'add'; value: Scalar }
  | { f: 'remove'; value: Scalar }
  | { f: 'contains'; value: Scalar }
  | { f: 'read' };

/** add/remove: whether the set changed; contains: membership; read: the elements in sorted order. */
export type SetOutput = boolean | readonly Scalar[];
/** Elements in sorted order (see {@link compareScalars}). */
export type SetState = readonly Scalar[];

/** Total order on scalars: nil, then numbers, then strings. */
export function compareScalars(a: Scalar, b: Scalar): number {
  const rank = (v: Scalar) => (v === null ? 0 : typeof v === 'number' ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (a === b) return 0;
  return (a as number | string) < (b as number | string) ? -1 : 1;
}

function sameElements(a: readonly Scalar[], b: readonly Scalar[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Set of scalars, initially empty. */
export const setModel: Model<SetState, SetInput, SetOutput> = {
  name: 'set',
  description: 'set of scalars with add/remove/contains/read, initially empty',

  init: () => [],

  step(state, input, output) {
    if (input.f === 'read') {
      if (output === UNKNOWN) return [state];
      if (!Array.isArray(output)) return [];
      const sorted = [...output].sort(compareScalars);
      return sameElements(sorted, state) ? [state] : [];
    }
    const present = state.some((v) => v === input.value);
    if (input.f === 'contains') return output === UNKNOWN || output === present ? [state] : [];
    if (input.f === 'add') {
      const next = present ? state : [...state, input.value].sort(compareScalars);
      return output === UNKNOWN || output === !present ? [next] : [];
    }
    const next = present ? state.filter((v) => v !== input.value) : state;
    return output === UNKNOWN || output === present ? [next] : [];
  },

  equal: sameElements,
  hash: hashJson,

  partition(history) {
    if (history.some((op) => op.input.f === 'read')) return [history as History<SetInput, SetOutput>];
    return partitionByKey(history, (input) => JSON.stringify((input as { value: Scalar }).value));
  },

  describeOperation(input, output) {
    const result = output === UNKNOWN ? '?' : Array.isArray(output) ? `{${output.map(describeScalar).join(', ')}}` : String(output);
    if (input.f === 'read') return `read() = ${result}`;
    return `${input.f}(${describeScalar(input.value)}) = ${result}`;
  },

  decodeInput(raw) {
    const input = expectOperation(raw, ['add', 'remove', 'contains', 'read'] as const);
    return input.f === 'read' ? { f: 'read' } : { f: input.f, value: expectScalarField(input, 'value') };
  },

  decodeOutput(raw, input) {
    if (input.f !== 'read') return expectBooleanOutput(raw, input.f);
    if (!Array.isArray(raw) || !raw.every(isScalar)) throw new Error(`output of read must be an array of numbers, strings or nulls, got ${JSON.stringify(raw)}`);
    return raw as Scalar[];
  },

  describeState: (state) => `{${state.map(describeScalar).join(', ')}}`,
};
