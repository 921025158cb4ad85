/**
 * fast-check arbitraries for concurrent histories.
 *
 * A history is made by running a sequential object under random concurrency: clients call
 * operations, each operation takes effect at one instant between its call and its return
 * (computed by a reference implementation of the object, independent of the models' step
 * functions), and returns. Such a history is linearizable by construction. Options add operations
 * whose outcome is unknown (they may or may not take effect) or that never return, and random
 * corruptions of observed outputs, which may or may not break linearizability.
 *
 * All randomness comes from fast-check values, so failing histories shrink.
 */
import fc from 'fast-check';
import { UNKNOWN, type Operation } from '../../models/model';
import type { CasRegisterInput, CasRegisterOutput } from '../../models/cas-register';
import type { KvInput, KvOutput } from '../../models/kv';
import type { QueueInput, QueueOutput } from '../../models/queue';
import type { RegisterInput, RegisterOutput } from '../../models/register';
import type { SetInput, SetOutput } from '../../models/set';
import type { Scalar } from '../../models/values';

/** A reference implementation of a sequential object, used to produce histories. */
export interface ObjectUnderTest<State, Input, Output> {
  /** Name of the model that specifies this object. */
  model: string;
  initial: State;
  /** Applies an operation and returns its output and the next state. */
  apply(state: State, input: Input): { output: Output; state: State };
  /** Generates operation inputs. */
  inputs: fc.Arbitrary<Input>;
  /**
   * Generates a replacement output for `input`, used to corrupt histories; operations whose
   * output carries no information (writes) get their usual output.
   */
  corruptOutput: (input: Input) => fc.Arbitrary<Output>;
  /**
   * Returns an output that no execution can produce for a read-like `input` (a value never
   * written), or undefined for inputs whose output carries no information.
   */
  impossibleOutput?: (input: Input) => Output | undefined;
}

/** What happens to an operation once called. */
type Fate = 'ok' | 'unknown' | 'pending';

interface PlannedOperation<Input, Output> {
  client: number;
  input: Input;
  fate: Fate;
  /** For unknown and pending operations: whether the effect happens at all. */
  takesEffect: boolean;
  corruption: Output | null;
}

/** Options of {@link concurrentHistory}. */
export interface HistoryOptions {
  /** Largest number of operations (default 8). */
  maxOperations?: number;
  /** Largest number of clients (default 3). */
  maxClients?: number;
  /** Relative weight of operations with unknown outcome, against 6 for completed ones (default 1). */
  unknownWeight?: number;
  /** Relative weight of operations that never return, against 6 for completed ones (default 1). */
  pendingWeight?: number;
  /** Probability that an operation's observed output is replaced by a generated one (default 0). */
  corruptionRate?: number;
}

/**
 * Arbitrary of histories of `object` under random concurrency.
 *
 * @example fc.assert(fc.property(concurrentHistory(casRegisterObject), (h) => check(casRegisterModel, h).result === 'ok'))
 */
export function concurrentHistory<S, I, O>(object: ObjectUnderTest<S, I, O>, options: HistoryOptions = {}): fc.Arbitrary<Operation<I, O>[]> {
  const maxOperations = options.maxOperations ?? 8;
  const maxClients = options.maxClients ?? 3;
  const unknownWeight = options.unknownWeight ?? 1;
  const pendingWeight = options.pendingWeight ?? 1;
  const corruptionRate = options.corruptionRate ?? 0;

  const fates: fc.WeightedArbitrary<Fate>[] = [{ arbitrary: fc.constant('ok'), weight: 6 }];
  if (unknownWeight > 0) fates.push({ arbitrary: fc.constant('unknown'), weight: unknownWeight });
  if (pendingWeight > 0) fates.push({ arbitrary: fc.constant('pending'), weight: pendingWeight });

  const planned = object.inputs.chain((input) =>
    fc.record({
      client: fc.nat(maxClients - 1),
      input: fc.constant(input),
      fate: fc.oneof(...fates),
      takesEffect: fc.boolean(),
      corruption:
        corruptionRate > 0
          ? fc.oneof({ arbitrary: fc.constant(null), weight: Math.round((1 - corruptionRate) * 100) }, { arbitrary: object.corruptOutput(input), weight: Math.round(corruptionRate * 100) })
          : fc.constant(null),
    }),
  ) as fc.Arbitrary<PlannedOperation<I, O>>;

  return fc
    .record({
      // size 'max' spreads lengths over the whole range instead of favouring short arrays.
      plan: fc.array(planned, { minLength: 1, maxLength: maxOperations, size: 'max' }),
      schedule: fc.array(fc.nat(), { maxLength: maxOperations * 4, size: 'max' }),
    })
    .map(({ plan, schedule }) => simulate(object, plan, schedule));
}

