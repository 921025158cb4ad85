/**
 * Log-weight normalisation stays finite and exact at any scale: log-weights of ±1e4, a single
 * dominant walker, and constant shifts of every log-weight.
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { propertyInvariant } from '../../harness/testing/invariant';
import { logSumExp, normalizedWeights, summarizeWeights, type WeightSummary } from '../../impl/jarzynski/logweights';

/** The normalisation functions under test. */
interface Normalisation {
  normalizedWeights: (logWeights: Float64Array) => Float64Array;
  summarize: (logWeights: Float64Array) => WeightSummary;
}

const real: Normalisation = { normalizedWeights: (a) => normalizedWeights(a), summarize: summarizeWeights };

/** Broken variant: exponentiates the raw log-weights, as a direct port of exp(A) / Σ exp(A) would. */
const withoutMaxShift: Normalisation = {
  normalizedWeights: (a) => {
    const w = a.map(Math.exp);
    const sum = w.reduce((s, x) => s + x, 0);
    return w.map((x) => x / sum);
  },
  summarize: (a) => {
    const w = a.map(Math.exp);
    const sum = w.reduce((s, x) => s + x, 0);
    const squares = w.reduce((s, x) => s + x * x, 0);
    const ess = (sum * sum) / squares;
    return { ess, essFraction: ess / a.length, cv2: a.length / ess - 1, logSumExp: Math.log(sum) };
  },
};

const logWeightsArb = fc.oneof(
  fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 50 }),
  // One dominant walker far above the others.
  fc.tuple(fc.integer({ min: 1, max: 50 }), fc.double({ min: 800, max: 1e4, noNaN: true })).map(([n, top]) => Array.from({ length: n }, (_, i) => (i === 0 ? top : 0))),
  // Every log-weight equal and huge in magnitude.
  fc.tuple(fc.integer({ min: 1, max: 50 }), fc.constantFrom(1e4, -1e4)).map(([n, value]) => new Array<number>(n).fill(value)),
);

describe('log-weight normalisation', () => {
  propertyInvariant<Normalisation>({
    id: 'jarzynski/normalisation-finite',
    subject: real,
    controls: [{ name: 'exponentiates without the maximum shift', subject: withoutMaxShift }],
    numRuns: { quick: 300, full: 3000 },
    property: (subject) =>
      fc.property(logWeightsArb, fc.double({ min: -1e4, max: 1e4, noNaN: true }), (raw, shift) => {
        const a = Float64Array.from(raw);
        const n = a.length;
        const p = subject.normalizedWeights(a);
        const summary = subject.summarize(a);
        const max = Math.max(...a);

        // Finite, non-negative weights summing to 1.
        if (!p.every((x) => Number.isFinite(x) && x >= 0)) throw new Error(`normalised weights not finite and >= 0: ${[...p].slice(0, 5)}`);
        const total = p.reduce((s, x) => s + x, 0);
        if (Math.abs(total - 1) > 1e-12 * n) throw new Error(`normalised weights sum to ${total}`);

        // Each weight is exp(A_i − logsumexp(A)), and the walker(s) at the maximum carry the most.
        const lse = summary.logSumExp;
        if (!(Number.isFinite(lse) && lse >= max && lse <= max + Math.log(n) + 1e-9 * Math.abs(max))) throw new Error(`logsumexp ${lse} outside [max, max + log N] for max ${max}`);
        if (Math.abs(lse - logSumExp(a)) > 1e-12 * Math.max(1, Math.abs(lse))) throw new Error(`summary logsumexp ${lse} differs from logSumExp ${logSumExp(a)}`);
        for (let i = 0; i < n; i++) {
          const expected = Math.exp((a[i] as number) - lse);
          if (Math.abs((p[i] as number) - expected) > 1e-9 * Math.max(expected, 1e-300) + 1e-300) throw new Error(`weight ${i} is ${p[i]}, expected exp(A_i − logsumexp) = ${expected}`);
        }

        // ESS in [1, N], consistent with CV².
        const { ess, essFraction, cv2 } = summary;
        if (!(Number.isFinite(ess) && ess >= 1 && ess <= n)) throw new Error(`ESS ${ess} outside [1, ${n}]`);
        if (Math.abs(essFraction - 1 / (1 + cv2)) > 1e-9) throw new Error(`ESS/N = ${essFraction} but 1/(1 + CV²) = ${1 / (1 + cv2)}`);

        // Shifting every log-weight by a constant changes nothing.
        const shifted = a.map((x) => x + shift);
        const q = subject.normalizedWeights(shifted);
        for (let i = 0; i < n; i++) {
          if (Math.abs((q[i] as number) - (p[i] as number)) > 1e-9) throw new Error(`shifting by ${shift} moves weight ${i} from ${p[i]} to ${q[i]}`);
        }
        const shiftedEss = subject.summarize(shifted).ess;
        if (Math.abs(shiftedEss - ess) > 1e-9 * n) throw new Error(`shifting by ${shift} moves the ESS from ${ess} to ${shiftedEss}`);
        return true;
      }),
  });
});
