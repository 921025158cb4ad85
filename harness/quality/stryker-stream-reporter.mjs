// StrykerJS reporter plugin that appends every mutant's result to a JSON Lines file as soon as it
// is known, so that a run stopped by its time budget still leaves the results it reached.
// StrykerJS loads plugins with a plain `import()`, without tsx, so this file is JavaScript.
//
// The file is named by the PAPERPROOF_MUTANT_STREAM environment variable. Each line is one of:
//   {"event":"plan","mutants":N,"reused":N}  when the test plan is ready
//   {"event":"mutant", ...}                  for each mutant, with 1-based lines and columns
//   {"event":"done"}                          when StrykerJS has reported every mutant
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

  onMutationTestingPlanReady({ mutantPlans }) {
    // An early result with a status other than Ignored is a result reused from the incremental file.
    const reused = mutantPlans.filter((plan) => plan.plan === 'EarlyResult' && plan.mutant.status !== 'Ignored').length;
    this.write({ event: 'plan', mutants: mutantPlans.length, reused });
  }

  onMutantTested(result) {
    this.write({
      event: 'mutant',
      id: result.id,
      file: relative(process.cwd(), result.fileName).split(sep).join('/'),
      mutator: result.mutatorName,
      replacement: result.replacement,
      // StrykerJS counts lines and columns from 0 inside, and from 1 in its JSON report.
      location: {
        start: { line: result.location.start.line + 1, column: result.location.start.column + 1 },
        end: { line: result.location.end.line + 1, column: result.location.end.column + 1 },
      },
      status: result.status,
      statusReason: result.statusReason,
      coveredBy: result.coveredBy?.length,
    });
  }

  onAllMutantsTested() {
    this.write({ event: 'done' });
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'paperproof-stream', StreamReporter)];
