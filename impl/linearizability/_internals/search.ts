/**
 * Wing–Gong search with Lowe's memoization over one partition of a history.
 *
 * The history becomes a doubly linked list of call and return entries in time order (calls before
 * returns at equal times, because intervals are closed). The search walks the list from its head:
 * at a call it tries to linearize that operation next, which means stepping the model and removing
 * ("lifting") the operation's entries from the list; at a return it has met an operation that
 * must already have taken effect but was not linearized, so it backtracks. The memo stores every
 * configuration (set of linearized operations, state) tried, because reaching one twice cannot
 * lead anywhere new.
 *
 * Open operations (output unknown: timed out, crashed, pending) have no return entry: they may
 * take effect at any point after their call or never. Two reductions keep them cheap, both sound
 * because an open operation never blocks anything:
 * - dominance: linearizing an open operation that leaves the state unchanged is skipped, because
 *   the configuration without it can do everything the one with it can;
 * - symmetry: among open operations with equal input keys that have all been called, only the
 *   earliest called is tried, because swapping them maps every future onto another.
 * The search succeeds as soon as every operation with a known output is linearized.
 */
import { UNKNOWN, type Model, type Operation } from '../../../models/model';
import { ConfigurationMemo } from './memo';
import { StateTable } from './states';

/**
 * Switches that change the search. Apart from `noOpenReductions`, each one reproduces a known
 * class of checker bug and exists only so that negative controls can break the checker on purpose.
 */
export interface SearchTuning {
  /** Bug: key the memo by the set of linearized operations only, forgetting the state. */
  memoWithoutState?: boolean;
  /** Bug: treat every operation as concurrent with every other (ignore real-time order). */
  ignoreRealTime?: boolean;
  /** Bug: order operations by id instead of by time, as if the input were sorted. */
  orderById?: boolean;
  /** Bug: drop operations with unknown outcome instead of letting them take effect. */
  dropOpenOperations?: boolean;
  /** Bug: report a history as linearizable when the budget runs out. */
  budgetExhaustedAsOk?: boolean;
  /** Turn off the dominance and symmetry reductions for open operations (sound, only slower). */
  noOpenReductions?: boolean;
}

export interface SearchLimits {
  deadline: number;
  maxMemoryBytes: number;
  evidence: 'minimal' | 'full';
  onProgress?: (steps: number) => void;
}

export interface SearchOutcome<S> {
  result: 'ok' | 'illegal' | 'unknown';
  steps: number;
  configurations: number;
  memoryBytes: number;
  unknownReason?: string;
  /** Linearization found (`ok`), as local operation indexes and state ids after each. */
  witness?: { ops: number[]; states: number[] };
  /** Longest partial linearization (`illegal`), the blocked operation and why. */
  longest?: { ops: number[]; states: number[]; blocked: number; reason: string };
  /** With `evidence: 'full'`: per local operation, the longest partial linearization containing it. */
  longestPerOp?: { ops: number[]; states: number[] }[];
  stateTable: StateTable<S>;
}

const PROGRESS_INTERVAL = 1 << 14;
const BUDGET_INTERVAL = 1 << 10;

/**
 * Searches for a linearization of `ops` (one partition, in any order).
 *
 * @param ops - the partition's operations; the outcome refers to them by index into this array
 */
