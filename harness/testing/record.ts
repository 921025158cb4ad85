/**
 * What an invariant test records about itself in vitest's task metadata. vitest's JSON report
 * carries the metadata, and the report generator joins it to the specs.
 */

/** Record of the property run for an invariant. */
export interface InvariantRunRecord {
  kind: 'invariant';
  id: string;
  /** Number of generated cases (or fixed cases) checked. */
  runs: number;
  /** Seed of the run; with `path` it replays a failure. */
  seed: number;
  /** fast-check's path of the failing case, when there is one. */
  path: string | null;
  /** The (shrunk) failing case, printed; null when the invariant held. */
  counterexample: string | null;
  /** Measured figures of the check (a statistical test's p-value, alpha, detectable effect). */
  details?: string[];
}

/** Record of one negative control: the property run against a deliberately broken variant. */
export interface NegativeControlRecord {
  kind: 'negative-control';
  id: string;
  /** Name of the broken variant. */
  control: string;
  runs: number;
  seed: number;
  /** The case on which the property rejected the broken variant; null when it accepted it. */
  rejectedWith: string | null;
}

export type PaperproofRecord = InvariantRunRecord | NegativeControlRecord;

declare module '@vitest/runner' {
  interface TaskMeta {
    paperproof?: PaperproofRecord;
  }
}

/** Separator between an invariant id and the name of its negative control in test names. */
export const CONTROL_MARK = ' [negative control: ';

/** Builds the test name of a negative control. */
export function controlTestName(id: string, control: string): string {
  return `${id}${CONTROL_MARK}${control}]`;
}

/** Splits a test name into invariant id and control name (null for the invariant test itself). */
export function parseTestName(name: string): { id: string; control: string | null } {
  const mark = name.indexOf(CONTROL_MARK);
  if (mark !== -1 && name.endsWith(']')) return { id: name.slice(0, mark), control: name.slice(mark + CONTROL_MARK.length, -1) };
  const space = name.indexOf(' ');
  return { id: space === -1 ? name : name.slice(0, space), control: null };
}
