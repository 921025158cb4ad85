/**
 * A check whose budget runs out must say `unknown`, never pass or fail a history it did not decide.
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { kvModel, kvUnpartitionedModel } from '../../models/kv';
import { Rng } from '../../harness/rng';
import { kvObject } from '../../harness/arbitraries/histories';
import { recordHistory } from '../../harness/arbitraries/record';
import { propertyInvariant } from '../../harness/testing/invariant';
import { budgetExhaustedAsOk, realChecker, type Checker } from './_subjects';

describe('budget', () => {
  propertyInvariant<Checker>({
    id: 'linearizability/budget-yields-unknown',
    subject: realChecker,
    controls: [{ name: 'reports a pass when the budget runs out', subject: budgetExhaustedAsOk }],
    numRuns: { quick: 12, full: 60 },
    property: (checker) =>
      fc.property(fc.integer(), fc.boolean(), fc.constantFrom('time', 'memory'), (seed, corrupt, budget) => {
        // Many clients on one object: far more configurations than a tiny budget allows.
        const history = recordHistory(kvObject, new Rng(seed), { clients: 12, operations: 240, corruptGets: corrupt ? 1 : 0 });
        const truth = realChecker(kvModel, history).result;
        const limited = checker(kvUnpartitionedModel, history, budget === 'time' ? { timeoutMs: 0 } : { maxMemoryBytes: 1 });
        return limited.result === 'unknown' || limited.result === truth;
      }),
  });
});
