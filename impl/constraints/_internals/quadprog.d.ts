// Types for the `quadprog` package (a JavaScript port of R's quadprog, Goldfarb–Idnani dual
// active-set method), which ships none. Arrays are 1-based: index 0 is unused.
declare module 'quadprog' {
  export interface QuadprogResult {
    solution: number[];
    Lagrangian: number[];
    value: number[];
    unconstrained_solution: number[];
    iterations: number[];
    iact: number[];
    /** Empty on success, otherwise the reason for failure. */
    message: string;
  }

  /**
   * Minimizes ½ bᵀ D b − dᵀ b subject to Aᵀ b ≥ b₀, the first `meq` constraints as equalities.
   * `factorized[1] = 1` marks `Dmat` as already containing R⁻¹ for D = RᵀR. On return,
   * `factorized[1]` is 1 for inconsistent constraints and 2 for a D that is not positive definite.
   */
  export function solveQP(Dmat: number[][], dvec: number[], Amat: number[][], bvec: number[], meq?: number, factorized?: number[]): QuadprogResult;
}
