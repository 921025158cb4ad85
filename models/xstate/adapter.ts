/**
 * Adapter that turns an XState v5 machine into a {@link Model} for the checker.
 *
 * The machine is the sequential specification: each operation becomes one event, the machine's
 * pure `transition` function computes the next snapshot without running any action, and the
 * operation's result is read from the snapshot's context. Machines used this way must keep
 * plain-data context, have no children and no delayed transitions, and be deterministic.
 */
import { initialTransition, transition, type AnyStateMachine, type EventFromLogic, type EventObject, type SnapshotFrom } from 'xstate';
import { UNKNOWN, hashJson, type Model } from '../model';

/** How operations map onto a machine's events and results. */
export interface MachineModelOptions<Input, Output, Machine extends AnyStateMachine> {
  name: string;
  description: string;
  /** Turns an operation input into the event sent to the machine. */
  toEvent(input: Input): EventObject;
  /** Reads the operation's result from the snapshot after the event. */
  resultOf(snapshot: SnapshotFrom<Machine>, input: Input): Output;
  /** Returns true when the observed output agrees with the machine's result. */
  outputMatches(result: Output, observed: Output, input: Input): boolean;
  /** The part of a snapshot that future operations depend on (state value and context minus results). */
  abstractState(snapshot: SnapshotFrom<Machine>): unknown;
  /** Same as {@link Model.describeOperation}. */
  describeOperation: Model<unknown, Input, Output>['describeOperation'];
  /** Describes the abstract state. */
  describeState(abstract: unknown): string;
  partition?: Model<unknown, Input, Output>['partition'];
  decodeInput?: Model<unknown, Input, Output>['decodeInput'];
  decodeOutput?: Model<unknown, Input, Output>['decodeOutput'];
}

/**
 * Builds a model from an XState machine.
 *
 * @example
 * const model = machineModel(casRegisterMachine, { name: 'cas-register-xstate', toEvent: (i) => ({ type: i.f, ...i }), ... });
 */
export function machineModel<Input, Output, Machine extends AnyStateMachine>(
  machine: Machine,
  options: MachineModelOptions<Input, Output, Machine>,
): Model<SnapshotFrom<Machine>, Input, Output> {
  type Snapshot = SnapshotFrom<Machine>;
  const key = (snapshot: Snapshot) => JSON.stringify(options.abstractState(snapshot));

  const model: Model<Snapshot, Input, Output> = {
    name: options.name,
    description: options.description,

    // The generic machine type hides whether input is optional; register machines take none.
    init: () => (initialTransition as (logic: AnyStateMachine) => [unknown, unknown])(machine)[0] as Snapshot,

    step(state, input, output) {
      const [next] = transition(machine, state, options.toEvent(input) as EventFromLogic<Machine>);
      if ((next as { status?: string }).status === 'error') return [];
      if (output === UNKNOWN) return [next as Snapshot];
      return options.outputMatches(options.resultOf(next as Snapshot, input), output, input) ? [next as Snapshot] : [];
    },

    equal: (a, b) => key(a) === key(b),
    hash: (s) => hashJson(options.abstractState(s)),

    describeOperation: options.describeOperation,
    describeState: (s) => options.describeState(options.abstractState(s)),
  };
  if (options.partition !== undefined) model.partition = options.partition as Model<Snapshot, Input, Output>['partition'];
  if (options.decodeInput !== undefined) model.decodeInput = options.decodeInput;
  if (options.decodeOutput !== undefined) model.decodeOutput = options.decodeOutput;
  return model;
}
