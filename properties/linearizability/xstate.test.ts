/**
 * The compare-and-set register as an XState machine must be the same model as the plain one.
 */
import fc from 'fast-check';
import { assign, setup } from 'xstate';
import { describe } from 'vitest';
import { UNKNOWN, type Model, type Unknown } from '../../models/model';
import { casRegisterModel, type CasRegisterInput, type CasRegisterOutput } from '../../models/cas-register';
import { casRegisterMachine, casRegisterMachineModel, casRegisterXStateModel } from '../../models/xstate/cas-register';
import type { Scalar } from '../../models/values';
import { casRegisterObject, concurrentHistory } from '../../harness/arbitraries/histories';
import { propertyInvariant } from '../../harness/testing/invariant';
import { check } from '../../impl/linearizability/checker';

type RegisterEvent = { type: 'read' } | { type: 'write'; value: Scalar } | { type: 'cas'; from: Scalar; to: Scalar };

/** Broken variant of the machine: a cas that does not match still writes its new value. */
const failedCasWritesMachine = setup({
  types: {
    context: {} as { value: Scalar; lastResult: CasRegisterOutput },
    events: {} as RegisterEvent,
  },
}).createMachine({
  id: 'cas-register-broken',
  context: { value: null, lastResult: null },
  on: {
    read: { actions: assign({ lastResult: ({ context }) => context.value }) },
    write: { actions: assign({ value: ({ event }) => event.value, lastResult: null }) },
    cas: [
      { guard: ({ context, event }) => context.value === event.from, actions: assign({ value: ({ event }) => event.to, lastResult: true }) },
      { actions: assign({ value: ({ event }) => event.to, lastResult: false }) },
    ],
  },
});

type CasModel = Model<unknown, CasRegisterInput, CasRegisterOutput>;

describe('XState model', () => {
  const value = fc.constantFrom<Scalar>(null, 0, 1, 2);
  const input = fc.oneof(
    fc.constant<CasRegisterInput>({ f: 'read' }),
    value.map<CasRegisterInput>((v) => ({ f: 'write', value: v })),
    fc.tuple(value, value).map<CasRegisterInput>(([from, to]) => ({ f: 'cas', from, to })),
  );
  const output = fc.oneof(fc.constant<CasRegisterOutput | Unknown>(UNKNOWN), fc.boolean(), value);

  propertyInvariant<CasModel>({
    id: 'linearizability/xstate-model-agrees',
    subject: casRegisterXStateModel as CasModel,
    controls: [
      {
        name: 'machine whose failed cas still writes',
        subject: casRegisterMachineModel(failedCasWritesMachine as unknown as typeof casRegisterMachine, 'cas-register-xstate-broken') as CasModel,
      },
    ],
    numRuns: { quick: 300, full: 3000 },
    property: (machineModel) =>
      fc.property(fc.array(fc.tuple(input, output), { maxLength: 6 }), concurrentHistory(casRegisterObject, { corruptionRate: 0.3 }), (steps, history) => {
        // Step by step from the initial state: the same steps are legal and lead to equal states.
        let plain: Scalar = casRegisterModel.init();
        let machine = machineModel.init();
        for (const [i, o] of steps) {
          const a = casRegisterModel.step(plain, i, o);
          const b = machineModel.step(machine, i, o);
          if (a.length !== b.length) return false;
          if (a.length === 0) continue;
          if (casRegisterModel.describeState(a[0]!) !== machineModel.describeState(b[0]!)) return false;
          plain = a[0]!;
          machine = b[0]!;
        }
        // Whole histories: the same verdict.
        return check(casRegisterModel, history).result === check(machineModel, history).result;
      }),
  });
});
