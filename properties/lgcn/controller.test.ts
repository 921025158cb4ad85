/**
 * The L²-GCN stop rule and controller: per-layer epoch bounds, the first-decision stop, head
 * clamping, stop probabilities in (0, 1) and a zero REINFORCE loss at zero advantage.
 */
import fc from 'fast-check';
import { beforeAll, describe, test } from 'vitest';
import { deriveSeed, masterSeedFromEnv } from '../../harness/seed';
import { Rng } from '../../harness/rng';
import { selectBackend } from '../../harness/tensor/backend';
import { propertyInvariant } from '../../harness/testing/invariant';
import { StopController, clampHead, stopRule, type StopRuleInput } from '../../impl/lgcn/index';

beforeAll(async () => {
  await selectBackend((process.env.PAPERPROOF_BACKEND ?? 'auto') as never);
});

interface Rules {
  stop: (input: StopRuleInput) => boolean;
  head: (k: number, length: number) => number;
}

const SIMULATION_CAP = 5000;

/** Simulates the training phase's decisions; returns epochs per layer and every head used. */
function simulate(rules: Rules, s: { layers: number; length: number; step: number; min: number; max: number; threshold: number; pStops: number[] }): { epochs: number[]; heads: number[] } {
  let global = 0;
  let decision = 0;
  const epochs: number[] = [];
  const heads: number[] = [];
  for (let layer = 0; layer < s.layers; layer++) {
    let e = 0;
    for (;;) {
      e++;
      global++;
      if (e > SIMULATION_CAP) break;
      if (global % s.step !== 0) continue;
      heads.push(rules.head(decision, s.length));
      const pStop = s.pStops[decision % s.pStops.length]!;
      decision++;
      if (rules.stop({ pStop, threshold: s.threshold, epochInLayer: e, minEpochs: s.min, maxEpochs: s.max })) break;
    }
    epochs.push(e);
  }
  return { epochs, heads };
}

const settings = fc
  .record({
    layers: fc.integer({ min: 1, max: 4 }),
    length: fc.integer({ min: 1, max: 6 }),
    step: fc.integer({ min: 1, max: 10 }),
    min: fc.integer({ min: 0, max: 40 }),
    span: fc.integer({ min: 0, max: 60 }),
    threshold: fc.double({ min: 0.05, max: 1, noNaN: true }),
    pStops: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }),
  })
  .map((s) => ({ ...s, max: s.min + s.span }));

const real: Rules = { stop: stopRule, head: clampHead };

describe('L² controller', () => {
  propertyInvariant<Rules>({
    id: 'lgcn/controller-bounds',
    subject: real,
    controls: [
      { name: 'stop rule without the maximum-epoch cap', subject: { ...real, stop: (i) => i.pStop >= i.threshold && i.epochInLayer > i.minEpochs } },
      { name: 'head index not clamped to T−1', subject: { ...real, head: (k) => k } },
    ],
    numRuns: { quick: 200, full: 2000 },
    property: (rules) =>
      fc.property(settings, (s) => {
        const { epochs, heads } = simulate(rules, s);
        if (!epochs.every((e) => e > s.min && e <= s.max + s.step)) return false;
        if (!heads.every((h) => h >= 0 && h < s.length)) return false;

        // With p_stop = 1 and no minimum, every layer stops at its first decision epoch.
        const eager = simulate(rules, { ...s, min: 0, threshold: 1, pStops: [1] });
        let global = 0;
        for (const e of eager.epochs) {
          const firstDecision = s.step - (global % s.step);
          if (e !== firstDecision) return false;
          global += e;
        }
        return true;
      }),
  });

  // The controller network itself: stop probabilities and the REINFORCE loss at zero advantage.
  test('lgcn/controller-bounds controller network', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 1, maxLength: 8 }), fc.integer(), (layers, length, losses, seed) => {
        const controller = new StopController({ layers, length, learningRate: 0.05, baselineInit: 0.3, baselineRatio: 0.9 }, new Rng(seed));
        try {
          let previous: 0 | 1 = 0;
          for (const [k, loss] of losses.entries()) {
            const { pStop, record } = controller.stopProbability(k, k % layers, loss, losses[0]!, previous);
            if (!(pStop > 0 && pStop < 1)) return false;
            previous = pStop > 0.5 ? 1 : 0;
            controller.recordAction(record, previous);
          }
          const loss = controller.reinforceLoss(0.7, 0.7);
          const value = loss.dataSync()[0];
          loss.dispose();
          return value === 0;
        } finally {
          controller.dispose();
        }
      }),
      { seed: deriveSeed(masterSeedFromEnv(), 'lgcn/controller-bounds network'), numRuns: 30 },
    );
  });
});
