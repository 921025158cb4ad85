/**
 * TransDPOR (Tasharofi et al., FMOODS/FORTE 2012) and DS2's two refinements, IRed and LiViola,
 * as DS2 implements them.
 *
 * All three run a depth-first search in which each state starts with a single transition in its
 * backtrack set. After a step r, the search looks for the newest earlier step that is dependent
 * with r (two deliveries to the same actor; LiViola adds: about the same key, or either key
 * unknown as a wildcard, and messages without a key are never dependent). When r was already
 * enabled at that earlier state, r joins its backtrack set; otherwise an enabler of r does:
 * - TransDPOR: the earliest step after that state that was enabled there and not yet explored;
 * - IRed and LiViola: r's root causal enabler, found by walking back from r through the steps
 *   whose receiver sent the current message.
 * A state accepts one addition and is then frozen until the search returns to it, and nothing is
 * added when no enabler exists: the reduction relies on the transitivity of the dependency.
 * These are reductions as DS2 ships them, not guaranteed to reach every distinct history.
 */
import type { ActorSystem, StepEffect, SystemState, Transition } from '../runtime';
import type { Message } from '../types';
import { ActorSystem as System } from '../runtime';
import type { ExplorationResult, ExploreOptions } from '../session';
import { ExplorationSession } from '../session';

export type Ds2Variant = 'transdpor' | 'ired' | 'liviola';

interface Frame {
  state: SystemState;
  enabled: Transition[];
  ids: string[];
  explored: Set<string>;
  backtrack: Set<string>;
  frozen: boolean;
  /** The step taken from this state (while a child is on the stack). */
  taken?: { transition: Transition; id: string; effect: StepEffect; choice: number };
}

/** Explores with one of DS2's DPOR variants. */
export function exploreDs2(system: ActorSystem, variant: Ds2Variant, options: ExploreOptions): ExplorationResult {
  const { faults } = system.config;
  if (faults.drops + faults.duplicates + faults.crashes > 0) throw new Error(`the ${variant} explorer does not support faults; use dfs, random or pct with --faults`);
  const session = new ExplorationSession(variant, system, options);
  const dependent = (a: Message | undefined, b: Message | undefined, ea: StepEffect, eb: StepEffect): boolean => {
    if (ea.actor !== eb.actor) return false;
    if (variant !== 'liviola') return true;
    if (a?.key === undefined || b?.key === undefined) return false;
    return a.key === b.key || a.key === '*' || b.key === '*';
  };

  const makeFrame = (state: SystemState): Frame => {
    const enabled = system.enabled(state);
    const frame: Frame = { state, enabled, ids: enabled.map(System.transitionId), explored: new Set(), backtrack: new Set(), frozen: false };
    if (enabled.length > 0) frame.backtrack.add(frame.ids[0]!);
    return frame;
  };

  const stack: Frame[] = [makeFrame(system.initial())];
  const choices: number[] = [];
  let cut = false;

  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    top.frozen = false;
    const nextId = top.ids.find((id) => top.backtrack.has(id) && !top.explored.has(id));
    if (nextId === undefined) {
      if (top.enabled.length === 0) session.endSchedule(top.state, choices);
      stack.pop();
      choices.pop();
      if (stack.length > 0) stack[stack.length - 1]!.taken = undefined;
      continue;
    }
    if (session.done) {
      cut = true;
      break;
    }

    const choice = top.ids.indexOf(nextId);
    const transition = top.enabled[choice]!;
    top.explored.add(nextId);
    const { state, effect } = system.apply(top.state, transition);
    top.taken = { transition, id: nextId, effect, choice };
    choices.push(choice);

    if (session.prefixIllegal(state, effect)) {
      session.endSchedule(state, choices);
      choices.pop();
      top.taken = undefined;
      continue;
    }

    afterPerform(stack, transition, nextId, effect);
    stack.push(makeFrame(state));
  }

  return session.result(!cut);

  /** DS2's update of backtrack sets after taking `r` from the top frame. */
  function afterPerform(frames: Frame[], r: Transition, rId: string, rEffect: StepEffect): void {
    const rMessage = r.kind === 'crash' ? undefined : r.message;
    // The newest earlier frame whose step is dependent with r (frames older than the top).
    let s = -1;
    for (let i = frames.length - 2; i >= 0; i--) {
      const taken = frames[i]!.taken!;
      const takenMessage = taken.transition.kind === 'crash' ? undefined : taken.transition.message;
      if (dependent(takenMessage, rMessage, taken.effect, rEffect)) {
        s = i;
        break;
      }
    }
    if (s === -1) return;
    const frame = frames[s]!;
    let candidate: string | undefined;
    if (frame.ids.includes(rId)) candidate = rId;
    else if (variant === 'transdpor') {
      for (let j = s + 1; j < frames.length && candidate === undefined; j++) {
        const id = frames[j]!.taken!.id;
        if (frame.ids.includes(id) && !frame.explored.has(id)) candidate = id;
      }
    } else {
      candidate = rootEnabler(frames, s, rMessage);
      if (candidate === rId || (candidate !== undefined && !frame.ids.includes(candidate))) candidate = undefined;
    }
    if (candidate === undefined || frame.backtrack.has(candidate) || frame.frozen) return;
    frame.backtrack.add(candidate);
    frame.frozen = true;
  }

  /** Walks from the newest step back to frame `s`, following "the receiver of that step sent the current message". */
  function rootEnabler(frames: Frame[], s: number, message: Message | undefined): string | undefined {
    if (message === undefined) return undefined;
    let current = message;
    let currentId: string | undefined;
    for (let j = frames.length - 2; j > s; j--) {
      const taken = frames[j]!.taken!;
      if (taken.transition.kind === 'crash') continue;
      if (taken.effect.actor === current.from) {
        current = taken.transition.message;
        currentId = taken.id;
      }
    }
    return currentId;
  }
}
