/**
 * Brute-force linearizability oracle for small histories: tries every order of the operations
 * that respects real time, with every open operation either placed somewhere after its call or
 * left out, and every successor state of non-deterministic models. No memo, no reductions, no
 * partitions: slow and obviously correct, so the checker can be compared with it.
 */
import { UNKNOWN, type History, type Model } from '../../models/model';

/** Largest history the oracle accepts; beyond it the enumeration takes too long. */
export const ORACLE_MAX_OPERATIONS = 9;

/** Returns true when `history` is linearizable with respect to `model`. */
export function bruteForceLinearizable<S, I, O>(model: Model<S, I, O>, history: History<I, O>): boolean {
  const n = history.length;
  if (n > ORACLE_MAX_OPERATIONS) throw new Error(`the brute-force oracle takes at most ${ORACLE_MAX_OPERATIONS} operations, got ${n}`);

  const closed = history.map((op) => op.output !== UNKNOWN && op.return !== null);
  // mustPrecede[b] lists the operations that returned (with a known output) before b was called.
  const mustPrecede = history.map((b) => history.map((a, i) => (closed[i] && (a.return as number) < b.call ? i : -1)).filter((i) => i !== -1));
  const placed = new Array<boolean>(n).fill(false);
  const closedTotal = closed.filter(Boolean).length;

  const search = (state: S, closedPlaced: number): boolean => {
    if (closedPlaced === closedTotal) return true;
    for (let b = 0; b < n; b++) {
      if (placed[b] || !mustPrecede[b]!.every((a) => placed[a])) continue;
      const op = history[b]!;
      for (const next of model.step(state, op.input, op.output)) {
        placed[b] = true;
        const found = search(next, closedPlaced + (closed[b] ? 1 : 0));
        placed[b] = false;
        if (found) return true;
      }
    }
    return false;
  };

  return search(model.init(), 0);
}
