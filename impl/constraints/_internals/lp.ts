/**
 * Dense linear programs solved by HiGHS (the `highs` package: the HiGHS solver compiled to
 * WebAssembly), with the few results the constraint layer needs: status, solution, row duals and
 * an irreducible infeasible subset of rows.
 */
import loadHighs, { type Highs } from 'highs';

/** A linear program: minimize or maximize cᵀx subject to rowLower ≤ M x ≤ rowUpper and lower ≤ x ≤ upper. */
export interface DenseLp {
  sense: 'minimize' | 'maximize';
  cost: readonly number[];
  lower: readonly number[];
  upper: readonly number[];
  /** Constraint matrix M, one array per row; entries equal to 0 are skipped. */
  rows: readonly (ArrayLike<number>)[];
  rowLower: readonly number[];
  rowUpper: readonly number[];
  /** Optional symmetric positive semidefinite Q adding ½ xᵀQx to a minimized objective (a convex QP). */
  hessian?: readonly (ArrayLike<number>)[];
}

/** Outcome of a solve. */
export interface LpResult {
  status: 'optimal' | 'infeasible' | 'unbounded' | 'failed';
  /** HiGHS's model status name, for messages. */
  statusName: string;
  /** Primal solution (meaningful when optimal). */
  x: Float64Array;
  objective: number;
  /** Row dual values (meaningful when optimal). */
  rowDual: Float64Array;
}

let loading: Promise<Highs> | null = null;

/** Loads HiGHS once per process; later calls share the instance. */
export function highs(): Promise<Highs> {
  loading ??= loadHighs();
  return loading;
}

/**
 * Solves a dense LP.
 *
 * @example await solveLp({ sense: 'maximize', cost: [1], lower: [0], upper: [1], rows: [], rowLower: [], rowUpper: [] })
 */
export async function solveLp(lp: DenseLp): Promise<LpResult> {
  const solver = await highs();
  const model = solver.createModel(toModel(solver, lp));
  try {
    model.options.set({ output_flag: false, primal_feasibility_tolerance: 1e-10, dual_feasibility_tolerance: 1e-10 });
    model.run();
    const code = model.getModelStatus();
    const codes = solver.constants.modelStatus;
    const statusName = Object.entries(codes).find(([, value]) => value === code)?.[0] ?? String(code);
    let status: LpResult['status'] = 'failed';
    if (code === codes.optimal) status = 'optimal';
    else if (code === codes.infeasible) status = 'infeasible';
    else if (code === codes.unbounded) status = 'unbounded';
    if (status !== 'optimal') return { status, statusName, x: new Float64Array(lp.cost.length), objective: Number.NaN, rowDual: new Float64Array(lp.rows.length) };
    const solution = model.getSolution();
    return { status, statusName, x: Float64Array.from(solution.colValue), objective: model.getObjectiveValue(), rowDual: Float64Array.from(solution.rowDual) };
  } finally {
    model.dispose();
  }
}

/**
 * Returns the indices of an irreducible infeasible subset of the rows of an infeasible LP (a set
 * of rows that cannot hold together, every proper subset of which can), as HiGHS computes it.
 * Column bounds in the subset are not reported. Returns an empty list when HiGHS finds none.
 */
export async function infeasibleRows(lp: DenseLp): Promise<number[]> {
  const solver = await highs();
  const model = solver.createModel(toModel(solver, lp));
  try {
    // Strategy bits: 2 = start from the LP's infeasibility proof, 4 = reduce to an irreducible subset.
    model.options.set({ output_flag: false, iis_strategy: 6 as never });
    model.run();
    const iis = model.getIis();
    return [...iis.rowIndex].sort((a, b) => a - b);
  } finally {
    model.dispose();
  }
}

function toModel(solver: Highs, lp: DenseLp) {
  const numCols = lp.cost.length;
  const numRows = lp.rows.length;
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of lp.rows) {
    if (row.length !== numCols) throw new Error(`LP row has ${row.length} entries, expected ${numCols}`);
    for (let j = 0; j < numCols; j++) {
      const value = row[j]!;
      if (value === 0) continue;
      indices.push(j);
      values.push(value);
    }
    starts.push(indices.length);
  }
  const infinity = solver.infinity;
  const hessian = lp.hessian === undefined ? undefined : lowerTriangle(lp.hessian, numCols);
  // HiGHS has its own value for infinite bounds.
  const bound = (x: number) => {
    if (x === Infinity) return infinity;
    if (x === -Infinity) return -infinity;
    return x;
  };
  return {
    numCols,
    numRows,
    sense: lp.sense === 'maximize' ? solver.constants.objectiveSense.maximize : solver.constants.objectiveSense.minimize,
    colCost: Float64Array.from(lp.cost),
    colLower: Float64Array.from(lp.lower, bound),
    colUpper: Float64Array.from(lp.upper, bound),
    rowLower: Float64Array.from(lp.rowLower, bound),
    rowUpper: Float64Array.from(lp.rowUpper, bound),
    matrix: { format: 'csr' as const, numRows, numCols, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(values) },
    ...(hessian === undefined ? {} : { hessian }),
  };
}

/** Packs the lower triangle of a symmetric matrix in compressed-column form, as HiGHS expects. */
function lowerTriangle(q: readonly (ArrayLike<number>)[], n: number) {
  if (q.length !== n) throw new Error(`QP Hessian has ${q.length} rows, expected ${n}`);
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = j; i < n; i++) {
      const value = q[i]![j]!;
      if (value === 0) continue;
      indices.push(i);
      values.push(value);
    }
    starts.push(indices.length);
  }
  return { format: 'triangular' as const, dimension: n, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(values) };
}
