// StrykerJS reporter plugin that appends every mutant's result to a JSON Lines file as soon as it
// is known, so that a run stopped by its time budget still leaves the results it reached.
// StrykerJS loads plugins with a plain `import()`, without tsx, so this file is JavaScript.
//
// The file is named by the PAPERPROOF_MUTANT_STREAM environment variable. Each line is one of:
//   {"event":"tests","tests":[...]}          the tests of the initial run, with their ids
//   {"event":"plan","mutants":N,"reused":N}  when the test plan is ready
//   {"event":"mutant", ...}                  for each mutant, as in StrykerJS's JSON report
//   {"event":"done"}                          when StrykerJS has reported every mutant
// The tests and the mutants' test ids are enough to write an incremental file for a stopped run.
import { appendFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { PluginKind, declareClassPlugin } from '@stryker-mutator/api/plugin';

class StreamReporter {
  constructor() {
    this.path = process.env.PAPERPROOF_MUTANT_STREAM;
  }

  write(record) {
    if (this.path === undefined || this.path === '') return;
    appendFileSync(this.path, `${JSON.stringify(record)}\n`);
  }

  onDryRunCompleted({ result }) {
    const tests = (result.tests ?? []).map((test) => ({ id: test.id, name: test.name, file: test.fileName === undefined ? '' : toRelative(test.fileName) }));
    this.write({ event: 'tests', tests });
  }

  onMutationTestingPlanReady({ mutantPlans }) {
    // An early result with a status other than Ignored is a result reused from the incremental file.
    const reused = mutantPlans.filter((plan) => plan.plan === 'EarlyResult' && plan.mutant.status !== 'Ignored').length;
    this.write({ event: 'plan', mutants: mutantPlans.length, reused });
  }

  onMutantTested(result) {
    // The result's location is already in the JSON report's form: lines and columns from 1.
    this.write({
      event: 'mutant',
      id: result.id,
      file: toRelative(result.fileName),
      mutator: result.mutatorName,
      replacement: result.replacement,
      location: result.location,
      status: result.status,
      statusReason: result.statusReason,
      static: result.static,
      testsCompleted: result.testsCompleted,
      coveredBy: result.coveredBy ?? [],
      killedBy: result.killedBy ?? [],
    });
  }

  onAllMutantsTested() {
    this.write({ event: 'done' });
  }
}

function toRelative(fileName) {
  return relative(process.cwd(), fileName).split(sep).join('/');
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'paperproof-stream', StreamReporter)];
