/**
 * Coverage and mutation sections of the report: the overview table of every method, and per
 * method the files with their uncovered lines and branches, the surviving mutants with their
 * locations, and the mutants listed as equivalent with their reasons.
 */
import { escapeCell, escapeHtml, formatNumber } from './format';
import type { AreaCoverage, CoverageCount, MethodMutation, MethodResult, MutantRecord, Results } from './schema';

/** Formats a coverage count as `87.5% (35/40)`, or `–` when there is nothing to cover. */
export function formatCoverage(count: CoverageCount | undefined): string {
  if (count === undefined || count.total === 0) return '–';
  return `${formatPercent(count.covered / count.total)} (${count.covered}/${count.total})`;
}

/** Formats a fraction as a percentage with one decimal. */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined) return '–';
  return `${(100 * fraction).toFixed(1)}%`;
}

/** True when a results object carries any coverage or mutation figure. */
export function hasQuality(results: Results): boolean {
  return results.quality !== undefined || results.methods.some((m) => m.coverage !== undefined || m.mutation !== undefined);
}

/** Formats a mutant's location as `file:line:column`. */
export function mutantLocation(mutant: MutantRecord): string {
  return `${mutant.file}:${mutant.location.start.line}:${mutant.location.start.column}`;
}

/** Renders the overview: one row per method and per infrastructure folder, then how they were measured. */
export function renderQualityOverview(results: Results, options: { methodPages: boolean }): string {
  const parts: string[] = [];
  const head =
    '<tr><th>method</th><th>lines</th><th>branches</th><th>functions</th><th>mutation score</th>' +
    '<th>killed</th><th>survived</th><th>no coverage</th><th>timed out</th><th>equivalent</th><th>errors</th><th>not tested</th><th>mutation time</th></tr>';
  const rows = results.methods.map((m) => {
    const name = options.methodPages ? `<a href="methods/${escapeHtml(m.id)}.html">${escapeHtml(m.id)}</a>` : `<a href="#${escapeHtml(m.id)}">${escapeHtml(m.id)}</a>`;
    return `<tr><td>${name}</td>${coverageCells(m.coverage)}${mutationCells(m.mutation)}</tr>`;
  });
  for (const area of results.quality?.coverage?.infrastructure ?? []) {
    rows.push(`<tr><td>${escapeHtml(area.folders.join(', '))}/ <span class="meta">(shared infrastructure)</span></td>${coverageCells(area)}<td colspan="9" class="meta">not mutated</td></tr>`);
  }
  parts.push(`<table>${head}${rows.join('\n')}</table>`);
  parts.push(renderRunRecords(results));
  return parts.join('\n');
}

function coverageCells(coverage: AreaCoverage | undefined): string {
  if (coverage === undefined) return '<td colspan="3" class="meta">not measured</td>';
  return `<td class="num">${formatCoverage(coverage.lines)}</td><td class="num">${formatCoverage(coverage.branches)}</td><td class="num">${formatCoverage(coverage.functions)}</td>`;
}

function mutationCells(mutation: MethodMutation | undefined): string {
  if (mutation === undefined) return '<td colspan="9" class="meta">not measured</td>';
  if (mutation.error !== undefined && mutation.counts.total === 0) return `<td colspan="9" class="failed">${escapeHtml(mutation.error.split('\n')[0]!)}</td>`;
  const c = mutation.counts;
  const partial = mutation.complete ? '' : ' <span class="skipped">(partial)</span>';
  const scoreClass = mutation.score !== null && mutation.score >= 0.9 ? 'passed' : 'failed';
  return (
    `<td class="num ${scoreClass}">${formatPercent(mutation.score)}${partial}</td><td class="num">${c.killed}</td><td class="num">${c.survived}</td><td class="num">${c.noCoverage}</td>` +
    `<td class="num">${c.timeout}</td><td class="num">${c.equivalent}</td><td class="num">${c.errors}</td><td class="num">${c.notTested}</td><td class="num">${formatNumber(mutation.durationMs / 1000)} s</td>`
  );
}

