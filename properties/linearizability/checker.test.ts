/**
 * Properties of the checker on generated histories: agreement with brute force, partitioning,
 * relabelling, prefix closure, unknown outcomes and the evidence returned with each verdict.
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { UNKNOWN, type History, type Operation } from '../../models/model';
import { kvModel, kvUnpartitionedModel } from '../../models/kv';
import { concurrentHistory, kvObject } from '../../harness/arbitraries/histories';
import { propertyInvariant } from '../../harness/testing/invariant';
import { verifyLinearization } from '../../impl/linearizability/verify';
import { bruteForceLinearizable } from './_oracle';
import { linearizableCases, modelCases } from './_models';
import { dropsOpenOperations, ignoresRealTime, memoWithoutState, ordersById, realChecker, withoutReductions, type Checker } from './_subjects';

describe('checker', () => {
  propertyInvariant<Checker>({
    id: 'linearizability/agrees-with-brute-force',
    subject: realChecker,
    controls: [
      { name: 'ignores real-time order', subject: ignoresRealTime },
      { name: 'treats pending operations as absent', subject: dropsOpenOperations },
      { name: "drops the state from the memo's key", subject: memoWithoutState },
    ],
    numRuns: { quick: 1000, full: 10000 },
    controlNumRuns: { quick: 2000, full: 5000 },
    property: (checker) =>
      fc.property(modelCases(), ({ model, history }) => {
        const expected = bruteForceLinearizable(model, history) ? 'ok' : 'illegal';
        const actual = checker(model, history).result;
        // The search without open-operation reductions must agree too, so a reduction bug cannot
        // hide behind a matching brute force.
        const unreduced = checker === realChecker ? withoutReductions(model, history).result : expected;
        return actual === expected && unreduced === expected;
      }),
  });

  propertyInvariant<{ partitioned: typeof kvModel; whole: typeof kvUnpartitionedModel }>({
    id: 'linearizability/partition-equivalence',
    subject: { partitioned: kvModel, whole: kvUnpartitionedModel },
    controls: [
      {
        name: "partition that splits one key's operations",
        subject: { partitioned: { ...kvModel, partition: (history) => [history.filter((op) => op.id % 2 === 0), history.filter((op) => op.id % 2 === 1)] }, whole: kvUnpartitionedModel },
      },
    ],
    numRuns: { quick: 300, full: 3000 },
    property: ({ partitioned, whole }) =>
      fc.property(concurrentHistory(kvObject, { maxOperations: 10, corruptionRate: 0.3 }), (history) => {
        return realChecker(partitioned, history).result === realChecker(whole, history).result;
      }),
  });

  propertyInvariant<Checker>({
    id: 'linearizability/relabel-invariance',
    subject: realChecker,
    controls: [{ name: 'orders operations by id instead of time', subject: ordersById }],
    numRuns: { quick: 300, full: 3000 },
    property: (checker) =>
      fc.property(modelCases(), fc.infiniteStream(fc.nat()), ({ model, history }, keys) => {
        const relabelled = relabel(history, keys);
        return checker(model, history).result === checker(model, relabelled).result;
      }),
  });

  propertyInvariant<Checker>({
    id: 'linearizability/prefix-closed',
    subject: realChecker,
    controls: [{ name: 'treats pending operations as absent', subject: dropsOpenOperations }],
    numRuns: { quick: 300, full: 3000 },
    property: (checker) =>
      fc.property(linearizableCases({ unknownWeight: 0, pendingWeight: 0 }), ({ model, history }) => {
        if (checker(model, history).result !== 'ok') return false;
        const times = [...new Set(history.flatMap((op) => [op.call, op.return ?? op.call]))].sort((a, b) => a - b);
        return times.every((cut) => checker(model, prefixAt(history, cut)).result === 'ok');
      }),
  });

  propertyInvariant<Checker>({
    id: 'linearizability/unknown-outcome-relaxes',
    subject: realChecker,
    controls: [{ name: 'treats operations with unknown outcome as absent', subject: dropsOpenOperations }],
    numRuns: { quick: 300, full: 3000 },
    property: (checker) =>
      fc.property(linearizableCases({ unknownWeight: 0, pendingWeight: 0 }), fc.nat(), ({ model, history }, pick) => {
        if (checker(model, history).result !== 'ok') return false;
        const closed = history.filter((op) => op.output !== UNKNOWN);
        if (closed.length === 0) return true;
        const target = closed[pick % closed.length]!.id;
        const relaxed = history.map((op) => (op.id === target ? { ...op, output: UNKNOWN } : op));
        return checker(model, relaxed as History<unknown, unknown>).result === 'ok';
      }),
  });

  propertyInvariant<Checker>({
    id: 'linearizability/evidence-valid',
    subject: realChecker,
    controls: [{ name: 'ignores real-time order', subject: ignoresRealTime }],
    numRuns: { quick: 400, full: 4000 },
    controlNumRuns: { quick: 2000, full: 4000 },
    property: (checker) =>
      fc.property(modelCases(), ({ model, history }) => {
        const result = checker(model, history);
        const byId = new Map(history.map((op) => [op.id, op]));
        for (const part of result.partitions) {
          const ops = part.opIds.map((id) => byId.get(id)!);
          if (part.result === 'ok') {
            if (part.witness === undefined) return false;
            const verdict = verifyLinearization(model, ops, part.witness.map((s) => s.op), { complete: true });
            if (!verdict.ok) return false;
          }
          if (part.result === 'illegal') {
            const evidence = part.evidence;
            if (evidence === undefined) return false;
            const order = evidence.longest.map((s) => s.op);
            if (!verifyLinearization(model, ops, order, { complete: false }).ok) return false;
            if (order.includes(evidence.blockedOp) || !part.opIds.includes(evidence.blockedOp)) return false;
            // The history really is illegal: the brute force must agree that no order exists.
            if (bruteForceLinearizable(model, ops)) return false;
          }
        }
        return true;
      }),
  });
});

/** Renames clients and permutes operation ids with the random `keys`. */
function relabel<I, O>(history: History<I, O>, keys: fc.Stream<number>): Operation<I, O>[] {
  const order = history.map((op) => ({ op, key: keys.next().value as number })).sort((a, b) => a.key - b.key);
  const newId = new Map(order.map(({ op }, index) => [op.id, index]));
  return order.map(({ op }) => ({ ...op, id: newId.get(op.id)!, client: `renamed-${op.client.split('').reverse().join('')}` }));
}

/** Returns the prefix of a history at time `cut`: later calls dropped, later returns made pending. */
function prefixAt<I, O>(history: History<I, O>, cut: number): Operation<I, O>[] {
  return history
    .filter((op) => op.call <= cut)
    .map((op) => (op.return !== null && op.return <= cut ? op : { ...op, return: null, output: UNKNOWN }));
}