/**
 * Runs planned operations under the interleaving chosen by `schedule` (choice i picks among the
 * enabled events modulo their number; choice 0 once the schedule runs out). Time is the event
 * index.
 */
function simulate<S, I, O>(object: ObjectUnderTest<S, I, O>, plan: readonly PlannedOperation<I, O>[], schedule: readonly number[]): Operation<I, O>[] {
  const queues = new Map<number, number[]>();
  plan.forEach((p, index) => {
    const queue = queues.get(p.client) ?? [];
    queue.push(index);
    queues.set(p.client, queue);
  });

  type Phase = 'called' | 'effected';
  const active = new Map<number, { index: number; phase: Phase }>();
  const operations: (Operation<I, O> | undefined)[] = new Array(plan.length);
  const produced: (O | undefined)[] = new Array(plan.length);
  let state = object.initial;
  let time = 0;
  let choice = 0;

  for (;;) {
    // Enabled events, in a fixed order so the schedule is reproducible.
    const enabled: { client: number; kind: 'call' | 'effect' | 'return' }[] = [];
    for (const client of [...queues.keys()].sort((a, b) => a - b)) {
      const current = active.get(client);
      if (current === undefined) {
        if (queues.get(client)!.length > 0) enabled.push({ client, kind: 'call' });
        continue;
      }
      const p = plan[current.index]!;
      const willEffect = p.fate === 'ok' || p.takesEffect;
      if (current.phase === 'called' && willEffect) enabled.push({ client, kind: 'effect' });
      else if (p.fate !== 'pending') enabled.push({ client, kind: 'return' });
    }
    if (enabled.length === 0) break;

    const pick = enabled[(schedule[choice] ?? 0) % enabled.length]!;
    choice++;
    time++;

    if (pick.kind === 'call') {
      const index = queues.get(pick.client)!.shift()!;
      active.set(pick.client, { index, phase: 'called' });
      const p = plan[index]!;
      operations[index] = { id: index, client: `c${pick.client}`, input: p.input, call: time, output: UNKNOWN, return: null };
    } else if (pick.kind === 'effect') {
      const current = active.get(pick.client)!;
      const result = object.apply(state, plan[current.index]!.input);
      state = result.state;
      produced[current.index] = result.output;
      current.phase = 'effected';
    } else {
      const current = active.get(pick.client)!;
      active.delete(pick.client);
      const p = plan[current.index]!;
      const op = operations[current.index]!;
      op.return = time;
      if (p.fate === 'ok') op.output = p.corruption ?? (produced[current.index] as O);
    }
  }

  // Operations never called (their client was blocked by a pending one) are left out; ids are
  // renumbered densely in call order.
  return operations
    .filter((op): op is Operation<I, O> => op !== undefined)
    .sort((a, b) => a.call - b.call)
    .map((op, id) => ({ ...op, id }));
}

/** A value the generators never write, so reading it is certainly illegal. */
const NEVER_WRITTEN = 999;

const SMALL_VALUES: readonly Scalar[] = [0, 1, 2];
const value = fc.constantFrom(...SMALL_VALUES);
const valueOrNil = fc.constantFrom<Scalar>(null, ...SMALL_VALUES);

/** Register with values 0..2. */
export const registerObject: ObjectUnderTest<Scalar, RegisterInput, RegisterOutput> = {
  model: 'register',
  initial: null,
  apply: (state, input) => (input.f === 'write' ? { output: null, state: input.value } : { output: state, state }),
  inputs: fc.oneof(fc.constant<RegisterInput>({ f: 'read' }), value.map<RegisterInput>((v) => ({ f: 'write', value: v }))),
  corruptOutput: (input) => (input.f === 'read' ? valueOrNil : fc.constant(null)),
  impossibleOutput: (input) => (input.f === 'read' ? NEVER_WRITTEN : undefined),
};

