/**
 * The compare-and-set register written as an XState v5 machine, and the model built from it.
 * It must agree with `casRegisterModel` on every history; a property checks that.
 */
import { assign, setup, type SnapshotFrom } from 'xstate';
import { casRegisterModel, type CasRegisterInput, type CasRegisterOutput } from '../cas-register';
import { describeScalar, type Scalar } from '../values';
import { machineModel } from './adapter';

type RegisterEvent = { type: 'read' } | { type: 'write'; value: Scalar } | { type: 'cas'; from: Scalar; to: Scalar };

/** Register machine: `value` is the register, `lastResult` the result of the last event. */
export const casRegisterMachine = setup({
  types: {
    context: {} as { value: Scalar; lastResult: CasRegisterOutput },
    events: {} as RegisterEvent,
  },
}).createMachine({
  id: 'cas-register',
  context: { value: null, lastResult: null },
  on: {
    read: { actions: assign({ lastResult: ({ context }) => context.value }) },
    write: { actions: assign({ value: ({ event }) => event.value, lastResult: null }) },
    cas: [
      {
        guard: ({ context, event }) => context.value === event.from,
        actions: assign({ value: ({ event }) => event.to, lastResult: true }),
      },
      { actions: assign({ lastResult: false }) },
    ],
  },
});

type RegisterSnapshot = SnapshotFrom<typeof casRegisterMachine>;

/** Builds the checker model of a register machine (the shipped one, or a variant for tests). */
export function casRegisterMachineModel(machine: typeof casRegisterMachine = casRegisterMachine, name = 'cas-register-xstate') {
  return machineModel<CasRegisterInput, CasRegisterOutput, typeof casRegisterMachine>(machine, {
    name,
    description: 'compare-and-set register with Jepsen etcd semantics, written as an XState v5 machine',
    toEvent: (input) => (input.f === 'read' ? { type: 'read' } : input.f === 'write' ? { type: 'write', value: input.value } : { type: 'cas', from: input.from, to: input.to }),
    resultOf: (snapshot: RegisterSnapshot) => snapshot.context.lastResult,
    outputMatches: (result, observed, input) => input.f === 'write' || result === observed,
    abstractState: (snapshot: RegisterSnapshot) => snapshot.context.value,
    describeOperation: casRegisterModel.describeOperation,
    describeState: (abstract) => describeScalar(abstract as Scalar),
    decodeInput: casRegisterModel.decodeInput,
    decodeOutput: casRegisterModel.decodeOutput,
  });
}

/** The XState form of the compare-and-set register. */
export const casRegisterXStateModel = casRegisterMachineModel();