function renderRunRecords(results: Results): string {
  const parts: string[] = [];
  const coverage = results.quality?.coverage;
  if (coverage !== undefined) {
    parts.push(
      `<p class="meta">Coverage measured ${escapeHtml(coverage.measuredAt)} by ${escapeHtml(coverage.tools.join(' and '))} over the ${coverage.source === 'main-job' ? 'main job (properties, comparison runs and benchmarks)' : 'property suite'}` +
        ` in ${formatNumber(coverage.durationMs / 1000)} s (<code>${escapeHtml(coverage.command)}</code>). All measured files together: lines ${formatCoverage(coverage.totals.lines)}, branches ${formatCoverage(coverage.totals.branches)}.</p>`,
    );
    for (const note of coverage.notes) parts.push(`<p class="meta">${escapeHtml(note)}</p>`);
  }
  const mutation = results.quality?.mutation;
  if (mutation !== undefined) {
    parts.push(
      `<p class="meta">Mutation testing measured ${escapeHtml(mutation.measuredAt)} by ${escapeHtml(mutation.tool)} with ${mutation.concurrency} test-runner processes, ` +
        `${mutation.methods.length} method${mutation.methods.length === 1 ? '' : 's'} in ${formatNumber(mutation.durationMs / 1000)} s (<code>${escapeHtml(mutation.command)}</code>). ` +
        'The score is killed and timed-out mutants over all tested mutants that are not listed as equivalent; uncovered mutants count as survivors.</p>',
    );
    for (const note of mutation.notes) parts.push(`<p class="meta">${escapeHtml(note)}</p>`);
  }
  return parts.join('\n');
}

/** Renders the coverage and mutation sections of one method (empty when neither was measured). */
export function renderMethodQuality(method: MethodResult): string {
  const parts: string[] = [];
  if (method.coverage !== undefined) parts.push(renderCoverage(method.coverage));
  if (method.mutation !== undefined) parts.push(renderMutation(method.mutation));
  return parts.join('\n');
}

function renderCoverage(coverage: AreaCoverage & { measuredAt?: string; source?: string }): string {
  const parts = [`<h2>Coverage</h2>`];
  const where = coverage.source === 'main-job' ? 'the main job (properties, comparison runs and benchmarks)' : 'the property suite';
  parts.push(
    `<p>Lines ${formatCoverage(coverage.lines)}, branches ${formatCoverage(coverage.branches)}, functions ${formatCoverage(coverage.functions)} of ${escapeHtml(coverage.folders.join(', '))}, ` +
      `measured over ${where}${coverage.measuredAt ? ` at ${escapeHtml(coverage.measuredAt)}` : ''}.` +
      `${coverage.propertyLines ? ` The property suite alone covers ${formatCoverage(coverage.propertyLines)} of the lines.` : ''}</p>`,
  );
  const extra = coverage.propertyLines !== undefined;
  parts.push(`<table><tr><th>file</th><th>lines</th><th>branches</th><th>functions</th>${extra ? '<th>lines only outside properties</th>' : ''}<th>uncovered lines</th></tr>`);
  for (const file of coverage.files) {
    parts.push(
      `<tr><td><code>${escapeHtml(file.path)}</code></td><td class="num">${formatCoverage(file.lines)}</td><td class="num">${formatCoverage(file.branches)}</td><td class="num">${formatCoverage(file.functions)}</td>` +
        `${extra ? `<td class="num">${file.linesOutsideProperties ?? 0}</td>` : ''}<td class="meta">${escapeHtml(file.uncoveredLines.join(', ')) || '–'}</td></tr>`,
    );
  }
  parts.push('</table>');

  const withBranches = coverage.files.filter((f) => f.uncoveredBranches.length > 0);
  const total = withBranches.reduce((sum, f) => sum + f.uncoveredBranches.length, 0);
  parts.push(`<h3>Uncovered branches (${total})</h3>`);
  if (total === 0) parts.push('<p class="meta">Every branch arm was taken.</p>');
  for (const file of withBranches) {
    const rows = file.uncoveredBranches.map((b) => `<tr><td class="num">${b.line}</td><td>${escapeHtml(b.type)}</td><td>${escapeHtml(b.arm)}</td><td><code>${escapeHtml(b.text)}</code></td></tr>`);
    parts.push(`<details${file.uncoveredBranches.length <= 20 ? ' open' : ''}><summary><code>${escapeHtml(file.path)}</code> (${file.uncoveredBranches.length})</summary><table><tr><th>line</th><th>branch</th><th>arm not taken</th><th>source</th></tr>${rows.join('')}</table></details>`);
  }
  return parts.join('\n');
}

