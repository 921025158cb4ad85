/**
 * Registers the vitest tests of one invariant: the property against the real implementation, and
 * the same property against each negative control (a deliberately broken variant), which must
 * fail. A control that passes means the property is vacuous, and that test fails loudly.
 *
 * Seeds derive from the run's master seed (`PAPERPROOF_SEED`) and the invariant id, so every
 * failure message carries what is needed to replay it.
 */
import fc from 'fast-check';
import { test } from 'vitest';
import { forProfile, profileFromEnv, type PerProfile } from '../profile';
import { deriveSeed, masterSeedFromEnv } from '../seed';
import { MUTANT_RUN_CASES, inMutantRun } from './mutant-run';
import { controlTestName } from './record';

/** A broken variant of the subject, named by what is wrong with it. */
export interface NegativeControl<Subject> {
  name: string;
  subject: Subject;
}

/** An invariant checked by a fast-check property over generated cases. */
export interface PropertyInvariant<Subject> {
  /** Invariant id from the method's spec; the test names start with it. */
  id: string;
  subject: Subject;
  controls: readonly NegativeControl<Subject>[];
  /** Builds the property for a subject (the real one or a control). */
  property: (subject: Subject) => fc.IRawProperty<any>;
  /** Generated cases for the real subject. Default: 100 in quick, 1000 in full. */
  numRuns?: number | PerProfile<number>;
  /** Generated cases a control gets to be rejected. Default: the same as `numRuns`. */
  controlNumRuns?: number | PerProfile<number>;
  /** Test timeout in milliseconds. */
  timeoutMs?: number;
}

/** An invariant checked on a fixed list of cases (recorded data, exhaustive enumerations). */
export interface CaseInvariant<Subject> {
  id: string;
  subject: Subject;
  controls: readonly NegativeControl<Subject>[];
  /** Checks every case for `subject`; returns the number of cases checked and the failures. */
  check: (subject: Subject) => Promise<CaseOutcome> | CaseOutcome;
  timeoutMs?: number;
}

/** Result of checking a fixed list of cases. */
export interface CaseOutcome {
  runs: number;
  /** One line per failing case. */
  failures: string[];
  /**
   * Measured figures worth reporting even when every case passes, one line each: for a
   * statistical check, its p-value, alpha and the smallest effect it detects.
   */
  details?: string[];
}

const DEFAULT_RUNS: PerProfile<number> = { quick: 100, full: 1000 };


/**
 * Registers the tests of an invariant checked by a property.
 *
 * @example
 * propertyInvariant({ id: 'linearizability/prefix-closed', subject: check, controls: [...], property: (c) => fc.property(arb, (h) => ...) });
 */
export function propertyInvariant<Subject>(spec: PropertyInvariant<Subject>): void {
  const profile = profileFromEnv();
  const master = masterSeedFromEnv();
  const seed = deriveSeed(master, spec.id);
  const fullRuns = forProfile(spec.numRuns ?? DEFAULT_RUNS, profile);
  const numRuns = inMutantRun() ? Math.min(fullRuns, MUTANT_RUN_CASES) : fullRuns;
  const controlRuns = forProfile(spec.controlNumRuns ?? spec.numRuns ?? DEFAULT_RUNS, profile);

  test(spec.id, async (context) => {
    // includeErrorInReport puts the property's own error message (what failed, by how much) into the report.
    const details = await fc.check(spec.property(spec.subject), { seed, numRuns, includeErrorInReport: true });
    context.task.meta.paperproof = {
      kind: 'invariant',
      id: spec.id,
      runs: details.numRuns,
      seed,
      path: details.failed ? details.counterexamplePath : null,
      counterexample: details.failed ? fc.stringify(details.counterexample) : null,
    };
    if (details.failed) {
      const report = fc.defaultReportMessage(details) ?? 'property failed';
      throw new Error(`${spec.id} failed (master seed ${master}; replay with PAPERPROOF_SEED=${master}).\n${report}`);
    }
  }, spec.timeoutMs);

  for (const control of inMutantRun() ? [] : spec.controls) {
    test(controlTestName(spec.id, control.name), async (context) => {
      const details = await fc.check(spec.property(control.subject), { seed, numRuns: controlRuns });
      context.task.meta.paperproof = {
        kind: 'negative-control',
        id: spec.id,
        control: control.name,
        runs: details.numRuns,
        seed,
        rejectedWith: details.failed ? fc.stringify(details.counterexample) : null,
      };
      if (!details.failed) {
        throw new Error(
          `${spec.id} is vacuous: it accepted the broken variant '${control.name}' on all ${details.numRuns} generated cases ` +
            `(seed ${seed}); strengthen the property or its generator so that it rejects this variant`,
        );
      }
    }, spec.timeoutMs);
  }
}

/** Registers the tests of an invariant checked on a fixed list of cases. */
export function caseInvariant<Subject>(spec: CaseInvariant<Subject>): void {
  const seed = deriveSeed(masterSeedFromEnv(), spec.id);

  test(spec.id, async (context) => {
    const outcome = await spec.check(spec.subject);
    context.task.meta.paperproof = {
      kind: 'invariant',
      id: spec.id,
      runs: outcome.runs,
      seed,
      path: null,
      counterexample: outcome.failures.length === 0 ? null : outcome.failures.slice(0, 5).join('\n'),
      ...(outcome.details === undefined ? {} : { details: outcome.details }),
    };
    if (outcome.failures.length > 0) {
      throw new Error(`${spec.id} failed on ${outcome.failures.length} of ${outcome.runs} cases:\n${outcome.failures.slice(0, 20).join('\n')}`);
    }
    if (outcome.runs === 0) throw new Error(`${spec.id} checked no cases; a check over zero cases proves nothing`);
  }, spec.timeoutMs);

  for (const control of inMutantRun() ? [] : spec.controls) {
    test(controlTestName(spec.id, control.name), async (context) => {
      const outcome = await spec.check(control.subject);
      context.task.meta.paperproof = {
        kind: 'negative-control',
        id: spec.id,
        control: control.name,
        runs: outcome.runs,
        seed,
        rejectedWith: outcome.failures[0] ?? null,
      };
      if (outcome.failures.length === 0) {
        throw new Error(`${spec.id} is vacuous: it accepted the broken variant '${control.name}' on all ${outcome.runs} cases; add a case that this variant gets wrong`);
      }
    }, spec.timeoutMs);
  }
}
