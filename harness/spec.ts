/**
 * Types of the method specs: the single source of truth for what each method claims, which
 * invariants the suite checks, which comparison runs re-check the paper and which speed suites
 * it times.
 *
 * Property test names start with an invariant id, so the report joins vitest's results to these
 * specs; an invariant with no test, or a test whose id is in no spec, is reported as an error.
 */

/** Identifier of one of the eleven methods; used in folders, invariant ids, the CLI and reports. */
export type MethodId =
  | 'jarzynski'
  | 'constraints'
  | 'linearizability'
  | 'ernerf'
  | 'gear'
  | 'naswot'
  | 'deepthin'
  | 'lgcn'
  | 'clustergcn'
  | 'xlnet'
  | 'dcunet';

/**
 * How an invariant is checked:
 * - `exact`: equality of discrete results (verdicts, sets, orders);
 * - `tolerance`: numeric agreement within a stated relative and absolute tolerance;
 * - `statistical`: a hypothesis test with a stated false-failure rate and power;
 * - `model-checked`: exhaustive exploration of a bounded state or schedule space.
 */
export type CheckKind = 'exact' | 'tolerance' | 'statistical' | 'model-checked';

/** One invariant the method promises, checked by a property test named after its id. */
export interface InvariantSpec {
  /** Stable id, `<method>/<name>`, the prefix of the property test's name. */
  id: string;
  /** One-sentence statement of what must hold. */
  statement: string;
  kind: CheckKind;
  /** Broken variants the property must reject, one phrase each. */
  negativeControls: readonly string[];
}

/** A claim of the paper that a comparison run re-checks at small scale. */
export interface ClaimSpec {
  id: string;
  /** The claim in one sentence, as the paper makes it. */
  statement: string;
  /** Where the claim comes from (paper section, table or figure). */
  source: string;
}

/** A comparison run: variant against variant on the same data, ending in a verdict on a claim. */
export interface ExperimentSpec {
  /** Stable id, `<method>/<name>`. */
  id: string;
  /** Id of the claim this run re-checks. */
  claim: string;
  /** What is run and measured. */
  description: string;
}

/** A speed suite timed with tinybench; its figures are reported as ratios to `baseline`. */
export interface BenchmarkSpec {
  /** Stable id, `<method>/<name>`. */
  id: string;
  description: string;
  /** Unit of one sample, for example `ms` per checked history. */
  unit: string;
  /** Id of the benchmark this one is compared with side by side, when there is one. */
  baseline?: string;
}

/** Everything the suite knows about one method. */
export interface MethodSpec {
  id: MethodId;
  title: string;
  /** Authors, year, venue and identifier of the source paper. */
  citation: string;
  claims: readonly ClaimSpec[];
  invariants: readonly InvariantSpec[];
  experiments: readonly ExperimentSpec[];
  benchmarks: readonly BenchmarkSpec[];
}

/** Returns the method id of an invariant, experiment or benchmark id (`<method>/<name>`). */
export function methodOf(id: string): string {
  const slash = id.indexOf('/');
  return slash === -1 ? id : id.slice(0, slash);
}

/**
 * Checks a spec for internal consistency: ids prefixed by the method id, unique, experiments
 * pointing at declared claims, benchmark baselines pointing at declared benchmarks, and a
 * negative control for every invariant.
 *
 * @returns the list of problems, empty when the spec is consistent
 */
export function validateSpec(spec: MethodSpec): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const all: { id: string; what: string }[] = [
    ...spec.claims.map((c) => ({ id: c.id, what: 'claim' })),
    ...spec.invariants.map((i) => ({ id: i.id, what: 'invariant' })),
    ...spec.experiments.map((e) => ({ id: e.id, what: 'experiment' })),
    ...spec.benchmarks.map((b) => ({ id: b.id, what: 'benchmark' })),
  ];
  for (const { id, what } of all) {
    if (methodOf(id) !== spec.id || id.length <= spec.id.length + 1) problems.push(`${what} id '${id}' must have the form '${spec.id}/<name>'`);
    if (!/^[a-z0-9]+\/[a-z0-9][a-z0-9-]*$/.test(id)) problems.push(`${what} id '${id}' must use lower-case letters, digits and dashes only`);
    if (seen.has(id)) problems.push(`${what} id '${id}' is declared twice`);
    seen.add(id);
  }
  const claimIds = new Set(spec.claims.map((c) => c.id));
  for (const e of spec.experiments) {
    if (!claimIds.has(e.claim)) problems.push(`experiment '${e.id}' re-checks claim '${e.claim}', which the spec does not declare`);
  }
  const benchmarkIds = new Set(spec.benchmarks.map((b) => b.id));
  for (const b of spec.benchmarks) {
    if (b.baseline !== undefined && !benchmarkIds.has(b.baseline)) problems.push(`benchmark '${b.id}' names baseline '${b.baseline}', which the spec does not declare`);
  }
  for (const inv of spec.invariants) {
    if (inv.negativeControls.length === 0) problems.push(`invariant '${inv.id}' has no negative control`);
  }
  return problems;
}
