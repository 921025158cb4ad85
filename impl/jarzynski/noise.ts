/**
 * Gaussian noise for the Langevin moves, drawn from the suite's seeded generator.
 */
import type { Rng } from '../../harness/rng';

/**
 * Fills `out` with independent standard normal variates (Marsaglia's polar method, two variates
 * per accepted pair) and returns it.
 *
 * `Rng.normal()` draws one variate per call and caches the second one; this loop writes both at
 * once, which is about twice as fast for the 10^5 to 10^6 variates a step of many walkers needs.
 * No npm sampler fits: the stdlib ziggurat runs on its own Mersenne Twister, and the suite keeps
 * every random stream on `Rng`.
 *
 * @example fillStandardNormal(new Rng(1), new Float64Array(4))
 */
export function fillStandardNormal(rng: Rng, out: Float64Array): Float64Array {
  const count = out.length;
  let i = 0;
  while (i < count) {
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * rng.float() - 1;
      v = 2 * rng.float() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    out[i++] = u * factor;
    if (i < count) out[i++] = v * factor;
  }
  return out;
}
