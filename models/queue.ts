/**
 * FIFO queue: `enqueue v` appends v; `dequeue` removes and returns the oldest element, or nil when
 * the queue is empty.
 */
import { UNKNOWN, hashJson, type Model } from './model';
import { expectOperation, expectScalarField, expectScalarOutput } from './decode';
import { describeScalar, type Scalar } from './values';

export type QueueInput = { f: 'enqueue'; value: Scalar } | { f: 'dequeue' };
/** Output of a dequeue is the element removed, nil when the queue was empty. */
export type QueueOutput = Scalar;
/** Queue contents, oldest first. */
export type QueueState = readonly Scalar[];

/** FIFO queue, initially empty. */
export const queueModel: Model<QueueState, QueueInput, QueueOutput> = {
  name: 'queue',
  description: 'FIFO queue, initially empty; dequeue on an empty queue returns nil',

  init: () => [],

  step(state, input, output) {
    if (input.f === 'enqueue') return [[...state, input.value]];
    if (state.length === 0) return output === UNKNOWN || output === null ? [state] : [];
    if (output === UNKNOWN || output === state[0]) return [state.slice(1)];
    return [];
  },

  equal: (a, b) => a.length === b.length && a.every((v, i) => v === b[i]),
  hash: hashJson,

  describeOperation(input, output) {
    if (input.f === 'enqueue') return `enqueue(${describeScalar(input.value)})`;
    return `dequeue() = ${output === UNKNOWN ? '?' : describeScalar(output)}`;
  },

  decodeInput(raw) {
    const input = expectOperation(raw, ['enqueue', 'dequeue'] as const);
    return input.f === 'dequeue' ? { f: 'dequeue' } : { f: 'enqueue', value: expectScalarField(input, 'value') };
  },

  decodeOutput: (raw, input) => (input.f === 'dequeue' ? expectScalarOutput(raw, 'dequeue') : null),

  describeState: (state) => `[${state.map(describeScalar).join(', ')}]`,
};
