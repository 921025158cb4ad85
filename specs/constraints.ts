/**
 * Spec of the constraints method: an output layer that maps any hidden vector into a convex
 * feasible set by a ray from an interior point (Konstantinov and Utkin, 2023). The central
 * projection is its variant, and the Euclidean projection the baseline.
 */
import type { MethodSpec } from '../harness/spec';

export const constraintsSpec: MethodSpec = {
  id: 'constraints',
  title: 'Hard convex constraints on network outputs (ray layer and projections)',
  citation:
    'A. V. Konstantinov, L. V. Utkin. A new computationally simple approach for implementing neural networks with output hard constraints. ' +
    'Doklady Mathematics, 2023. arXiv:2307.10459.',

  claims: [
    {
      id: 'constraints/hard-feasibility',
      statement: 'The layer maps every hidden vector to a point of the feasible set, for linear, quadratic, equality, box and input-dependent constraints.',
      source: 'Abstract of arXiv:2307.10459',
    },
    {
      id: 'constraints/forward-complexity',
      statement: 'The forward pass costs O(n·m) for linear constraints and O(n²·m) for quadratic constraints, for n variables and m constraints.',
      source: 'Abstract of arXiv:2307.10459',
    },
    {
      id: 'constraints/matmul-budget',
      statement: 'At n = 64, m = 256 and batch 1024, the linear-constraint forward pass costs at most 3 times a plain (1024×64)·(64×256) matrix product on the same backend.',
      source: 'Suite requirement for a layer called "computationally simple" in the abstract',
    },
    {
      id: 'constraints/optimisation',
      statement: 'Optimising the hidden vector through the layer solves constrained optimisation problems: the objective reached is within 1% (relative) of the exact optimum.',
      source: 'Abstract of arXiv:2307.10459 (optimisation experiments); the 1% threshold is the suite\'s, since the paper\'s tables could not be read',
    },
    {
      id: 'constraints/classification-feasible',
      statement: 'A classifier whose outputs must satisfy constraints keeps every output feasible with the layer, at an accuracy within 5 points of an unconstrained network trained with a penalty.',
      source: 'Abstract of arXiv:2307.10459 (classification experiments) and the authors\' example with probability-vector outputs; the 5-point margin is the suite\'s',
    },
  ],

  invariants: [
    {
      id: 'constraints/feasible-linear',
      statement: 'For bounded polytopes A y ≤ b, every output of the float64 oracle and the float32 layer in every mode is feasible (relative violation ≤ 1e-12 and absolute ≤ 1e-9 in float64, relative ≤ 1e-5 in float32), for hidden vectors of magnitude 0, 1e-300, 1e-8, 1 and 1e6.',
      kind: 'tolerance',
      negativeControls: ['steps the whole hidden vector, ignoring where the ray leaves the set', 'only the first row limits the ray', 'slacks not measured from the interior point'],
    },
    {
      id: 'constraints/feasible-quadratic',
      statement: 'For intersections of ellipsoids and degenerate convex quadratic rows, every output is feasible within the same tolerances.',
      kind: 'tolerance',
      negativeControls: ['the ½ of the quadratic rows applied twice', 'steps the whole hidden vector, ignoring where the ray leaves the set'],
    },
    {
      id: 'constraints/feasible-mixed',
      statement: 'For polytopes intersected with quadratic rows, every output is feasible within the same tolerances.',
      kind: 'tolerance',
      negativeControls: ['quadratic rows ignored when linear rows exist'],
    },
    {
      id: 'constraints/feasible-box',
      statement: 'For box bounds with an off-centre interior point (the O(n) path), every output is feasible within the same tolerances.',
      kind: 'tolerance',
      negativeControls: ['box fast path swaps upper and lower slacks'],
    },
    {
      id: 'constraints/equality-holds',
      statement: 'With equality constraints C y = e (including a redundant repeated row), every output meets them to relative 1e-12 in float64 and 1e-5 in float32, and meets the inequalities.',
      kind: 'tolerance',
      negativeControls: ['particular solution C⁺e replaced by 0', 'null-space basis replaced by coordinate axes'],
    },
    {
      id: 'constraints/feasible-input-dependent',
      statement: 'For joint constraints G_y y + G_x x ≤ h, every output is feasible for its own network input x, for every x in the declared input box.',
      kind: 'tolerance',
      negativeControls: ["every sample uses the slacks of the batch's first input"],
    },
    {
      id: 'constraints/interior-reachable',
      statement: 'Every interior point on a ray from the interior point (a fraction 0.01 to 0.99 of the way to the boundary, located independently by bisection on the residuals) is an output of some hidden vector in ray mode.',
      kind: 'tolerance',
      negativeControls: ['outputs stop half-way to the boundary'],
    },
    {
      id: 'constraints/boundary-on-boundary',
      statement: 'Boundary mode returns a feasible point with a constraint active (relative residual within the dtype tolerance of 0) on the ray from the interior point along the hidden direction.',
      kind: 'tolerance',
      negativeControls: ["ray mode's interior output used", 'last crossing used instead of the first'],
    },
    {
      id: 'constraints/central-projection',
      statement: 'Projection mode is the identity on the feasible set, and maps any other point to where the segment from the interior point to it leaves the set.',
      kind: 'tolerance',
      negativeControls: ['Euclidean projection in place of the central one', 'every input rescaled onto the boundary, even inside the set'],
    },
    {
      id: 'constraints/box-fast-path-agrees',
      statement: 'The O(n) box path and the general linear path with the same bounds and interior point give the same outputs.',
      kind: 'tolerance',
      negativeControls: ['box fast path swaps upper and lower slacks'],
    },
    {
      id: 'constraints/euclidean-projection-kkt',
      statement: 'The Euclidean projection is feasible, idempotent, and meets the KKT conditions of nearest-point projection, both with independently fitted multipliers and with its reported ones.',
      kind: 'tolerance',
      negativeControls: ['central projection reported as the Euclidean one', "alternating projections without Dykstra's correction terms"],
    },
    {
      id: 'constraints/layer-agrees-with-oracle',
      statement: 'The float32 TensorFlow.js layers (fixed and joint sets, every mode) agree with the float64 oracles on the same inputs within the float32 tolerance.',
      kind: 'tolerance',
      negativeControls: ['gauge rows not divided by their slacks', 'scale logit negated'],
    },
    {
      id: 'constraints/gradient-finite-difference',
      statement: 'Gradients of the layer from automatic differentiation agree with central finite differences of the oracle away from ties between crossings.',
      kind: 'tolerance',
      negativeControls: ['backward pass treats the gauge as a constant'],
    },
    {
      id: 'constraints/nan-rejected',
      statement: 'A NaN or infinite entry, or a wrong length, in a batch of hidden vectors raises an error naming the vector, the entry and the fix, in the oracle and in the layer.',
      kind: 'exact',
      negativeControls: ['layer without input validation', 'oracle without input checks'],
    },
    {
      id: 'constraints/bad-sets-rejected',
      statement: 'Infeasible, flat, unbounded, inconsistent and malformed constraint sets raise named errors; infeasibility names rows that cannot hold together, unboundedness names a recession direction.',
      kind: 'exact',
      negativeControls: ['errors swallowed and the set used anyway', 'error names the first rows instead of the conflicting ones'],
    },
    {
      id: 'constraints/joint-input-rejected',
      statement: 'The joint layer rejects a NaN network input and an input outside the declared input box with errors naming the input and the fix.',
      kind: 'exact',
      negativeControls: ['joint layer without input checks'],
    },
    {
      id: 'constraints/malformed-specs-rejected',
      statement: 'Each malformed field of a fixed or joint constraint set, an unknown mode, an unbounded set in ray or boundary mode, and quadratic rows given to the differentiable Euclidean projection raise a named error whose message gives the field, the index, the bad value and the fix.',
      kind: 'exact',
      negativeControls: ['malformed specs accepted and replaced by a unit box', 'error messages reduced to the error class'],
    },
    {
      id: 'constraints/euclidean-op-gradient',
      statement: 'The differentiable Euclidean projection over polyhedral sets returns the float64 projection of every row of a batch, and its gradient agrees with central finite differences of that projection wherever the projection is affine around the input.',
      kind: 'tolerance',
      negativeControls: ['backward pass returns the upstream gradient unchanged'],
    },
  ],

  experiments: [
    {
      id: 'constraints/feasibility-sweep',
      claim: 'constraints/hard-feasibility',
      description: '10⁵ hidden vectors per constraint family (magnitudes up to 1e6 included) through the float64 oracle and the float32 layer; worst violation, NaN and Inf counts.',
    },
    {
      id: 'constraints/forward-growth',
      claim: 'constraints/forward-complexity',
      description: 'Forward time of the linear and quadratic layers over a grid of n and m, measured interleaved with a plain matmul of the same shapes; growth exponents fitted by least squares on log time.',
    },
    {
      id: 'constraints/matmul-ratio',
      claim: 'constraints/matmul-budget',
      description: 'Linear ray layer against a (1024×64)·(64×256) matmul, interleaved in one process; ratio of medians with a bootstrap interval.',
    },
    {
      id: 'constraints/optimisation-gap',
      claim: 'constraints/optimisation',
      description: 'LP and QP over random polytopes and a QP over ellipsoids, solved by optimising the hidden vector through the layer with Adam; gap to the exact optimum (HiGHS, or the barrier method for quadratic rows).',
    },
    {
      id: 'constraints/classification',
      claim: 'constraints/classification-feasible',
      description: 'Generated 5-class data with outputs on the probability simplex capped at 0.9: ray layer, central projection, Euclidean projection, and an unconstrained network with a penalty; accuracy, violation rate, time per epoch.',
    },
  ],

  benchmarks: [
    { id: 'constraints/linear-n16-m64', description: 'Ray layer, linear rows, n = 16, m = 64, batch 1024 (tensor backend).', unit: 'ms', baseline: 'constraints/matmul-n16-m64' },
    { id: 'constraints/matmul-n16-m64', description: 'Plain matmul (1024×16)·(16×64) on the same backend.', unit: 'ms' },
    { id: 'constraints/linear-n64-m256', description: 'Ray layer, linear rows, n = 64, m = 256, batch 1024 (tensor backend).', unit: 'ms', baseline: 'constraints/matmul-n64-m256' },
    { id: 'constraints/matmul-n64-m256', description: 'Plain matmul (1024×64)·(64×256) on the same backend.', unit: 'ms' },
    { id: 'constraints/quadratic-n16-m16', description: 'Ray layer, 16 quadratic rows, n = 16, batch 1024 (tensor backend).', unit: 'ms', baseline: 'constraints/matmul-n16-m256' },
    { id: 'constraints/matmul-n16-m256', description: "Plain matmul (1024×16)·(16×256), the shape of the quadratic layer's dominant product.", unit: 'ms' },
    { id: 'constraints/euclidean-n16-m64', description: 'Euclidean projection (active-set QP, float64) of 64 points, n = 16, m = 64.', unit: 'ms', baseline: 'constraints/oracle-n16-m64' },
    { id: 'constraints/oracle-n16-m64', description: 'Ray map (float64 oracle) of the same 64 points and set.', unit: 'ms' },
  ],
};
