/**
 * Results and options of the linearizability checker.
 */

/** Verdict of a check: linearizable, not linearizable, or undecided within the budget. */
export type Verdict = 'ok' | 'illegal' | 'unknown';

/** Limits that make the checker return `unknown` rather than exhaust the machine. */
export interface CheckBudget {
  /** Wall-clock limit for the whole history, in milliseconds. Default: no limit. */
  timeoutMs?: number;
  /**
   * Limit on the memory held by the search (memo table, explored configurations and interned
   * states), in bytes. Default: 1 GiB.
   */
  maxMemoryBytes?: number;
}

/** Options of {@link check}. */
export interface CheckOptions extends CheckBudget {
  /**
   * How much evidence to collect:
   * - `minimal` (default): the longest partial linearization overall and, for an illegal history,
   *   the operation that cannot be placed; costs a copy of the search stack when it grows;
   * - `full`: also the longest partial linearization containing each operation, for the history
   *   view; costs time proportional to the stack depth at every step.
   */
  evidence?: 'minimal' | 'full';
  /** Check partitions even after one is found illegal, so that every partition has a verdict. */
  checkAllPartitions?: boolean;
  /** Called about every 16k search steps with the number of steps so far. */
  onProgress?: (steps: number) => void;
}

/** One step of a (partial) linearization: an operation and the model state after it. */
export interface LinearizationStep {
  /** Id of the operation in the checked history. */
  op: number;
  /** Model state after the operation, as the model describes it. */
  stateAfter: string;
}

/** Why a history is not linearizable, as far as the search got. */
export interface IllegalEvidence {
  /** The longest partial linearization found: a legal order of operations respecting real time. */
  longest: LinearizationStep[];
  /**
   * Id of the operation that cannot be placed: after the longest partial linearization, the search
   * reached the response of this operation without being able to linearize it.
   */
  blockedOp: number;
  /** Model state after the longest partial linearization. */
  state: string;
  /** Why the blocked operation cannot follow the longest partial linearization. */
  reason: string;
}

/** Outcome of checking one partition (sub-history) of a history. */
export interface PartitionResult {
  /** Position of the partition in the model's partition order. */
  index: number;
  result: Verdict | 'skipped';
  /** Number of operations in the partition. */
  operations: number;
  /** Ids of the partition's operations. */
  opIds: number[];
  /** Search steps (linearization attempts) made. */
  steps: number;
  /** Distinct configurations (set of linearized operations, state) stored in the memo. */
  configurations: number;
  /** Estimated bytes the search held at its end (memo, interned states, cached transitions). */
  memoryBytes: number;
  millis: number;
  /** For `ok`: operation ids in a linearization order. Open operations left out never took effect. */
  witness?: LinearizationStep[];
  /** For `illegal`: the evidence. */
  evidence?: IllegalEvidence;
  /** For `unknown`: which budget ran out. */
  unknownReason?: string;
  /** With `evidence: 'full'`: per operation id, the longest partial linearization containing it. */
  longestPerOp?: Map<number, LinearizationStep[]>;
}

/** Outcome of checking a history. */
export interface CheckResult {
  result: Verdict;
  /** Number of operations checked. */
  operations: number;
  partitions: PartitionResult[];
  millis: number;
  /** For `unknown`: which budget ran out first. */
  unknownReason?: string;
}