export function searchPartition<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  limits: SearchLimits,
  tuning: SearchTuning = {},
): SearchOutcome<S> {
  const n = ops.length;
  const stateTable = new StateTable<S>(model as Model<S, unknown, unknown>);
  const initialState = stateTable.intern(model.init());

  // Entries: 2*o is the call of operation o and 2*o+1 its return; open operations have no return
  // in the list. Sort by time, calls first at equal times, then by operation index.
  const open = new Uint8Array(n);
  const entries: number[] = [];
  let closedCount = 0;
  for (let o = 0; o < n; o++) {
    const op = ops[o]!;
    entries.push(2 * o);
    if (op.output === UNKNOWN) {
      open[o] = 1;
    } else {
      entries.push(2 * o + 1);
      closedCount++;
    }
  }
  const timeOf = (e: number): number => {
    const op = ops[e >> 1]!;
    if (tuning.ignoreRealTime) return e & 1;
    if (tuning.orderById) return 2 * op.id + (e & 1);
    return (e & 1) === 0 ? op.call : (op.return as number);
  };
  entries.sort((a, b) => timeOf(a) - timeOf(b) || (a & 1) - (b & 1) || (a >> 1) - (b >> 1));

  // Doubly linked list over entry slots 1..m; slot 0 is the head sentinel.
  const m = entries.length;
  const entryOf = new Int32Array(m + 1);
  const next = new Int32Array(m + 2);
  const prev = new Int32Array(m + 2);
  const callSlot = new Int32Array(n);
  const returnSlot = new Int32Array(n).fill(-1);
  for (let i = 0; i < m; i++) {
    const slot = i + 1;
    const e = entries[i]!;
    entryOf[slot] = e;
    if ((e & 1) === 0) callSlot[e >> 1] = slot;
    else returnSlot[e >> 1] = slot;
  }
  for (let slot = 0; slot <= m; slot++) {
    next[slot] = slot + 1 <= m ? slot + 1 : 0;
    prev[slot] = slot === 0 ? m : slot - 1;
  }
  // next[...] === 0 marks the end of the list.
  if (m === 0) next[0] = 0;

  // Symmetry chains: for each open operation, the previously called open operation with the
  // same input key, or -1.
  const previousTwin = new Int32Array(n).fill(-1);
  if (!tuning.noOpenReductions) {
    const inputKey = model.inputKey ?? ((input: I) => JSON.stringify(input));
    const lastByKey = new Map<string, number>();
    for (let i = 0; i < m; i++) {
      const e = entries[i]!;
      if ((e & 1) !== 0 || open[e >> 1] === 0) continue;
      const o = e >> 1;
      const key = inputKey(ops[o]!.input);
      const last = lastByKey.get(key);
      if (last !== undefined) previousTwin[o] = last;
      lastByKey.set(key, o);
    }
  }

  // Zobrist keys for the linearized set.
  const zobrist = new Int32Array(n);
  let seed = 0x2545f491;
  for (let o = 0; o < n; o++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    zobrist[o] = seed;
  }

  const words = Math.max(1, Math.ceil(n / 32));
  const linearized = new Uint32Array(words);
  let setHash = 0;
  const memo = new ConfigurationMemo(words, !tuning.memoWithoutState);

  // Search stack: operation, state before it, and which of the model's successor states was taken.
  const stackOp = new Int32Array(n);
  const stackState = new Int32Array(n);
  const stackAlt = new Int32Array(n);
  const stackSuccessors: (readonly number[])[] = new Array(n);
  let depth = 0;
  let state = initialState;
  let closedLinearized = 0;

  // Evidence.
  let longestDepth = -1;
  let longestOps: number[] = [];
  let longestStates: number[] = [];
  let blocked = -1;
  let blockedReason = '';
  const stateAfter = new Int32Array(n);
  const perOp: { ops: number[]; states: number[] }[] | undefined =
    limits.evidence === 'full' ? Array.from({ length: n }, () => ({ ops: [], states: [] })) : undefined;

  const lift = (o: number): void => {
    const c = callSlot[o]!;
    next[prev[c]!] = next[c]!;
    prev[next[c]!] = prev[c]!;
    const r = returnSlot[o]!;
    if (r !== -1) {
      next[prev[r]!] = next[r]!;
      prev[next[r]!] = prev[r]!;
    }
  };
  const unlift = (o: number): void => {
    const r = returnSlot[o]!;
    if (r !== -1) {
      prev[next[r]!] = r;
      next[prev[r]!] = r;
    }
    const c = callSlot[o]!;
    prev[next[c]!] = c;
    next[prev[c]!] = c;
  };

  const snapshot = (): { ops: number[]; states: number[] } => ({
    ops: Array.from(stackOp.subarray(0, depth)),
    states: Array.from(stateAfter.subarray(0, depth)),
  });

  // Transition cache: the interned successor states of (state id, operation). WGL revisits the
  // same pair many times under different linearized sets, and stepping plus interning a state
  // costs far more than a map lookup.
  const transitions = new Map<number, readonly number[]>();
  const NO_SUCCESSORS: readonly number[] = [];
  const successorsOf = (o: number, from: number): readonly number[] => {
    const key = from * n + o;
    let cached = transitions.get(key);
    if (cached === undefined) {
      const next = model.step(stateTable.states[from] as S, ops[o]!.input, ops[o]!.output);
      cached = next.length === 0 ? NO_SUCCESSORS : next.map((st) => stateTable.intern(st));
      transitions.set(key, cached);
    }
    return cached;
  };

  /**
   * Tries successors of operation `o` from state `state`, starting at alternative `fromAlt`.
   * Pushes and returns true on the first new configuration.
   */
  const tryPush = (o: number, successors: readonly number[], fromAlt: number): boolean => {
    const isOpen = open[o] === 1;
    const word = o >>> 5;
    const bit = 1 << (o & 31);
    for (let alt = fromAlt; alt < successors.length; alt++) {
      const nextState = successors[alt]!;
      if (isOpen && nextState === state && !tuning.noOpenReductions) continue;
      linearized[word]! |= bit;
      const nextHash = setHash ^ zobrist[o]!;
      if (memo.add(linearized, nextHash, nextState, stateTable.mixedHashes[nextState]!)) {
        stackOp[depth] = o;
        stackState[depth] = state;
        stackAlt[depth] = alt;
        stackSuccessors[depth] = successors;
        stateAfter[depth] = nextState;
        depth++;
        setHash = nextHash;
        state = nextState;
        if (!isOpen) closedLinearized++;
        lift(o);
        return true;
      }
      linearized[word]! &= ~bit;
    }
    return false;
  };

  // About 80 bytes per cached transition (map entry plus a small array) is an estimate.
  const memoryBytes = (): number => memo.bytes + stateTable.bytes + transitions.size * 80;

  let steps = 0;
  let slot = next[0]!;
  for (;;) {
    if (closedLinearized === closedCount) {
      return { result: 'ok', steps, configurations: memo.size, memoryBytes: memoryBytes(), witness: snapshot(), longestPerOp: perOp, stateTable };
    }

    steps++;
    if ((steps & (BUDGET_INTERVAL - 1)) === 0) {
      if (limits.onProgress !== undefined && (steps & (PROGRESS_INTERVAL - 1)) === 0) limits.onProgress(steps);
      if (performance.now() > limits.deadline) {
        return { result: 'unknown', steps, configurations: memo.size, memoryBytes: memoryBytes(), unknownReason: 'time budget exhausted', stateTable };
      }
      if (memoryBytes() > limits.maxMemoryBytes) {
        return { result: 'unknown', steps, configurations: memo.size, memoryBytes: memoryBytes(), unknownReason: 'memory budget exhausted', stateTable };
      }
    }

    const e = entryOf[slot]!;
    const o = e >> 1;

    if ((e & 1) === 0) {
      // A call: try to linearize operation o next.
      const twin = previousTwin[o]!;
      if (twin !== -1 && (linearized[twin >>> 5]! & (1 << (twin & 31))) === 0) {
        slot = next[slot]!;
        continue;
      }
      const successors = successorsOf(o, state);
      if (successors.length > 0 && tryPush(o, successors, 0)) {
        if (depth > longestDepth) {
          longestDepth = depth;
          const snap = snapshot();
          longestOps = snap.ops;
          longestStates = snap.states;
          blocked = -1;
        }
        if (perOp !== undefined) recordPerOp(perOp, stackOp, stateAfter, depth);
        slot = next[0]!;
      } else {
        slot = next[slot]!;
      }
      continue;
    }

    // A return of an operation that is not linearized yet: record evidence, then backtrack.
    if (depth === longestDepth && blocked === -1) {
      blocked = o;
      const stepped = model.step(stateTable.states[state] as S, ops[o]!.input, ops[o]!.output);
      blockedReason =
        stepped.length === 0
          ? `${model.describeOperation(ops[o]!.input, ops[o]!.output)} is illegal in state ${model.describeState(stateTable.states[state] as S)}`
          : `${model.describeOperation(ops[o]!.input, ops[o]!.output)} is legal in state ${model.describeState(stateTable.states[state] as S)}, but every continuation after it was already explored and failed`;
    }
    if (longestDepth < 0 && blocked === -1) {
      longestDepth = 0;
      blocked = o;
      const stepped = model.step(stateTable.states[state] as S, ops[o]!.input, ops[o]!.output);
      blockedReason =
        stepped.length === 0
          ? `${model.describeOperation(ops[o]!.input, ops[o]!.output)} is illegal in the initial state ${model.describeState(stateTable.states[state] as S)}`
          : `${model.describeOperation(ops[o]!.input, ops[o]!.output)} cannot be placed first`;
    }

    let resumed = false;
    while (depth > 0 && !resumed) {
      depth--;
      const top = stackOp[depth]!;
      linearized[top >>> 5]! &= ~(1 << (top & 31));
      setHash ^= zobrist[top]!;
      if (open[top] === 0) closedLinearized--;
      unlift(top);
      state = stackState[depth]!;
      const successors = stackSuccessors[depth]!;
      stackSuccessors[depth] = NO_SUCCESSORS;
      // Other successor states of the same operation first (non-deterministic models).
      if (tryPush(top, successors, stackAlt[depth]! + 1)) {
        if (perOp !== undefined) recordPerOp(perOp, stackOp, stateAfter, depth);
        slot = next[0]!;
        resumed = true;
      } else {
        slot = next[callSlot[top]!]!;
        resumed = true;
      }
    }
    if (!resumed) {
      return {
        result: 'illegal',
        steps,
        configurations: memo.size,
        memoryBytes: memoryBytes(),
        longest: { ops: longestOps, states: longestStates, blocked, reason: blockedReason },
        longestPerOp: perOp,
        stateTable,
      };
    }
  }
}

function recordPerOp(perOp: { ops: number[]; states: number[] }[], stackOp: Int32Array, stateAfter: Int32Array, depth: number): void {
  for (let d = 0; d < depth; d++) {
    const o = stackOp[d]!;
    if (perOp[o]!.ops.length < depth) {
      perOp[o] = { ops: Array.from(stackOp.subarray(0, depth)), states: Array.from(stateAfter.subarray(0, depth)) };
    }
  }
}
