/**
 * Bookkeeping shared by every explorer: counting schedules, collecting distinct histories,
 * checking them (online, after each response, when enabled), and remembering the first violation
 * with the schedule that produced it.
 */
import type { CheckResult } from '../linearizability/types';
import { historyKey, historyOf, VerdictCache, type HistoryChecker } from './history';
import type { ActorSystem, StepEffect, SystemState } from './runtime';
import { encodeToken } from './token';

/** Options common to every explorer. */
export interface ExploreOptions {
  /** Largest number of schedules to explore (DS2's cut-off is 50,000). */
  budget: number;
  /** Seed of every random choice. */
  seed: number;
  /** Check each history prefix after every response and stop a schedule at the first illegal one. */
  online?: boolean;
  /** Stop exploring after the first violation. */
  stopAtFirstBug?: boolean;
  /** Called every 500 schedules. */
  onProgress?: (schedules: number) => void;
  /** Return the canonical keys of every distinct history in the result. */
  collectHistories?: boolean;
  /** The checker applied to histories; replaced only by negative controls. */
  checker?: HistoryChecker;
  /** Wall-clock limit in milliseconds; the exploration stops (cut off) when it passes. */
  timeoutMs?: number;
}

/** A violation: the schedule that shows it, as a replay token, and the evidence. */
export interface Violation {
  token: string;
  choices: number[];
  /** 1-based index of the schedule that found it. */
  schedule: number;
  state: SystemState;
  result: CheckResult;
}

/** Outcome of one exploration, with DS2's metrics. */
export interface ExplorationResult {
  explorer: string;
  system: string;
  harness: string;
  /** Schedules explored (complete runs, or runs stopped by an illegal prefix). */
  schedules: number;
  /** Distinct histories observed at the ends of schedules. */
  uniqueHistories: number;
  /** Distinct histories that are not linearizable. */
  illegalHistories: number;
  /** Schedules explored up to and including the first violation, or null. */
  firstBugAt: number | null;
  /** Schedules whose history ended with pending operations (all of them were checked). */
  incompleteHistories: number;
  /** True when the explorer covered its whole (reduced) space before the budget ran out. */
  exhausted: boolean;
  /** True when the time limit stopped the exploration. */
  timedOut: boolean;
  millis: number;
  violation: Violation | null;
  /** With `collectHistories`: canonical keys of the distinct histories, sorted. */
  historyKeys?: string[];
}

export class ExplorationSession {
  schedules = 0;
  firstBugAt: number | null = null;
  incomplete = 0;
  violation: Violation | null = null;
  private readonly histories = new Set<string>();
  private readonly illegal = new Set<string>();
  private readonly cache: VerdictCache;
  private readonly started = performance.now();
  private readonly deadline: number;
  private timedOut = false;
  readonly online: boolean;

  constructor(
    readonly explorer: string,
    readonly system: ActorSystem,
    readonly options: ExploreOptions,
  ) {
    if (!Number.isInteger(options.budget) || options.budget < 1) {
      throw new Error(`the exploration budget must be a positive number of schedules, got ${options.budget}`);
    }
    this.online = options.online ?? true;
    this.deadline = options.timeoutMs === undefined ? Infinity : this.started + options.timeoutMs;
    this.cache = new VerdictCache(system.definition, options.checker);
  }

  /** True when the explorer must stop (budget spent, or first bug found with stopAtFirstBug). */
  get done(): boolean {
    if (this.schedules >= this.options.budget || (this.options.stopAtFirstBug === true && this.firstBugAt !== null)) return true;
    if (this.deadline !== Infinity && performance.now() > this.deadline) this.timedOut = true;
    return this.timedOut;
  }

  /**
   * After a step: with online checking, checks the history prefix when the step logged a
   * response. Returns true when the prefix is already illegal, so the schedule must end here.
   */
  prefixIllegal(state: SystemState, effect: StepEffect): boolean {
    if (!this.online || !effect.logged || !state.log.some((e) => e.kind === 'return')) return false;
    return this.cache.check(historyOf(state, this.system.harness.operations)).result === 'illegal';
  }

  /** Records the end of a schedule at `state`, reached by `choices`; returns true when its history is illegal. */
  endSchedule(state: SystemState, choices: readonly number[]): boolean {
    this.schedules++;
    const history = historyOf(state, this.system.harness.operations);
    const key = historyKey(history);
    if (history.some((op) => op.return === null)) this.incomplete++;
    this.histories.add(key);
    const result = this.cache.check(history, key);
    if (result.result === 'illegal') {
      this.illegal.add(key);
      if (this.firstBugAt === null) {
        this.firstBugAt = this.schedules;
        this.violation = { token: this.tokenOf(choices), choices: [...choices], schedule: this.schedules, state, result };
      }
    }
    if (this.schedules % 500 === 0) this.options.onProgress?.(this.schedules);
    return result.result === 'illegal';
  }

  /** Returns the replay token of a schedule. */
  tokenOf(choices: readonly number[]): string {
    const { config, definition, harness } = this.system;
    return encodeToken({ system: definition.name, harness: harness.name, config: { network: config.network, invokeAt: config.invokeAt, faults: config.faults }, choices: [...choices] });
  }

  /** Returns the metrics, with `exhausted` set when the explorer covered its whole space. */
  result(exhausted: boolean): ExplorationResult {
    return {
      explorer: this.explorer,
      system: this.system.definition.name,
      harness: this.system.harness.name,
      schedules: this.schedules,
      uniqueHistories: this.histories.size,
      illegalHistories: this.illegal.size,
      firstBugAt: this.firstBugAt,
      incompleteHistories: this.incomplete,
      exhausted,
      timedOut: this.timedOut,
      millis: performance.now() - this.started,
      violation: this.violation,
      ...(this.options.collectHistories ? { historyKeys: [...this.histories].sort() } : {}),
    };
  }

  /** Distinct history keys seen so far (for comparing explorers). */
  historyKeys(): ReadonlySet<string> {
    return this.histories;
  }

  /** True once the time limit has passed; the result then reports `timedOut`. */
  timeLimitPassed(): boolean {
    if (this.deadline !== Infinity && performance.now() > this.deadline) this.timedOut = true;
    return this.timedOut;
  }
}
