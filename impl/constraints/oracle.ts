/**
 * The float64 oracle of the constraint layer: plain TypeScript, one sample at a time. It is written
 * in the crossing-time form of Konstantinov and Utkin (2023), so it shares no formula with the
 * tensor layer, which uses the gauge form.
 *
 * In reduced coordinates w, with p the interior point and u a direction, the ray p + t·u stays
 * feasible up to the crossing time
 *
 *   t*(u) = min( min over rows with aᵢ·u > 0 of σᵢ / (aᵢ·u),  min over quadratic rows of tⱼ(u) )
 *
 * where σᵢ = bᵢ − aᵢ·p, and tⱼ(u) is the positive root of cⱼ + t βⱼ·u + ½ t² uᵀPⱼu = 0:
 *
 *   tⱼ = −2cⱼ / (βⱼ·u + S)        when βⱼ·u ≥ 0
 *   tⱼ = (S − βⱼ·u) / (uᵀPⱼu)     when βⱼ·u < 0 (+∞ if uᵀPⱼu = 0)
 *   S  = √((βⱼ·u)² − 2 cⱼ uᵀPⱼu)
 *
 * (two forms of the same root, each free of cancellation on its side). The modes then return
 *
 *   ray         z = (s, d):  w = p + sigmoid(s) · t*(u) · u
 *   boundary    z = d:       w = p + t*(u) · u
 *   projection  z:           d = Rᵀ(z − p₀) − p,  w = p + min(|d|∞, t*(u)) · u
 *
 * with u = d / |d|∞ (the map is scale-free, so normalizing first keeps 1e-300 and 1e6 inputs
 * exact), and y = R w + p₀. A zero direction gives w = p, except in `boundary` mode, which uses
 * the first coordinate direction so that the output is still on the boundary.
 */
import { UnboundedSetError } from './errors';
import { lift, lower } from './_internals/reduced';
import { inputLength, inputLengthHint, requireModeSupported, type PreparedSet } from './prepare';
import type { LayerMode } from './types';
import { validateInputs } from './validate';

/**
 * Returns the crossing time t*(u) of the ray p + t·u (reduced coordinates): the largest t with
 * p + t·u in the set; Infinity when the set is unbounded along u.
 */
export function crossingTime(set: PreparedSet, direction: ArrayLike<number>): number {
  const u = direction instanceof Float64Array ? direction : Float64Array.from(direction);
  let t = Infinity;
  if (set.box !== null) {
    for (let j = 0; j < u.length; j++) {
      const uj = u[j]!;
      if (uj > 0) t = Math.min(t, set.box.upperSlack[j]! / uj);
      else if (uj < 0) t = Math.min(t, set.box.lowerSlack[j]! / -uj);
    }
    return t;
  }

  for (let i = 0; i < set.rows.length; i++) {
    const rate = dot64(set.rows[i]!, u);
    if (rate > 0) t = Math.min(t, set.slack[i]! / rate);
  }
  for (const quadratic of set.quadratics) t = Math.min(t, crossing(quadratic.P, quadratic.beta, quadratic.c, u));
  return t;
}

/** Returns the positive root of c + t β·u + ½ t² uᵀPu = 0 for c < 0; see the module comment. */
export function quadraticCrossing(P: readonly ArrayLike<number>[], beta: ArrayLike<number>, c: number, u: ArrayLike<number>): number {
  return crossing(P.map((row) => Float64Array.from(row)), Float64Array.from(beta), c, Float64Array.from(u));
}

function crossing(P: readonly Float64Array[], beta: Float64Array, c: number, u: Float64Array): number {
  let curvature = 0;
  for (let i = 0; i < P.length; i++) curvature += u[i]! * dot64(P[i]!, u);
  const rate = dot64(beta, u);
  const root = Math.sqrt(rate * rate - 2 * c * curvature);
  if (rate >= 0) return rate + root > 0 ? (-2 * c) / (rate + root) : Infinity;
  return curvature > 0 ? (root - rate) / curvature : Infinity;
}

/**
 * Maps one input vector to a feasible output with the float64 oracle.
 *
 * @example
 * const set = await prepareConstraintSet({ dimension: 2, box: { lower: [0, 0], upper: [1, 1] } });
 * oracleOutput(set, 'ray', [0, 1, 0]); // y = p + sigmoid(0) · t* · (1, 0) = (0.75, 0.5)
 * @param z - for `ray`: (s, d₁…d_r); for `boundary`: d (length r); for `projection`: a point of length n
 * @throws InvalidInputError for NaN, infinite entries or a wrong length; UnboundedSetError for
 *   `ray` and `boundary` on an unbounded set.
 */
export function oracleOutput(set: PreparedSet, mode: LayerMode, z: ArrayLike<number>): Float64Array {
  requireModeSupported(set, mode);
  validateInputs([z], inputLength(set, mode), 'hidden vector', inputLengthHint(set, mode));
  return lift(set, reducedOutput(set, mode, z));
}

/** {@link oracleOutput} for a batch; errors name the vector's index in the batch. */
export function oracleOutputs(set: PreparedSet, mode: LayerMode, zs: readonly ArrayLike<number>[]): Float64Array[] {
  requireModeSupported(set, mode);
  validateInputs(zs, inputLength(set, mode), 'hidden vector', inputLengthHint(set, mode));
  return zs.map((z) => lift(set, reducedOutput(set, mode, z)));
}

/** Computes the mode's output in reduced coordinates, for validated input. */
export function reducedOutput(set: PreparedSet, mode: LayerMode, z: ArrayLike<number>): Float64Array {
  const p = set.interior;
  const r = set.freeDimension;

  if (mode === 'projection') {
    const d = lower(set, z).map((v, i) => v - p[i]!);
    const scale = maxAbs(d);
    if (scale === 0) return Float64Array.from(p);
    const u = d.map((v) => v / scale);
    const step = Math.min(scale, crossingTime(set, u));
    return p.map((pi, i) => pi + step * u[i]!);
  }

  const d = mode === 'ray' ? Float64Array.from({ length: r }, (_, i) => z[i + 1]!) : Float64Array.from(z);
  const scale = maxAbs(d);
  if (scale === 0 && mode === 'ray') return Float64Array.from(p);
  const u = scale === 0 ? d.map((_, i) => (i === 0 ? 1 : 0)) : d.map((v) => v / scale);
  const t = crossingTime(set, u);
  if (!Number.isFinite(t)) throw new UnboundedSetError([...lift({ basis: set.basis, offset: new Float64Array(set.dimension) }, u)], mode);
  const step = mode === 'ray' ? sigmoid(z[0]!) * t : t;
  return p.map((pi, i) => pi + step * u[i]!);
}

/** Logistic sigmoid 1 / (1 + e^(−s)), without overflow for large |s|. */
export function sigmoid(s: number): number {
  if (s >= 0) return 1 / (1 + Math.exp(-s));
  const e = Math.exp(s);
  return e / (1 + e);
}

/**
 * Dot product of two Float64Arrays. The hot loops call only this function, and only with this
 * type, because V8 keeps element access fast while a function receives one array type. A shared
 * helper that also received plain arrays and Float32Arrays ran the oracle about 20 times slower
 * (measured on Node 20.20 in the growth experiment).
 */
function dot64(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function maxAbs(values: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]!));
  return largest;
}
