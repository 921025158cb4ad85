/**
 * Replaying schedules: by choice indices (replay tokens) or by transition ids (minimization), and
 * minimizing a failing schedule to one from which no single step can be removed.
 */
import type { CheckResult } from '../linearizability/types';
import { check } from '../linearizability/checker';
import { historyOf } from './history';
import type { ActorSystem, SystemState } from './runtime';
import { ActorSystem as System } from './runtime';

/** Outcome of replaying a schedule. */
export interface ReplayOutcome {
  state: SystemState;
  /** Transition ids of the steps taken. */
  steps: string[];
  result: CheckResult;
}

/**
 * Replays choice indices from the initial state and checks the resulting history.
 *
 * @throws Error naming the step when a choice is out of range (the token does not fit this system).
 */
export function replayChoices(system: ActorSystem, choices: readonly number[]): ReplayOutcome {
  let state = system.initial();
  const steps: string[] = [];
  choices.forEach((choice, index) => {
    const enabled = system.enabled(state);
    if (choice >= enabled.length) {
      throw new Error(`replay failed at step ${index + 1}: choice ${choice} but only ${enabled.length} transitions are enabled; the token does not belong to this system, harness or version`);
    }
    steps.push(System.transitionId(enabled[choice]!));
    state = system.apply(state, enabled[choice]!).state;
  });
  return { state, steps, result: check(system.definition.model, historyOf(state, system.harness.operations)) };
}

/**
 * Replays transition ids. Returns null when a step is not enabled when its turn comes (the
 * schedule is invalid for this system).
 */
export function replaySteps(system: ActorSystem, steps: readonly string[]): { state: SystemState; choices: number[]; result: CheckResult } | null {
  let state = system.initial();
  const choices: number[] = [];
  for (const id of steps) {
    const enabled = system.enabled(state);
    const index = enabled.findIndex((t) => System.transitionId(t) === id);
    if (index === -1) return null;
    choices.push(index);
    state = system.apply(state, enabled[index]!).state;
  }
  return { state, choices, result: check(system.definition.model, historyOf(state, system.harness.operations)) };
}

/**
 * Shrinks a failing schedule (transition ids) until removing any single step makes it valid and
 * passing, or invalid: repeatedly drops the first step whose removal keeps the history illegal.
 *
 * @throws Error when the given schedule does not fail to begin with.
 */
export function minimizeSchedule(system: ActorSystem, steps: readonly string[]): string[] {
  const first = replaySteps(system, steps);
  if (first === null || first.result.result !== 'illegal') throw new Error('minimizeSchedule needs a valid schedule whose history is not linearizable');
  let current = [...steps];
  let changed = true;
  while (changed) {
    changed = false;
    for (let k = current.length - 1; k >= 0; k--) {
      const candidate = [...current.slice(0, k), ...current.slice(k + 1)];
      const outcome = replaySteps(system, candidate);
      if (outcome !== null && outcome.result.result === 'illegal') {
        current = candidate;
        changed = true;
        break;
      }
    }
  }
  return current;
}
