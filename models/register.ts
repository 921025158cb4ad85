/**
 * Read/write register: the simplest shared object. A read returns the last value written, or the
 * initial value (nil) when nothing was written yet.
 */
import { UNKNOWN, type Model } from './model';
import { expectOperation, expectScalarField, expectScalarOutput } from './decode';
import { describeScalar, hashScalar, type Scalar } from './values';

export type RegisterInput = { f: 'read' } | { f: 'write'; value: Scalar };
/** Output of a read is the value read; the output of a write carries no information. */
export type RegisterOutput = Scalar;

/** Read/write register, initially nil. */
export const registerModel: Model<Scalar, RegisterInput, RegisterOutput> = {
  name: 'register',
  description: 'read/write register, initially nil; a read returns the last value written',

  init: () => null,

  step(state, input, output) {
    if (input.f === 'write') return [input.value];
    if (output === UNKNOWN || output === state) return [state];
    return [];
  },

  equal: (a, b) => a === b,
  hash: hashScalar,

  describeOperation(input, output) {
    if (input.f === 'write') return `write(${describeScalar(input.value)})`;
    return `read() = ${output === UNKNOWN ? '?' : describeScalar(output)}`;
  },

  decodeInput(raw) {
    const input = expectOperation(raw, ['read', 'write'] as const);
    return input.f === 'read' ? { f: 'read' } : { f: 'write', value: expectScalarField(input, 'value') };
  },

  decodeOutput: (raw, input) => (input.f === 'read' ? expectScalarOutput(raw, 'read') : null),

  describeState: describeScalar,
};
