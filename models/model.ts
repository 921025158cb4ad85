/**
 * Sequential models and the histories checked against them.
 *
 * A model is a handful of pure functions over immutable states: the initial state, the step
 * relation, an optional partition of a history into independent sub-histories, equality and hash
 * of states, and text descriptions for evidence. The checker only ever calls these functions, so
 * users plug in their own systems by writing one object.
 */

/** Marker for an operation output that was never observed (timed out, crashed or still pending). */
export const UNKNOWN: unique symbol = Symbol('unknown output');
export type Unknown = typeof UNKNOWN;

/**
 * One operation of a concurrent history.
 *
 * Times are numbers on any monotonic clock; only their order matters and intervals are closed, so
 * an operation that returns at time 20 overlaps one called at time 20.
 *
 * An operation whose `output` is {@link UNKNOWN} is open: it may take effect at any point after
 * its call, or never, whatever its `return` time says. This is Jepsen's meaning of `:info`
 * (indeterminate) and the only sound reading of a timeout. A `return` of `null` marks an operation
 * that never returned (pending); its output must be unknown.
 */
export interface Operation<Input, Output> {
  /** Index of the operation in its history, 0-based; unique within the history. */
  id: number;
  /** Client (process, thread) that issued the operation. */
  client: string;
  input: Input;
  /** Time of invocation. */
  call: number;
  /** Observed output, or {@link UNKNOWN}. */
  output: Output | Unknown;
  /** Time of the response, or `null` when the operation never returned. */
  return: number | null;
  /** 1-based line of the source file the operation was read from, when parsed from a file. */
  line?: number;
}

/** A concurrent history: operations in any order, each with its invocation and response times. */
export type History<Input, Output> = readonly Operation<Input, Output>[];

/** A sequential specification that histories are checked against. */
export interface Model<State, Input, Output> {
  /** Name used on the command line (`--model NAME`) and in reports. */
  readonly name: string;
  /** One sentence on what the model specifies. */
  readonly description: string;

  /** Returns the initial state. */
  init(): State;

  /**
   * Returns every state the object can be in after applying `input` to `state` and producing
   * `output`; an empty array means the step is illegal. When `output` is {@link UNKNOWN} the step
   * is legal for any output the operation could have produced. Deterministic models return at
   * most one state.
   */
  step(state: State, input: Input, output: Output | Unknown): readonly State[];

  /** Returns true when the two states are indistinguishable to every future operation. */
  equal(a: State, b: State): boolean;

  /** Returns a 32-bit hash consistent with {@link equal}. */
  hash(state: State): number;

  /**
   * Splits a history into sub-histories that can be checked independently (P-compositionality:
   * the history is linearizable iff every sub-history is). Operations keep their ids. Omit it
   * when no such split exists.
   */
  partition?(history: History<Input, Output>): History<Input, Output>[];

  /**
   * Returns a key equal for two inputs that have the same effect on every state; the checker
   * uses it to try only one of several interchangeable open operations. Defaults to the JSON
   * text of the input.
   */
  inputKey?(input: Input): string;

  /**
   * Reads an operation input from parsed JSON, for JSON histories.
   *
   * @throws Error saying which field is wrong and what was expected
   */
  decodeInput?(raw: unknown): Input;

  /**
   * Reads an observed output of `input` from parsed JSON, for JSON histories.
   *
   * @throws Error saying what was expected
   */
  decodeOutput?(raw: unknown, input: Input): Output;

  /** Describes an operation in one line, for example `cas(1 → 3) = ok`. */
  describeOperation(input: Input, output: Output | Unknown): string;

  /** Describes a state in one line, for example `3`. */
  describeState(state: State): string;
}

/** A model with its type parameters erased, as the command line and the registry hold them. */
export type AnyModel = Model<any, any, any>;

/** Returns true when the operation's output is unknown (it is open). */
export function isOpen<I, O>(op: Operation<I, O>): boolean {
  return op.output === UNKNOWN;
}

/**
 * Groups a history by a key of each operation's input, in key order, which is the partition every
 * keyed model (key-value stores, per-key registers) uses. Operations keep their ids.
 */
export function partitionByKey<I, O>(history: History<I, O>, keyOf: (input: I) => string): History<I, O>[] {
  const groups = new Map<string, Operation<I, O>[]>();
  for (const op of history) {
    const key = keyOf(op.input);
    let group = groups.get(key);
    if (group === undefined) {
      group = [];
      groups.set(key, group);
    }
    group.push(op);
  }
  return [...groups.keys()].sort().map((key) => groups.get(key)!);
}

/** Hashes a string to 32 bits (FNV-1a), for model state hashes. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Hashes a JSON-like value to 32 bits through its JSON text. */
export function hashJson(value: unknown): number {
  return hashString(JSON.stringify(value) ?? 'undefined');
}
