/**
 * Independent verification of a claimed linearization, used to check the checker's witnesses
 * and partial linearizations.
 */
import { UNKNOWN, type History, type Model } from '../../models/model';

/** Result of {@link verifyLinearization}. */
export type VerificationResult = { ok: true } | { ok: false; reason: string };

/**
 * Verifies that `order` (operation ids) is a legal sequential execution of `model` that respects
 * the real-time order of `history`: an operation that returned before another was called comes
 * first. With `complete: true` every operation with a known output must appear; open operations
 * (unknown output) may be left out, meaning they never took effect.
 */
export function verifyLinearization<S, I, O>(model: Model<S, I, O>, history: History<I, O>, order: readonly number[], options: { complete: boolean }): VerificationResult {
  const byId = new Map(history.map((op) => [op.id, op]));
  const position = new Map<number, number>();

  for (let i = 0; i < order.length; i++) {
    const id = order[i]!;
    if (!byId.has(id)) return { ok: false, reason: `operation ${id} is not in the history` };
    if (position.has(id)) return { ok: false, reason: `operation ${id} appears twice` };
    position.set(id, i);
  }

  // Real time: if a returned before b was called, a must come first; a must also be present
  // whenever b is, because the prefix up to b has to include everything that finished before b.
  for (const b of order) {
    const opB = byId.get(b)!;
    for (const opA of history) {
      if (opA.return === null || opA.output === UNKNOWN || !(opA.return < opB.call)) continue;
      const pa = position.get(opA.id);
      if (pa === undefined) return { ok: false, reason: `operation ${opA.id} returned before operation ${b} was called but is missing before it` };
      if (pa > position.get(b)!) return { ok: false, reason: `operation ${opA.id} returned before operation ${b} was called but comes after it` };
    }
  }

  if (options.complete) {
    for (const op of history) {
      if (op.output !== UNKNOWN && !position.has(op.id)) return { ok: false, reason: `operation ${op.id} has a known output but is missing` };
    }
  }

  // Model: some sequence of successor states accepts every step.
  let frontier: S[] = [model.init()];
  for (const id of order) {
    const op = byId.get(id)!;
    const nextFrontier: S[] = [];
    for (const state of frontier) {
      for (const next of model.step(state, op.input, op.output)) {
        if (!nextFrontier.some((s) => model.equal(s, next))) nextFrontier.push(next);
      }
    }
    if (nextFrontier.length === 0) {
      return { ok: false, reason: `${model.describeOperation(op.input, op.output)} (operation ${id}) is illegal after the operations before it` };
    }
    frontier = nextFrontier;
  }
  return { ok: true };
}
