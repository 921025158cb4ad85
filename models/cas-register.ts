/**
 * Compare-and-set register with the semantics of Jepsen's etcd test:
 * - `read` returns the current value, nil when nothing was written yet;
 * - `write v` sets the value;
 * - `cas [from to]` sets the value to `to` when it equals `from`; its output says whether the
 *   swap happened (`:ok`, output true) or not (`:fail`, output false, which is only legal when the
 *   register did not hold `from`);
 * - an operation whose outcome is unknown (`:info`, a timeout) may or may not have taken effect.
 */
import { UNKNOWN, type Model } from './model';
import { expectBooleanOutput, expectOperation, expectScalarField, expectScalarOutput } from './decode';
import { describeScalar, hashScalar, type Scalar } from './values';

export type CasRegisterInput =
  | { f: 'read' }
  | { f: 'write'; value: Scalar }
  | { f: 'cas'; from: Scalar; to: Scalar };

/** Output of a read is the value read, of a cas whether it swapped; a write's output is ignored. */
export type CasRegisterOutput = Scalar | boolean;

/** Compare-and-set register, initially nil. */
export const casRegisterModel: Model<Scalar, CasRegisterInput, CasRegisterOutput> = {
  name: 'cas-register',
  description: 'compare-and-set register with Jepsen etcd semantics, initially nil',

  init: () => null,

  step(state, input, output) {
    switch (input.f) {
      case 'read':
        return output === UNKNOWN || output === state ? [state] : [];
      case 'write':
        return [input.value];
      case 'cas': {
        const matches = state === input.from;
        if (output === UNKNOWN) return [matches ? input.to : state];
        if (output === true) return matches ? [input.to] : [];
        if (output === false) return matches ? [] : [state];
        return [];
      }
    }
  },

  equal: (a, b) => a === b,
  hash: hashScalar,

  describeOperation(input, output) {
    const result = output === UNKNOWN ? '?' : output;
    switch (input.f) {
      case 'read':
        return `read() = ${result === '?' ? '?' : describeScalar(result as Scalar)}`;
      case 'write':
        return `write(${describeScalar(input.value)})`;
      case 'cas':
        return `cas(${describeScalar(input.from)} → ${describeScalar(input.to)}) = ${result === '?' ? '?' : result ? 'ok' : 'fail'}`;
    }
  },

  decodeInput(raw) {
    const input = expectOperation(raw, ['read', 'write', 'cas'] as const);
    if (input.f === 'read') return { f: 'read' };
    if (input.f === 'write') return { f: 'write', value: expectScalarField(input, 'value') };
    return { f: 'cas', from: expectScalarField(input, 'from'), to: expectScalarField(input, 'to') };
  },

  decodeOutput(raw, input) {
    if (input.f === 'read') return expectScalarOutput(raw, 'read');
    if (input.f === 'cas') return expectBooleanOutput(raw, 'cas');
    return null;
  },

  describeState: describeScalar,
};
