/**
 * The variable set by `paperproof mutation` in the test runs of StrykerJS. There each mutant runs the
 * properties that cover it, and two changes keep a method's run within its budget:
 * - negative controls are not registered: they check the properties, not the method, and a mutant
 *   that only makes a control pass has not been detected by any property;
 * - a property checks at most {@link MUTANT_RUN_CASES} generated cases. fast-check draws the same
 *   cases from the same seed, so these are the first cases `npm test` checks, and a mutant killed
 *   here is killed there too: the score is a lower bound of what `npm test` detects.
 *
 * This module imports nothing, so the command line can read it without loading vitest.
 */
export const MUTANT_RUN_VARIABLE = 'PAPERPROOF_MUTANT_RUN';
/** Most generated cases per property in a mutant run. */
export const MUTANT_RUN_CASES = 25;

/** True inside a StrykerJS test run started by `paperproof mutation`. */
export function inMutantRun(): boolean {
  return process.env[MUTANT_RUN_VARIABLE] === '1';
}
