/**
 * Errors raised for constraint sets the layer cannot serve and for hidden vectors it cannot map.
 * Each message names the offending value and what to do about it.
 */

/** Base class: the constraint set or an input is unusable. */
export class ConstraintError extends Error {
  override name = 'ConstraintError';
}

/** A constraint set is malformed: wrong shapes, NaN or infinite entries, a non-convex quadratic. */
export class InvalidConstraintSetError extends ConstraintError {
  override name = 'InvalidConstraintSetError';
}

/** No point satisfies all constraints. `rows` names a subset of constraints that cannot hold together. */
export class InfeasibleSetError extends ConstraintError {
  override name = 'InfeasibleSetError';
  readonly rows: readonly string[];

  constructor(rows: readonly string[], detail: string) {
    super(
      `the feasible set is empty: ${rows.length > 0 ? `${listRows(rows)} cannot hold together` : 'the constraints cannot hold together'} (${detail}). ` +
        'Relax or remove one of these constraints.',
    );
    this.rows = rows;
  }
}

/**
 * The feasible set is not empty but has no interior: the constraints in `rows` pin it to a
 * lower-dimensional face, so no strictly interior point exists for the layer to start its rays from.
 */
export class EmptyInteriorError extends ConstraintError {
  override name = 'EmptyInteriorError';
  readonly rows: readonly string[];

  constructor(rows: readonly string[], detail: string) {
    super(
      `the feasible set has no interior: ${rows.length > 0 ? listRows(rows) : 'the constraints'} leave no strictly feasible point (${detail}). ` +
        'Write pairs of opposite inequalities as an equality constraint (the `equality` field), or loosen one of these rows.',
    );
    this.rows = rows;
  }
}

/** The feasible set is unbounded along `direction`, and the requested mode needs a bounded set. */
export class UnboundedSetError extends ConstraintError {
  override name = 'UnboundedSetError';
  readonly direction: readonly number[];

  constructor(direction: readonly number[], mode: string) {
    super(
      `the feasible set is unbounded along direction [${direction.map((x) => round(x)).join(', ')}], so mode '${mode}' has no boundary to aim at in that direction. ` +
        "Add constraints that bound the set (box bounds, for example), or use mode 'projection', which accepts unbounded sets.",
    );
    this.direction = direction;
  }
}

/** A hidden vector or network input is unusable: NaN, infinite, the wrong length, or outside the declared input box. */
export class InvalidInputError extends ConstraintError {
  override name = 'InvalidInputError';
}

function listRows(rows: readonly string[]): string {
  const shown = rows.slice(0, 8).join(', ');
  return rows.length > 8 ? `${shown} and ${rows.length - 8} more` : shown;
}

function round(x: number): string {
  return Math.abs(x) < 1e-12 ? '0' : String(Number(x.toPrecision(4)));
}
