/**
 * Numerical integration for exact reference values: Gaussian expectations in one dimension and
 * the normalising constant of a 2-D energy on a grid.
 *
 * Both use the trapezoid rule on a uniform grid. For integrands that are smooth and decay like a
 * Gaussian before the ends of the interval, its error falls geometrically with the number of
 * points (the periodic-extension argument), so a few thousand points give close to float64
 * accuracy. No maintained npm package offers quadrature (the one on the registry has about 800
 * downloads a month), and the rule is a few lines.
 */
import { JarzynskiSettingsError, requireCount } from './errors';

/** Standard normal density. */
function normalDensity(t: number): number {
  return Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
}

/**
 * Returns E[f(t)] for t ~ N(0, 1), by the trapezoid rule on [−12, 12].
 *
 * @param points - grid points (default 24,001, spacing 0.001: enough for integrands whose
 *   features are no narrower than about 0.01)
 */
export function gaussianExpectation(f: (t: number) => number, points = 24_001): number {
  requireCount('points', points);
  if (points < 3) throw new JarzynskiSettingsError('out-of-range', 'points', `must be at least 3, got ${points}; pass more points, for example the default 24,001`);
  const low = -12;
  const spacing = 24 / (points - 1);
  let sum = 0;
  for (let k = 0; k < points; k++) {
    const t = low + k * spacing;
    const weight = k === 0 || k === points - 1 ? 0.5 : 1;
    sum += weight * f(t) * normalDensity(t);
  }
  return sum * spacing;
}

/** A uniform grid over a rectangle of R². */
export interface Grid2d {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  /** Points per axis. */
  points: number;
}

/** Returns the coordinates of a grid's points, row by row (x fastest), and the cell area. */
export function gridPoints(grid: Grid2d): { positions: Float64Array; cellArea: number } {
  requireCount('grid.points', grid.points);
  if (grid.points < 2) throw new JarzynskiSettingsError('out-of-range', 'grid.points', `must be at least 2, got ${grid.points}; pass a few hundred points per axis`);
  const n = grid.points;
  const dx = (grid.xMax - grid.xMin) / (n - 1);
  const dy = (grid.yMax - grid.yMin) / (n - 1);
  const positions = new Float64Array(n * n * 2);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      positions[2 * (j * n + i)] = grid.xMin + i * dx;
      positions[2 * (j * n + i) + 1] = grid.yMin + j * dy;
    }
  }
  return { positions, cellArea: dx * dy };
}

/**
 * Returns log ∫ exp(−U) over the grid's rectangle by the 2-D trapezoid rule, from the energies
 * at the grid points (row by row, as `gridPoints` orders them), with the maximum shift so that no
 * exponential overflows.
 */
export function gridLogPartition(energies: ArrayLike<number>, grid: Grid2d): number {
  const n = grid.points;
  if (energies.length !== n * n) throw new JarzynskiSettingsError('dimension-mismatch', 'energies', `has ${energies.length} entries for a ${n}×${n} grid; evaluate the energy at every point that gridPoints returns for this grid`);
  let min = Infinity;
  for (let k = 0; k < energies.length; k++) min = Math.min(min, energies[k] as number);
  const dx = (grid.xMax - grid.xMin) / (n - 1);
  const dy = (grid.yMax - grid.yMin) / (n - 1);
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const wy = j === 0 || j === n - 1 ? 0.5 : 1;
    for (let i = 0; i < n; i++) {
      const wx = i === 0 || i === n - 1 ? 0.5 : 1;
      sum += wx * wy * Math.exp(min - (energies[j * n + i] as number));
    }
  }
  return -min + Math.log(sum * dx * dy);
}
