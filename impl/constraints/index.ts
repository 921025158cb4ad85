/**
 * Hard convex constraints on network outputs, after Konstantinov and Utkin (2023): a layer that
 * maps any hidden vector to a point of a convex feasible set Ω, by casting a ray from an interior
 * point p and stepping along it no further than where it leaves Ω.
 *
 * Typical use:
 *
 *   const set = await prepareConstraintSet({ dimension: 3, linear: { A, b }, equality: { C, e } });
 *   const layer = new ConstraintLayer(set, { mode: 'ray' });      // in a tf model; input r + 1 units
 *   const y = oracleOutput(set, 'ray', z);                          // float64 reference
 *   const report = feasibilityReport(set.spec, y);                  // residuals against the spec
 *
 * The baseline, the Euclidean projection onto Ω, is `euclideanProjection` (float64) and
 * `createEuclideanProjectionOp` (tensors, polyhedral sets).
 */
export type { BoxBounds, ConstraintSetSpec, DenseRows, EqualityConstraints, LayerMode, LinearConstraints, QuadraticConstraint } from './types';
export { LAYER_MODES } from './types';
export { ConstraintError, EmptyInteriorError, InfeasibleSetError, InvalidConstraintSetError, InvalidInputError, UnboundedSetError } from './errors';
export { inputLength, prepareConstraintSet, requireModeSupported, type PreparedQuadratic, type PreparedSet } from './prepare';
export { crossingTime, oracleOutput, oracleOutputs, quadraticCrossing, sigmoid } from './oracle';
export { feasibilityReport, type FeasibilityReport } from './residuals';
export { euclideanProjection, projectionVjp, type EuclideanOptions, type EuclideanProjection } from './euclidean';
export { ConstraintLayer, createConstraintMap, type ConstraintMap, type ConstraintMapOptions } from './layer';
export { createEuclideanProjectionOp } from './euclidean-layer';
export { jointInputLength, jointOracleOutput, jointSlacks, prepareJointSet, type JointConstraintSpec, type PreparedJointSet } from './joint';
export { createJointConstraintMap, type JointConstraintMap } from './joint-layer';
export { solveQcqp, type Qcqp, type QcqpSolution } from './_internals/barrier';
export { solveLp, type DenseLp, type LpResult } from './_internals/lp';
