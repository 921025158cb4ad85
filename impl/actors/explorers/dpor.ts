/**
 * Dynamic partial-order reduction with sleep sets (Flanagan and Godefroid, POPL 2005; Godefroid's
 * sleep sets), for actors.
 *
 * Every message is a "process" with exactly one transition, its delivery, which stays enabled
 * until taken (on an unordered network nothing disables it). Two steps are dependent when they
 * touch the same actor, or when both append to the history log: the log is shared state, and
 * keeping its order is what makes every explored trace class yield the same history. Happens-before
 * is the transitive closure of dependency and of "sent the message that this step delivers".
 *
 * At each state the search looks, for every enabled message m, for the latest step i of the
 * current trace that races with m's delivery (dependent, and not happening before m's creation),
 * and adds to the backtrack set of the state before i either m itself, or a step after i that
 * happens before m and was enabled there; when neither exists, every enabled transition. Sleep
 * sets then skip transitions whose exploration would only repeat an equivalent trace.
 */
import type { ActorSystem, StepEffect, SystemState, Transition } from '../runtime';
import { ActorSystem as System } from '../runtime';
import type { ExplorationResult, ExploreOptions } from '../session';
import { ExplorationSession } from '../session';

/** Dependency between two step effects. */
export type Dependency = (a: StepEffect, b: StepEffect) => boolean;

/** The sound relation: same actor, or both append to the history log. */
export const actorOrLogDependency: Dependency = (a, b) => a.actor === b.actor || (a.logged && b.logged);

interface Speculation {
  transition: Transition;
  id: string;
  state: SystemState;
  effect: StepEffect;
  choice: number;
}

/**
 * Explores with DPOR and sleep sets.
 *
 * @param options.dependency - the dependency relation; only negative controls replace it
 * @throws Error when faults are enabled (a fault is a second transition of a message, which this
 *   reduction does not model)
 */
export function exploreDpor(system: ActorSystem, options: ExploreOptions & { dependency?: Dependency; name?: string }): ExplorationResult {
  const { faults } = system.config;
  if (faults.drops + faults.duplicates + faults.crashes > 0) throw new Error('the dpor explorer does not support faults; use dfs, random or pct with --faults');
  const dependent = options.dependency ?? actorOrLogDependency;
  const session = new ExplorationSession(options.name ?? 'dpor', system, options);

  // The current trace: per position j, the step taken, its effect, its happens-before set.
  const steps: Speculation[] = [];
  const happensBefore: Set<number>[] = [];
  const enabledIds: string[][] = [];
  const backtrack: Set<string>[] = [];
  const creator = new Map<string, number>();
  let cut = false;

  const happensBeforeOf = (messageId: string): Set<number> => {
    const position = creator.get(messageId);
    if (position === undefined) return new Set();
    const set = new Set(happensBefore[position]);
    set.add(position);
    return set;
  };

  const visit = (state: SystemState, sleep: Map<string, StepEffect>, choices: number[]): void => {
    const n = steps.length;
    const enabled = system.enabled(state);
    if (enabled.length === 0) {
      session.endSchedule(state, choices);
      return;
    }
    const speculated: Speculation[] = enabled.map((transition, choice) => {
      const { state: next, effect } = system.apply(state, transition);
      return { transition, id: System.transitionId(transition), state: next, effect, choice };
    });
    enabledIds[n] = speculated.map((s) => s.id);
    backtrack[n] = new Set();

    // Races between earlier steps and each enabled delivery.
    for (const candidate of speculated) {
      const messageId = candidate.transition.kind === 'crash' ? '' : candidate.transition.message.id;
      const before = happensBeforeOf(messageId);
      for (let i = n - 1; i >= 0; i--) {
        if (!dependent(steps[i]!.effect, candidate.effect) || before.has(i)) continue;
        const enabledThere = enabledIds[i]!;
        let chosen: string | undefined = enabledThere.includes(candidate.id) ? candidate.id : undefined;
        for (let j = i + 1; chosen === undefined && j < n; j++) {
          if (before.has(j) && enabledThere.includes(steps[j]!.id)) chosen = steps[j]!.id;
        }
        if (chosen === undefined) for (const id of enabledThere) backtrack[i]!.add(id);
        else backtrack[i]!.add(chosen);
        break;
      }
    }

    const first = speculated.find((s) => !sleep.has(s.id));
    if (first === undefined) return; // every enabled transition sleeps: an equivalent trace was explored
    backtrack[n]!.add(first.id);

    const done: Speculation[] = [];
    for (;;) {
      const next = speculated.find((s) => backtrack[n]!.has(s.id) && !done.includes(s) && !sleep.has(s.id));
      if (next === undefined) break;
      if (session.done) {
        cut = true;
        return;
      }

      // Sleep set of the child: sleeping or already explored transitions independent of `next`.
      const childSleep = new Map<string, StepEffect>();
      for (const [id, effect] of sleep) if (!dependent(effect, next.effect)) childSleep.set(id, effect);
      for (const d of done) if (!dependent(d.effect, next.effect)) childSleep.set(d.id, d.effect);

      // Push the step.
      const hb = new Set<number>();
      const messageId = next.transition.kind === 'crash' ? '' : next.transition.message.id;
      const created = creator.get(messageId);
      for (let i = 0; i < n; i++) {
        if (i === created || dependent(steps[i]!.effect, next.effect)) {
          hb.add(i);
          for (const k of happensBefore[i]!) hb.add(k);
        }
      }
      steps.push(next);
      happensBefore.push(hb);
      for (const id of next.effect.created) creator.set(id, n);
      choices.push(next.choice);

      if (session.prefixIllegal(next.state, next.effect)) session.endSchedule(next.state, choices);
      else visit(next.state, childSleep, choices);

      // Pop it.
      choices.pop();
      for (const id of next.effect.created) creator.delete(id);
      steps.pop();
      happensBefore.pop();
      done.push(next);
      if (cut) return;
    }
  };

  visit(system.initial(), new Map(), []);
  return session.result(!cut);
}
