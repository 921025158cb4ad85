/**
 * Models and generators the linearizability properties share.
 */
import fc from 'fast-check';
import { type AnyModel, type History, type Model } from '../../models/model';
import { casRegisterModel } from '../../models/cas-register';
import { kvModel, kvUnpartitionedModel } from '../../models/kv';
import { queueModel } from '../../models/queue';
import { registerModel, type RegisterInput, type RegisterOutput } from '../../models/register';
import { setModel } from '../../models/set';
import type { Scalar } from '../../models/values';
import { OBJECTS, concurrentHistory, type HistoryOptions, type ObjectUnderTest } from '../../harness/arbitraries/histories';

/**
 * A non-deterministic model for the properties: a register whose writes may be lost. It checks
 * that the checker tries every successor state, not just the first.
 */
export const lossyRegisterModel: Model<Scalar, RegisterInput, RegisterOutput> = {
  ...registerModel,
  name: 'lossy-register',
  description: 'register whose writes may be lost',
  step(state, input, output) {
    if (input.f === 'write') return input.value === state ? [state] : [input.value, state];
    return registerModel.step(state, input, output);
  },
};

/** A generated history together with the model to check it against. */
export interface ModelCase {
  model: AnyModel;
  history: History<unknown, unknown>;
}

const PAIRS: readonly { model: AnyModel; object: ObjectUnderTest<any, any, any> }[] = [
  { model: registerModel, object: OBJECTS.register },
  { model: casRegisterModel, object: OBJECTS['cas-register'] },
  { model: kvModel, object: OBJECTS.kv },
  { model: kvUnpartitionedModel, object: OBJECTS.kv },
  { model: queueModel, object: OBJECTS.queue },
  { model: setModel, object: OBJECTS.set },
  { model: lossyRegisterModel, object: OBJECTS.register },
];

/**
 * Generated (model, history) cases over every shipped model, half of them with corrupted
 * outputs.
 */
export function modelCases(options: HistoryOptions = {}): fc.Arbitrary<ModelCase> {
  return fc.oneof(
    ...PAIRS.flatMap(({ model, object }) => [
      concurrentHistory(object, { ...options, corruptionRate: 0 }).map((history) => ({ model, history })),
      concurrentHistory(object, { corruptionRate: 0.3, ...options }).map((history) => ({ model, history })),
    ]),
  );
}

/** Generated linearizable (uncorrupted) cases over every shipped model. */
export function linearizableCases(options: HistoryOptions = {}): fc.Arbitrary<ModelCase> {
  return fc.oneof(...PAIRS.map(({ model, object }) => concurrentHistory(object, { ...options, corruptionRate: 0 }).map((history) => ({ model, history }))));
}

/** Prints a case compactly for counterexamples. */
export function describeCase({ model, history }: ModelCase): string {
  const ops = history.map((op) => `${op.id}:${op.client}[${op.call},${op.return ?? '∞'}] ${model.describeOperation(op.input, op.output)}`);
  return `${model.name}: ${ops.join('; ')}`;
}
