/**
 * Checkers under test for the linearizability properties: the real one and the deliberately
 * broken variants used as negative controls.
 */
import type { History, Model } from '../../models/model';
import { checkWithTuning } from '../../impl/linearizability/checker';
import type { SearchTuning } from '../../impl/linearizability/_internals/search';
import type { CheckOptions, CheckResult } from '../../impl/linearizability/types';

/** A checker as the properties see it. */
export type Checker = <S, I, O>(model: Model<S, I, O>, history: History<I, O>, options?: CheckOptions) => CheckResult;

/** Builds a checker with the given tuning (empty tuning is the real checker). */
export function checkerWith(tuning: SearchTuning): Checker {
  return (model, history, options = {}) => checkWithTuning(model, history, options, tuning);
}

export const realChecker: Checker = checkerWith({});
export const ignoresRealTime: Checker = checkerWith({ ignoreRealTime: true });
export const dropsOpenOperations: Checker = checkerWith({ dropOpenOperations: true });
export const memoWithoutState: Checker = checkerWith({ memoWithoutState: true });
export const ordersById: Checker = checkerWith({ orderById: true });
export const budgetExhaustedAsOk: Checker = checkerWith({ budgetExhaustedAsOk: true });
/** Sound but without the open-operation reductions; the properties also compare against it. */
export const withoutReductions: Checker = checkerWith({ noOpenReductions: true });
