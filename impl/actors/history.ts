/**
 * Turning a system state's log into a history for the checker, in a canonical form. Times are
 * replaced by their rank among the logged events, so two schedules that log the same events in
 * the same order give the same history, whatever other steps they interleave.
 */
import { UNKNOWN, type AnyModel, type History, type Operation } from '../../models/model';
import { check } from '../linearizability/checker';
import type { CheckResult } from '../linearizability/types';
import type { SystemState } from './runtime';
import type { HarnessOperation, SystemDefinition } from './types';

/** Model input of a harness operation (the key-value model's get and put). */
export function modelInput(operation: HarnessOperation): unknown {
  return operation.f === 'get' ? { f: 'get', key: operation.key } : { f: 'put', key: operation.key, value: operation.value ?? '' };
}

/**
 * Builds the history of a state: every called operation, with its return when logged; those
 * without one are pending. Times are ranks in the log.
 */
export function historyOf(state: SystemState, operations: readonly HarnessOperation[]): History<unknown, unknown> {
  const ops: Operation<unknown, unknown>[] = [];
  const byOp = new Map<number, Operation<unknown, unknown>>();
  state.log.forEach((event, rank) => {
    if (event.kind === 'call') {
      const op: Operation<unknown, unknown> = { id: ops.length, client: `c${event.op}`, input: modelInput(operations[event.op]!), call: rank, output: UNKNOWN, return: null };
      ops.push(op);
      byOp.set(event.op, op);
    } else {
      const op = byOp.get(event.op);
      if (op === undefined) return;
      op.return = rank;
      op.output = event.output;
    }
  });
  return ops;
}

/** Canonical text of a history, equal for equal histories. */
export function historyKey(history: History<unknown, unknown>): string {
  return history.map((op) => `${op.client}:${op.call}-${op.return ?? '*'}=${op.output === UNKNOWN ? '?' : JSON.stringify(op.output)}`).join(' ');
}

/** A linearizability checker as the explorers call it. */
export type HistoryChecker = (model: AnyModel, history: History<unknown, unknown>) => CheckResult;

/** The suite's checker with a 10 s budget per history. */
export const defaultChecker: HistoryChecker = (model, history) => check(model, history, { timeoutMs: 10_000 });

/** Memoized linearizability verdicts of histories, by canonical key. */
export class VerdictCache {
  private readonly verdicts = new Map<string, CheckResult>();

  constructor(
    private readonly system: SystemDefinition,
    private readonly checker: HistoryChecker = defaultChecker,
  ) {}

  /** Number of distinct histories checked. */
  get size(): number {
    return this.verdicts.size;
  }

  /** Checks a history (or returns the memoized verdict). */
  check(history: History<unknown, unknown>, key = historyKey(history)): CheckResult {
    let result = this.verdicts.get(key);
    if (result === undefined) {
      result = this.checker(this.system.model, history);
      this.verdicts.set(key, result);
    }
    return result;
  }
}
