/**
 * Gaussian noise for the Langevin moves, drawn from the suite's seeded generator.
 *
 * A step of N walkers in d dimensions needs N·d standard normal variates (5·10^5 for 10^4 walkers
 * in d = 50), which at about 15 ns each with the polar method cost more than the energy
 * evaluation itself. The ziggurat method (Marsaglia and Tsang, 2000) needs one uniform for 99 % of
 * its variates. The uniform picks one of 256 horizontal strips of equal area under the half
 * density, and a point in that strip. The point is accepted when it lies in the part of the strip
 * that is certainly under the curve; the rest go through an exact rejection test (wedges) or
 * Marsaglia's exponential tail sampler.
 *
 * No npm sampler fits: the stdlib ziggurat draws its strip index from its own Mersenne Twister,
 * and the suite keeps every random stream on `Rng`.
 */
import type { Rng } from '../../harness/rng';

const STRIPS = 256;
/** Right edge of the base strip's rectangle, r, for 256 strips (Marsaglia and Tsang, 2000). */
const TAIL_START = 3.6541528853610088;
/** Area of every strip, including the base strip's tail beyond r. */
const STRIP_AREA = 0.00492867323399;

const density = (x: number) => Math.exp(-0.5 * x * x);

/**
 * Strip edges x_0 > x_1 = r > … > x_256 = 0, with x_0 = v / f(r) (the base strip as a rectangle of
 * the same area) and x_{i+1} = sqrt(−2 ln(v / x_i + f(x_i))) so every strip has area v.
 */
const EDGES = (() => {
  const x = new Float64Array(STRIPS + 1);
  x[0] = STRIP_AREA / density(TAIL_START);
  x[1] = TAIL_START;
  for (let i = 1; i < STRIPS - 1; i++) x[i + 1] = Math.sqrt(-2 * Math.log(STRIP_AREA / (x[i] as number) + density(x[i] as number)));
  x[STRIPS] = 0;
  return x;
})();
const HEIGHTS = EDGES.map(density);

/** The ziggurat's strip edges x_0 … x_256, their densities exp(−x²/2), and the tail start r (read-only). */
export const ZIGGURAT: { readonly edges: Readonly<Float64Array>; readonly heights: Readonly<Float64Array>; readonly tailStart: number } = { edges: EDGES, heights: HEIGHTS, tailStart: TAIL_START };

/**
 * Fills `out` with independent standard normal variates and returns it.
 *
 * @example fillStandardNormal(new Rng(1), new Float64Array(4))
 */
export function fillStandardNormal(rng: Rng, out: Float64Array): Float64Array {
  for (let k = 0; k < out.length; k++) {
    // The fast path of `standardNormal`, inlined: about 99 % of the variates end here.
    const scaled = rng.float() * (2 * STRIPS);
    const index = scaled | 0;
    const strip = index & (STRIPS - 1);
    const z = (scaled - index) * (EDGES[strip] as number);
    out[k] = z < (EDGES[strip + 1] as number) ? z * (1 - 2 * (index >> 8)) : standardNormalSlow(rng, strip, z, index);
  }
  return out;
}

/** Returns one standard normal variate (ziggurat with 256 strips). */
export function standardNormal(rng: Rng): number {
  const scaled = rng.float() * (2 * STRIPS);
  const index = scaled | 0;
  const strip = index & (STRIPS - 1);
  const z = (scaled - index) * (EDGES[strip] as number);
  return z < (EDGES[strip + 1] as number) ? z * (1 - 2 * (index >> 8)) : standardNormalSlow(rng, strip, z, index);
}

/**
 * Finishes a draw whose point fell outside the certain region of its strip: the base strip
 * samples the tail, the others test the point against the density and, when it is rejected,
 * start over.
 */
function standardNormalSlow(rng: Rng, strip: number, z: number, index: number): number {
  // The top bit of the 9 chooses the sign; the multiplication avoids a branch the CPU cannot predict.
  const sign = 1 - 2 * (index >> 8);
  if (strip === 0) return sign * tail(rng);
  const height = (HEIGHTS[strip] as number) + rng.float() * ((HEIGHTS[strip + 1] as number) - (HEIGHTS[strip] as number));
  if (height < density(z)) return sign * z;
  return standardNormal(rng);
}

/** Samples |Z| conditioned on |Z| > r (Marsaglia, 1964). */
function tail(rng: Rng): number {
  for (;;) {
    const a = -Math.log(1 - rng.float()) / TAIL_START;
    const b = -Math.log(1 - rng.float());
    if (b + b >= a * a) return TAIL_START + a;
  }
}
