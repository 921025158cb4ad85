/**
 * Explorers without reduction: random walk, exhaustive depth-first search, delay-bounded search
 * and PCT.
 */
import { createHash } from 'node:crypto';
import { Rng } from '../../../harness/rng';
import { ActorSystem, type SystemState } from '../runtime';
import type { ExplorationResult, ExplorationSession, ExploreOptions } from '../session';
import { ExplorationSession as Session } from '../session';

/**
 * Random walk: each schedule picks uniformly among the enabled transitions at every step (over
 * messages, not over agents, so no agent's mailbox is favoured).
 */
export function exploreRandom(system: ActorSystem, options: ExploreOptions): ExplorationResult {
  const session = new Session('random', system, options);
  const rng = new Rng(options.seed);
  while (!session.done) runOnce(system, session, (count) => rng.int(0, count - 1));
  return session.result(false);
}

/** One schedule run by {@link runOnce}. */
export interface ScheduleRun {
  choices: number[];
  /** Transition ids of the steps, in order. */
  steps: string[];
  illegal: boolean;
}

/** Runs one schedule, choosing with `choose(count, state)`, and records it in the session. */
export function runOnce(system: ActorSystem, session: ExplorationSession, choose: (count: number, state: SystemState) => number): ScheduleRun {
  let state = system.initial();
  const choices: number[] = [];
  const steps: string[] = [];
  for (;;) {
    const enabled = system.enabled(state);
    if (enabled.length === 0) break;
    const choice = choose(enabled.length, state);
    choices.push(choice);
    steps.push(ActorSystem.transitionId(enabled[choice]!));
    const { state: next, effect } = system.apply(state, enabled[choice]!);
    state = next;
    if (session.prefixIllegal(state, effect)) break;
  }
  return { choices, steps, illegal: session.endSchedule(state, choices) };
}

/** Exhaustive depth-first search over every enabled transition at every step. */
export function exploreDfs(system: ActorSystem, options: ExploreOptions): ExplorationResult {
  const session = new Session('dfs', system, options);
  const exhausted = depthFirst(system, session, system.initial(), [], () => true);
  return session.result(exhausted);
}

/**
 * Exhaustive depth-first search that skips a state it has already explored from (same agents,
 * messages in flight and history so far, by {@link ActorSystem.fingerprint}): everything
 * reachable from it has been seen. Every distinct history is still reached, with far fewer
 * schedules; a pruned path is not counted as a schedule.
 */
export function exploreStatefulDfs(system: ActorSystem, options: ExploreOptions): ExplorationResult {
  const session = new Session('dfs-stateful', system, options);
  // SHA-1 digests of fingerprints keep the visited set small; a collision (probability about
  // n² / 2^161 for n states) would wrongly prune one state.
  const visited = new Set<string>();
  const exhausted = depthFirst(system, session, system.initial(), [], () => true, (state) => {
    const key = createHash('sha1').update(system.fingerprint(state)).digest('base64');
    if (visited.has(key)) return false;
    visited.add(key);
    return true;
  });
  return session.result(exhausted);
}

/**
 * Depth-first search where `allow(index, choicesSoFar)` filters the transitions tried at a step.
 * Returns true when the search covered every allowed schedule, false when the session stopped it.
 */
function depthFirst(
  system: ActorSystem,
  session: ExplorationSession,
  start: SystemState,
  prefix: number[],
  allow: (index: number, choices: number[]) => boolean,
  firstVisit: (state: SystemState) => boolean = () => true,
): boolean {
  let cut = false;
  const visit = (state: SystemState, choices: number[]): void => {
    if (!firstVisit(state)) return;
    const enabled = system.enabled(state);
    if (enabled.length === 0) {
      session.endSchedule(state, choices);
      return;
    }
    for (let i = 0; i < enabled.length; i++) {
      if (!allow(i, choices)) continue;
      if (session.done) {
        cut = true;
        return;
      }
      const { state: next, effect } = system.apply(state, enabled[i]!);
      choices.push(i);
      if (session.prefixIllegal(next, effect)) session.endSchedule(next, choices);
      else visit(next, choices);
      choices.pop();
    }
  };
  visit(start, prefix);
  return !cut;
}

/**
 * Delay-bounded search (Emmi, Qadeer and Rakamarić): the deterministic scheduler always takes the
 * first enabled transition (lowest message id); a schedule may deviate from it with at most
 * `delayBound` delays in total, where taking the i-th enabled transition instead of the first
 * costs i delays. Every schedule within the bound is enumerated.
 */
export function exploreDelayBounded(system: ActorSystem, options: ExploreOptions & { delayBound?: number }): ExplorationResult {
  const bound = options.delayBound ?? 3;
  if (!Number.isInteger(bound) || bound < 0) throw new Error(`the delay bound must be a non-negative integer, got ${bound}`);
  const session = new Session('delay-bounded', system, options);
  const exhausted = depthFirst(system, session, system.initial(), [], (index, choices) => choices.reduce((a, b) => a + b, 0) + index <= bound);
  return session.result(exhausted);
}

/**
 * PCT (Burckhardt et al.), with actors as the threads: every actor gets a random distinct priority
 * of at least `depth`, and `depth − 1` change points are drawn uniformly over the expected schedule
 * length. Each step delivers a message to the highest-priority actor that has one (its oldest);
 * at the i-th change point that actor's priority drops to i. A bug of depth d is found with
 * probability at least 1 / (n · k^(d−1)) per schedule.
 */
export function explorePct(system: ActorSystem, options: ExploreOptions & { depth?: number }): ExplorationResult {
  const depth = options.depth ?? 3;
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`the PCT depth must be a positive integer, got ${depth}`);
  const session = new Session('pct', system, options);
  const rng = new Rng(options.seed);
  const actors = [...system.agentIds, ...system.clientIds];
  let expectedLength = 32;

  while (!session.done) {
    const priorities = new Map<string, number>();
    const order = rng.shuffle(actors.map((_, i) => i));
    actors.forEach((actor, i) => priorities.set(actor, depth + order[i]!));
    const changePoints = Array.from({ length: depth - 1 }, () => rng.int(1, expectedLength)).sort((a, b) => a - b);
    let stepIndex = 0;

    const { choices } = runOnce(system, session, (_count, state) => {
      stepIndex++;
      const enabled = system.enabled(state);
      let best = 0;
      for (let i = 1; i < enabled.length; i++) {
        if (priorityOf(enabled[i]!, priorities) > priorityOf(enabled[best]!, priorities)) best = i;
      }
      const changeIndex = changePoints.indexOf(stepIndex);
      if (changeIndex !== -1) {
        const chosen = enabled[best]!;
        priorities.set(chosen.kind === 'crash' ? chosen.actor : chosen.message.to, changeIndex + 1);
      }
      return best;
    });
    expectedLength = Math.max(expectedLength, choices.length);
  }
  return session.result(false);
}

function priorityOf(transition: ReturnType<ActorSystem['enabled']>[number], priorities: Map<string, number>): number {
  return priorities.get(transition.kind === 'crash' ? transition.actor : transition.message.to) ?? 0;
}
