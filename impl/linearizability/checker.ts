/**
 * Linearizability checker: decides whether a concurrent history could have been produced by some
 * sequential execution of a model in which every operation takes effect at one instant between
 * its call and its return.
 *
 * The history is first split with the model's partition (P-compositionality: it is linearizable
 * iff every partition is), then each partition is searched with Wing and Gong's algorithm and
 * Lowe's memo of configurations. The first illegal partition decides the verdict and stops the
 * check. A time or memory budget that runs out yields `unknown`, never a pass.
 */
import { UNKNOWN, type History, type Model, type Operation } from '../../models/model';
import { searchPartition, type SearchTuning } from './_internals/search';
import type { CheckOptions, CheckResult, LinearizationStep, PartitionResult } from './types';
import { validateHistory } from './validate';

const DEFAULT_MAX_MEMORY_BYTES = 1 << 30;

/**
 * Checks a history for linearizability with respect to `model`.
 *
 * @example
 * const result = check(casRegisterModel, history, { timeoutMs: 10_000 });
 * if (result.result === 'illegal') console.log(result.partitions.find((p) => p.evidence)?.evidence);
 * @param model - the sequential specification
 * @param history - operations with call and return times; validated first
 * @param options - budgets and how much evidence to collect
 * @returns the verdict, per-partition outcomes, a witness linearization for each linearizable
 *   partition, and evidence for an illegal one
 * @throws HistoryError when the history is malformed
 */
export function check<S, I, O>(model: Model<S, I, O>, history: History<I, O>, options: CheckOptions = {}): CheckResult {
  return checkWithTuning(model, history, options, {});
}

/**
 * {@link check} with tuning switches; the switches exist only for negative controls.
 *
 * @internal
 */
export function checkWithTuning<S, I, O>(model: Model<S, I, O>, history: History<I, O>, options: CheckOptions, tuning: SearchTuning): CheckResult {
  validateHistory(history);
  const started = performance.now();
  const deadline = options.timeoutMs === undefined ? Infinity : started + options.timeoutMs;
  const maxMemoryBytes = options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;
  const evidence = options.evidence ?? 'minimal';

  const parts = model.partition === undefined ? [history] : model.partition(history);
  const partitions: PartitionResult[] = [];
  let verdict: CheckResult['result'] = 'ok';
  let unknownReason: string | undefined;

  for (let index = 0; index < parts.length; index++) {
    const ops = tuning.dropOpenOperations ? parts[index]!.filter((op) => op.output !== UNKNOWN) : parts[index]!;
    if (verdict === 'illegal' && !options.checkAllPartitions) {
      partitions.push({ index, result: 'skipped', operations: ops.length, opIds: ops.map((op) => op.id), steps: 0, configurations: 0, memoryBytes: 0, millis: 0 });
      continue;
    }

    const partStarted = performance.now();
    const outcome = searchPartition(model, ops, { deadline, maxMemoryBytes, evidence, onProgress: options.onProgress }, tuning);
    const describe = (local: number[], states: number[]): LinearizationStep[] =>
      local.map((o, i) => ({ op: ops[o]!.id, stateAfter: model.describeState(outcome.stateTable.states[states[i]!] as S) }));

    const part: PartitionResult = {
      index,
      result: outcome.result,
      operations: ops.length,
      opIds: ops.map((op) => op.id),
      steps: outcome.steps,
      configurations: outcome.configurations,
      memoryBytes: outcome.memoryBytes,
      millis: performance.now() - partStarted,
    };
    if (outcome.witness !== undefined) part.witness = describe(outcome.witness.ops, outcome.witness.states);
    if (outcome.longest !== undefined) {
      const longest = describe(outcome.longest.ops, outcome.longest.states);
      const lastState = outcome.longest.states.length === 0 ? model.describeState(model.init()) : longest[longest.length - 1]!.stateAfter;
      part.evidence = { longest, blockedOp: ops[outcome.longest.blocked]!.id, state: lastState, reason: outcome.longest.reason };
    }
    if (outcome.longestPerOp !== undefined) {
      part.longestPerOp = new Map(outcome.longestPerOp.map((p, o) => [ops[o]!.id, describe(p.ops, p.states)]));
    }
    if (outcome.unknownReason !== undefined) part.unknownReason = outcome.unknownReason;
    partitions.push(part);

    if (outcome.result === 'unknown' && tuning.budgetExhaustedAsOk) part.result = 'ok';
    if (part.result === 'illegal') verdict = 'illegal';
    else if (part.result === 'unknown' && verdict === 'ok') {
      verdict = 'unknown';
      unknownReason = outcome.unknownReason;
    }
  }

  const result: CheckResult = { result: verdict, operations: history.length, partitions, millis: performance.now() - started };
  if (verdict === 'unknown' && unknownReason !== undefined) result.unknownReason = unknownReason;
  return result;
}

/** Returns the operations of a history indexed by id. */
export function indexById<I, O>(history: History<I, O>): Map<number, Operation<I, O>> {
  return new Map(history.map((op) => [op.id, op]));
}