function renderMutation(mutation: MethodMutation): string {
  const c = mutation.counts;
  const parts = ['<h2>Mutation testing</h2>'];
  parts.push(
    `<p>Mutation score <b>${formatPercent(mutation.score)}</b>: ${c.killed} killed, ${c.timeout} timed out, ${c.survived} survived, ${c.noCoverage} not covered by any property, ` +
      `${c.equivalent} equivalent, ${c.errors} errors, ${c.ignored} ignored${c.notTested > 0 ? `, ${c.notTested} not tested` : ''} of ${c.total} mutants in ${escapeHtml(mutation.folders.join(', '))}. ` +
      `Ran ${formatNumber(mutation.durationMs / 1000)} s of a ${mutation.budgetSeconds} s budget at ${escapeHtml(mutation.measuredAt)}; ${mutation.reused} results reused from the incremental file.</p>`,
  );
  if (!mutation.complete) {
    parts.push(
      '<p class="skipped">The run did not finish (time budget or error), so the figures are partial. A partial score understates: ' +
        'StrykerJS classifies every mutant without coverage first, while only part of the covered mutants have been tested. ' +
        'The next run goes on from the incremental file.</p>',
    );
  }
  if (mutation.error !== undefined) parts.push(`<pre class="failed">${escapeHtml(mutation.error)}</pre>`);

  parts.push(`<h3>Surviving mutants (${mutation.survivors.length})</h3>`);
  if (mutation.survivors.length === 0) parts.push('<p class="meta">No mutant survived.</p>');
  else parts.push(mutantTable(mutation.survivors, false));
  if (mutation.equivalent.length > 0) {
    parts.push(`<h3>Equivalent mutants (${mutation.equivalent.length})</h3>`, mutantTable(mutation.equivalent, true));
  }
  if ((mutation.staleEquivalents ?? []).length > 0) {
    parts.push(`<p class="skipped">Entries of the equivalent-mutant list that matched no mutant (the code moved or changed; update or remove them):</p><ul>${mutation.staleEquivalents!.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('')}</ul>`);
  }
  return parts.join('\n');
}

function mutantTable(mutants: readonly MutantRecord[], withReason: boolean): string {
  const rows = mutants.map(
    (m) =>
      `<tr><td><code>${escapeHtml(mutantLocation(m))}</code></td><td>${escapeHtml(m.mutator)}</td><td>${m.status === 'no-coverage' ? 'not covered' : escapeHtml(m.status)}</td>` +
      `<td><code>${escapeHtml(m.original)}</code></td><td><code>${escapeHtml(m.replacement)}</code></td>${withReason ? `<td>${escapeHtml(m.reason ?? '')}</td>` : ''}</tr>`,
  );
  const head = `<tr><th>location</th><th>mutator</th><th>status</th><th>original</th><th>replacement</th>${withReason ? '<th>why equivalent</th>' : ''}</tr>`;
  return `<details${mutants.length <= 40 ? ' open' : ''}><summary>${mutants.length} mutants</summary><table>${head}${rows.join('\n')}</table></details>`;
}

/** Renders the Markdown lines of the coverage and mutation table (empty when nothing was measured). */
export function qualityMarkdown(results: Results): string[] {
  if (!hasQuality(results)) return [];
  const lines = ['## Coverage and mutation testing', '', '| method | lines | branches | mutation score | killed / survived / no coverage / timed out / equivalent | time |', '|---|---|---|---|---|---|'];
  for (const m of results.methods) {
    const mutation = m.mutation;
    const counts = mutation === undefined ? '–' : `${mutation.counts.killed} / ${mutation.counts.survived} / ${mutation.counts.noCoverage} / ${mutation.counts.timeout} / ${mutation.counts.equivalent}`;
    const scoreText = mutation === undefined ? '–' : `${formatPercent(mutation.score)}${mutation.complete ? '' : ' (partial)'}`;
    const time = mutation === undefined ? '–' : `${formatNumber(mutation.durationMs / 1000)} s`;
    lines.push(`| ${m.id} | ${escapeCell(formatCoverage(m.coverage?.lines))} | ${escapeCell(formatCoverage(m.coverage?.branches))} | ${scoreText} | ${counts} | ${time} |`);
  }
  for (const area of results.quality?.coverage?.infrastructure ?? []) {
    lines.push(`| ${area.folders.join(', ')}/ (infrastructure) | ${escapeCell(formatCoverage(area.lines))} | ${escapeCell(formatCoverage(area.branches))} | not mutated | – | – |`);
  }
  lines.push('');
  return lines;
}
