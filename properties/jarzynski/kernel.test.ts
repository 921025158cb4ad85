/**
 * The two published forms of the weight increment agree: the alpha form
 *   α_k(X_k, X_{k+1}) − α_{k+1}(X_{k+1}, X_k),   α(x, y) = U(x) + ½ (y − x)·∇U(x) + (h/4)|∇U(x)|²
 * and the log-kernel form
 *   U_k(x) − U_{k+1}(y) + q_{k+1}(y, x) − q_k(x, y),   q(x, y) = −|y − x + h ∇U(x)|² / (4h),
 * for arbitrary points, energies, gradients and step sizes. With the same parameters at both ends,
 * the increment of the reverse move is the negative of the forward one. The walkers' own move,
 * which splits the increment into two passes around the energy evaluation, gives the same values.
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { propertyInvariant } from '../../harness/testing/invariant';
import { Rng } from '../../harness/rng';
import { GaussianMixtureEnergy } from '../../impl/jarzynski/gmm';
import { WalkerPopulation, addJarzynskiIncrements, logKernelIncrement, ulaProposal } from '../../impl/jarzynski/walkers';

/** Increment of one walker moving from x (energy u, gradient g) to y (energy v, gradient k). */
type Increment = (x: Float64Array, u: number, g: Float64Array, y: Float64Array, v: number, k: Float64Array, h: number) => number;

const alphaForm: Increment = (x, u, g, y, v, k, h) => {
  const logWeights = new Float64Array(1);
  addJarzynskiIncrements(x, Float64Array.of(u), g, y, Float64Array.of(v), k, h, x.length, logWeights);
  return logWeights[0] as number;
};

/** Broken variant: α without its (h/4)|∇U|² term. */
const withoutGradientSquare: Increment = (x, u, g, y, v, k) => {
  let forward = 0;
  let backward = 0;
  for (let c = 0; c < x.length; c++) {
    forward += ((y[c] as number) - (x[c] as number)) * (g[c] as number);
    backward += ((x[c] as number) - (y[c] as number)) * (k[c] as number);
  }
  return u + 0.5 * forward - (v + 0.5 * backward);
};

const vectorArb = (d: number) => fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: d, maxLength: d }).map((v) => Float64Array.from(v));

const caseArb = fc.integer({ min: 1, max: 8 }).chain((d) =>
  fc.record({
    x: vectorArb(d),
    y: vectorArb(d),
    g: vectorArb(d),
    k: vectorArb(d),
    u: fc.double({ min: -100, max: 100, noNaN: true }),
    v: fc.double({ min: -100, max: 100, noNaN: true }),
    h: fc.double({ min: 1e-4, max: 2, noNaN: true }),
  }),
);

/**
 * Moves a few walkers with `WalkerPopulation.advance` (two passes) and with `ulaProposal` followed
 * by `addJarzynskiIncrements` (one pass), from the same state with the same noise, and compares.
 */
function checkTwoPassMove(seedPoint: Float64Array, h: number): void {
  const d = seedPoint.length;
  const rng = new Rng(Math.round(1e6 * ((seedPoint[0] as number) + h)));
  const energy = new GaussianMixtureEnergy(d, 2);
  const before = { means: Float64Array.from({ length: 2 * d }, () => 2 * rng.normal()), logits: Float64Array.of(0, rng.normal()) };
  const after = { means: before.means.map((a) => a + 0.3 * rng.normal()), logits: Float64Array.of(0, rng.normal()) };
  const positions = Float64Array.from({ length: 5 * d }, () => 3 * rng.normal());
  const noise = Float64Array.from({ length: 5 * d }, () => rng.normal());

  const population = new WalkerPopulation(positions, d);
  population.evaluate(energy, before);
  const oldEnergies = Float64Array.from(population.energies);
  const oldGradients = Float64Array.from(population.gradients);
  population.advance(energy, after, h, 'jarzynski', null, noise);

  const moved = new Float64Array(positions.length);
  ulaProposal(positions, oldGradients, noise, h, moved);
  const newEnergies = new Float64Array(5);
  const newGradients = new Float64Array(moved.length);
  energy.evaluate(after, moved, 5, newEnergies, newGradients);
  const expected = new Float64Array(5);
  addJarzynskiIncrements(positions, oldEnergies, oldGradients, moved, newEnergies, newGradients, h, d, expected);
  for (let i = 0; i < 5; i++) {
    const scale = 1 + Math.abs(oldEnergies[i] as number) + Math.abs(newEnergies[i] as number);
    if (Math.abs((population.logWeights[i] as number) - (expected[i] as number)) > 1e-9 * scale) {
      throw new Error(`walker ${i}: two-pass move gives log-weight ${population.logWeights[i]}, one-pass form ${expected[i]}`);
    }
  }
}

describe('weight increment forms', () => {
  propertyInvariant<Increment>({
    id: 'jarzynski/alpha-equals-log-kernel',
    subject: alphaForm,
    controls: [{ name: 'alpha without the (h/4)|∇U|² term', subject: withoutGradientSquare }],
    numRuns: { quick: 500, full: 5000 },
    property: (increment) =>
      fc.property(caseArb, ({ x, y, g, k, u, v, h }) => {
        const alpha = increment(x, u, g, y, v, k, h);
        const kernel = logKernelIncrement(x, u, g, y, v, k, h);

        // Rounding grows with the size of the terms that cancel: |U|, |y − x|²/h and h|∇U|².
        let terms = Math.abs(u) + Math.abs(v);
        for (let c = 0; c < x.length; c++) {
          const step = (y[c] as number) - (x[c] as number);
          terms += (step * step) / h + h * ((g[c] as number) ** 2 + (k[c] as number) ** 2) + Math.abs(step) * (Math.abs(g[c] as number) + Math.abs(k[c] as number));
        }
        if (Math.abs(alpha - kernel) > 1e-9 * (1 + terms)) throw new Error(`alpha form ${alpha} vs log-kernel form ${kernel} (scale of terms ${terms.toPrecision(3)})`);

        // Same parameters at both ends: the reverse move's increment is the negative.
        const reverse = increment(y, v, k, x, u, g, h);
        if (Math.abs(alpha + reverse) > 1e-9 * (1 + terms)) throw new Error(`forward increment ${alpha} and reverse ${reverse} do not cancel`);

        checkTwoPassMove(x, h);
        return true;
      }),
  });
});
