/**
 * Records larger histories than the fast-check arbitraries produce, by running an object under
 * a random schedule drawn from the suite's seeded generator. The suite uses them where no
 * recorded data is available and for scale runs (many clients, thousands of operations).
 */
import fc from 'fast-check';
import { UNKNOWN, type Operation } from '../../models/model';
import { Rng } from '../rng';
import type { ObjectUnderTest } from './histories';

/** Options of {@link recordHistory}. */
export interface RecordOptions<Input> {
  /** Number of concurrent clients. */
  clients: number;
  /** Number of operations to call in total. */
  operations: number;
  /** Probability that an operation's outcome is unknown (it may or may not take effect). Default 0.05. */
  unknownRate?: number;
  /**
   * Number of read-like operations whose output is replaced by one no execution can produce,
   * making the history certainly not linearizable. Default 0. Needs `object.impossibleOutput`.
   */
  corruptGets?: number;
  /** Chooses the input of a client's `index`-th operation; defaults to sampling `object.inputs`. */
  nextInput?: (rng: Rng, client: number, index: number) => Input;
}

/**
 * Runs `object` under a random schedule and returns the history. Each operation is called, takes
 * effect at a random later event, and returns later still; operations still open when the last
 * one is called stay pending. Without corruption the history is linearizable by construction.
 */
export function recordHistory<S, I, O>(object: ObjectUnderTest<S, I, O>, rng: Rng, options: RecordOptions<I>): Operation<I, O>[] {
  const { clients, operations } = options;
  if (!Number.isInteger(clients) || clients < 1) throw new Error(`recordHistory needs at least 1 client, got ${clients}`);
  if (!Number.isInteger(operations) || operations < 1) throw new Error(`recordHistory needs at least 1 operation, got ${operations}`);
  const unknownRate = options.unknownRate ?? 0.05;
  const sampled = options.nextInput === undefined ? fc.sample(object.inputs, { seed: rng.int(0, 0x7fffffff), numRuns: operations }) : [];
  const nextInput = options.nextInput ?? ((_rng: Rng, _client: number, index: number) => sampled[index % sampled.length]!);

  type Active = { op: Operation<I, O>; effected: boolean; output: O | undefined; unknown: boolean; skipEffect: boolean };
  const active: (Active | undefined)[] = new Array(clients);
  const history: Operation<I, O>[] = [];
  const perClient = new Array<number>(clients).fill(0);
  let state = object.initial;
  let time = 0;
  let called = 0;

  for (;;) {
    const choices: { client: number; kind: 'call' | 'effect' | 'return' }[] = [];
    for (let client = 0; client < clients; client++) {
      const current = active[client];
      if (current === undefined) {
        if (called < operations) choices.push({ client, kind: 'call' });
      } else if (!current.effected && !current.skipEffect) choices.push({ client, kind: 'effect' });
      else choices.push({ client, kind: 'return' });
    }
    if (choices.length === 0) break;
    if (called >= operations && choices.every((c) => c.kind !== 'effect')) {
      // Everything is called; finish the remaining effects and returns, leaving a few pending.
      if (rng.bool(0.1)) break;
    }

    const pick = rng.pick(choices);
    time++;
    if (pick.kind === 'call') {
      const input = nextInput(rng, pick.client, called);
      const op: Operation<I, O> = { id: history.length, client: String(pick.client), input, call: time, output: UNKNOWN, return: null };
      history.push(op);
      const unknown = rng.bool(unknownRate);
      active[pick.client] = { op, effected: false, output: undefined, unknown, skipEffect: unknown && rng.bool(0.5) };
      perClient[pick.client]!++;
      called++;
    } else if (pick.kind === 'effect') {
      const current = active[pick.client]!;
      const result = object.apply(state, current.op.input);
      state = result.state;
      current.output = result.output;
      current.effected = true;
    } else {
      const current = active[pick.client]!;
      active[pick.client] = undefined;
      current.op.return = time;
      if (!current.unknown) current.op.output = current.output as O;
    }
  }

  // Corrupt some read-like outputs with values no execution produces.
  const corrupt = options.corruptGets ?? 0;
  if (corrupt > 0) {
    if (object.impossibleOutput === undefined) throw new Error(`recordHistory cannot corrupt ${object.model} histories: the object has no impossibleOutput`);
    const candidates = history.filter((op) => op.output !== UNKNOWN && object.impossibleOutput!(op.input) !== undefined);
    rng.shuffle(candidates);
    for (const op of candidates.slice(0, corrupt)) op.output = object.impossibleOutput(op.input) as O;
  }
  return history;
}