/** Compare-and-set register with values 0..2. */
export const casRegisterObject: ObjectUnderTest<Scalar, CasRegisterInput, CasRegisterOutput> = {
  model: 'cas-register',
  initial: null,
  apply(state, input) {
    if (input.f === 'read') return { output: state, state };
    if (input.f === 'write') return { output: null, state: input.value };
    return state === input.from ? { output: true, state: input.to } : { output: false, state };
  },
  inputs: fc.oneof(
    fc.constant<CasRegisterInput>({ f: 'read' }),
    value.map<CasRegisterInput>((v) => ({ f: 'write', value: v })),
    fc.tuple(valueOrNil, value).map<CasRegisterInput>(([from, to]) => ({ f: 'cas', from, to })),
  ),
  corruptOutput: (input) => (input.f === 'cas' ? fc.boolean() : input.f === 'read' ? valueOrNil : fc.constant(null)),
  impossibleOutput: (input) => (input.f === 'read' ? NEVER_WRITTEN : undefined),
};

/**
 * Key-value store over keys `a`, `b`, … (`keys` of them) with values `x` and `y`.
 */
export function kvObjectWithKeys(keys: number): ObjectUnderTest<Readonly<Record<string, string>>, KvInput, KvOutput> {
  if (!Number.isInteger(keys) || keys < 1 || keys > 26) throw new Error(`kvObjectWithKeys needs 1 to 26 keys, got ${keys}`);
  const kvKey = fc.constantFrom(...Array.from({ length: keys }, (_, i) => String.fromCharCode(97 + i)));
  const kvValue = fc.constantFrom('x', 'y');
  return {
    model: 'kv',
    initial: {},
    apply(state, input) {
      const current = state[input.key] ?? '';
      if (input.f === 'get') return { output: current, state };
      const updated = input.f === 'put' ? input.value : current + input.value;
      return { output: null, state: { ...state, [input.key]: updated } };
    },
    inputs: fc.oneof(
      kvKey.map<KvInput>((key) => ({ f: 'get', key })),
      fc.tuple(kvKey, kvValue).map<KvInput>(([key, v]) => ({ f: 'put', key, value: v })),
      fc.tuple(kvKey, kvValue).map<KvInput>(([key, v]) => ({ f: 'append', key, value: v })),
    ),
    corruptOutput: (input) => (input.f === 'get' ? fc.constantFrom<KvOutput>('', 'x', 'y', 'xy', 'yx') : fc.constant(null)),
    impossibleOutput: (input) => (input.f === 'get' ? 'never written' : undefined),
  };
}

/** Key-value store over keys a and b. */
export const kvObject = kvObjectWithKeys(2);

/** FIFO queue of values 0..2. */
export const queueObject: ObjectUnderTest<readonly Scalar[], QueueInput, QueueOutput> = {
  model: 'queue',
  initial: [],
  apply(state, input) {
    if (input.f === 'enqueue') return { output: null, state: [...state, input.value] };
    return state.length === 0 ? { output: null, state } : { output: state[0]!, state: state.slice(1) };
  },
  inputs: fc.oneof(fc.constant<QueueInput>({ f: 'dequeue' }), value.map<QueueInput>((v) => ({ f: 'enqueue', value: v }))),
  corruptOutput: (input) => (input.f === 'dequeue' ? valueOrNil : fc.constant(null)),
  impossibleOutput: (input) => (input.f === 'dequeue' ? NEVER_WRITTEN : undefined),
};

/** Set of values 0..2. */
export const setObject: ObjectUnderTest<readonly Scalar[], SetInput, SetOutput> = {
  model: 'set',
  initial: [],
  apply(state, input) {
    if (input.f === 'read') return { output: [...state].sort(), state };
    const present = state.includes(input.value);
    if (input.f === 'contains') return { output: present, state };
    if (input.f === 'add') return { output: !present, state: present ? state : [...state, input.value] };
    return { output: present, state: state.filter((v) => v !== input.value) };
  },
  inputs: fc.oneof(
    { arbitrary: value.map<SetInput>((v) => ({ f: 'add', value: v })), weight: 2 },
    { arbitrary: value.map<SetInput>((v) => ({ f: 'remove', value: v })), weight: 1 },
    { arbitrary: value.map<SetInput>((v) => ({ f: 'contains', value: v })), weight: 2 },
    { arbitrary: fc.constant<SetInput>({ f: 'read' }), weight: 1 },
  ),
  corruptOutput: (input) => (input.f === 'read' ? fc.subarray([...SMALL_VALUES]) : fc.boolean()),
};

/** Every shipped object, by model name. */
export const OBJECTS = {
  register: registerObject,
  'cas-register': casRegisterObject,
  kv: kvObject,
  queue: queueObject,
  set: setObject,
} as const;
