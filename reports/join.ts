/**
 * Joins vitest's JSON report to the method specs: one outcome per invariant, with its negative
 * controls, and the list of problems (an invariant with no test, a test whose id is in no spec,
 * a negative control the property accepted).
 */
import { parseTestName, type PaperproofRecord } from '../harness/testing/record';
import type { MethodSpec } from '../harness/spec';
import type { ControlResult, InvariantResult } from './schema';

/** The parts of vitest's JSON report the join reads. */
export interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: {
      title: string;
      fullName: string;
      status: string;
      failureMessages: string[];
      meta?: { paperproof?: PaperproofRecord };
    }[];
  }[];
}

/** Result of {@link joinResults}. */
export interface JoinedResults {
  invariants: Map<string, InvariantResult[]>;
  problems: string[];
  selfTests: { name: string; status: string }[];
  totals: { passed: number; failed: number; skipped: number };
}

interface TestEntry {
  title: string;
  status: 'passed' | 'failed' | 'skipped';
  failure: string | null;
  record: PaperproofRecord | undefined;
}

/**
 * Joins a vitest JSON report with `specs` (only the methods of this run).
 *
 * @param report - parsed vitest JSON report, or null when the properties were not run
 */
export function joinResults(report: VitestJsonReport | null, specs: readonly MethodSpec[], allSpecs: readonly MethodSpec[]): JoinedResults {
  const problems: string[] = [];
  const selfTests: { name: string; status: string }[] = [];
  const byInvariant = new Map<string, { main: TestEntry[]; controls: Map<string, TestEntry> }>();
  const knownInvariants = new Set(allSpecs.flatMap((s) => s.invariants.map((i) => i.id)));

  for (const file of report?.testResults ?? []) {
    if (file.assertionResults.length === 0 && file.status === 'failed') {
      problems.push(`test file ${file.name} failed to load: ${firstLine(file.message ?? '')}`);
    }
    for (const test of file.assertionResults) {
      const status = test.status === 'passed' ? 'passed' : test.status === 'failed' ? 'failed' : 'skipped';
      const entry: TestEntry = { title: test.title, status, failure: test.failureMessages.length > 0 ? trimFailure(test.failureMessages[0]!) : null, record: test.meta?.paperproof };
      if (test.title.startsWith('harness/')) {
        selfTests.push({ name: test.title, status });
        continue;
      }
      const { id, control } = parseTestName(test.title);
      if (!knownInvariants.has(id)) {
        problems.push(`test '${test.title}' (${file.name}) does not start with an invariant id from any spec`);
        continue;
      }
      const slot = byInvariant.get(id) ?? { main: [] as TestEntry[], controls: new Map<string, TestEntry>() };
      if (control === null) slot.main.push(entry);
      else slot.controls.set(control, entry);
      byInvariant.set(id, slot);
    }
  }

  const invariants = new Map<string, InvariantResult[]>();
  for (const spec of specs) {
    const results: InvariantResult[] = [];
    for (const invariant of spec.invariants) {
      const slot = byInvariant.get(invariant.id);
      const main = slot?.main ?? [];
      const controls: ControlResult[] = invariant.negativeControls.map((name) => {
        const test = slot?.controls.get(name);
        if (test === undefined || test.status === 'skipped') return { name, outcome: 'not-run', rejectedWith: null };
        const rejectedWith = test.record?.kind === 'negative-control' ? test.record.rejectedWith : null;
        return { name, outcome: test.status === 'passed' ? 'rejected' : 'accepted', rejectedWith };
      });
      for (const [name] of slot?.controls ?? []) {
        if (!invariant.negativeControls.includes(name)) problems.push(`negative control '${name}' of ${invariant.id} is tested but not declared in the spec`);
      }

      let status: InvariantResult['status'] = 'skipped';
      if (main.some((t) => t.status === 'failed')) status = 'failed';
      else if (main.some((t) => t.status === 'passed')) status = 'passed';
      if (report !== null && main.length === 0) problems.push(`invariant ${invariant.id} has no test`);

      const accepted = controls.filter((c) => c.outcome === 'accepted');
      for (const c of accepted) problems.push(`${invariant.id} is vacuous: its property accepted the negative control '${c.name}'`);
      const ran = controls.filter((c) => c.outcome !== 'not-run');
      const negativeControl = accepted.length > 0 ? 'accepted' : ran.length === controls.length && controls.length > 0 ? 'rejected' : 'missing';
      if (report !== null && status !== 'skipped' && negativeControl === 'missing') problems.push(`${invariant.id} has negative controls that did not run`);

      const record = main.find((t) => t.record?.kind === 'invariant')?.record;
      const failed = main.find((t) => t.status === 'failed');
      const skipped = main.find((t) => t.status === 'skipped');
      const result: InvariantResult = {
        id: invariant.id,
        status,
        negativeControl,
        runs: record?.kind === 'invariant' ? record.runs : 0,
        seed: record?.seed ?? 0,
        counterexample: record?.kind === 'invariant' ? record.counterexample : null,
        statement: invariant.statement,
        kind: invariant.kind,
        controls,
      };
      if (failed?.failure) result.failure = failed.failure;
      if (record?.kind === 'invariant' && record.details !== undefined) result.details = record.details;
      if (status === 'skipped' && skipped !== undefined) result.skipReason = skipped.title.slice(invariant.id.length).trim().replace(/^\(|\)$/g, '');
      if (status === 'skipped' && report === null) result.skipReason = 'properties were not run (--no-properties)';
      results.push(result);
    }
    invariants.set(spec.id, results);
  }

  const totals = { passed: report?.numPassedTests ?? 0, failed: report?.numFailedTests ?? 0, skipped: report?.numPendingTests ?? 0 };
  return { invariants, problems, selfTests, totals };
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 300);
}

/** Keeps the first lines of a failure message, without terminal colour codes. */
function trimFailure(text: string): string {
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
  return plain.split('\n').slice(0, 12).join('\n');
}
