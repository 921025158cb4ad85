/**
 * `index.html` and one page per method: claims with verdicts, invariants with outcomes,
 * counterexamples and negative controls, benchmark figures, and plots as inline SVG.
 */
import { escapeHtml, formatMetric, formatNumber } from './format';
import { renderSvg } from './plots';
import { formatCoverage, formatPercent, hasQuality, renderMethodQuality, renderQualityOverview } from './quality';
import type { ExperimentResult, MethodResult, Results } from './schema';

const STYLE = `
body{font:14px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1d2125}
h1,h2,h3{line-height:1.2} h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:13px} th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f6f7} td.num{text-align:right;font-variant-numeric:tabular-nums}
.passed,.reproduced,.rejected{color:#1a7f37;font-weight:600} .failed,.not-reproduced,.accepted{color:#cf222e;font-weight:600}
.skipped,.inconclusive,.not-run,.missing{color:#9a6700;font-weight:600}
.meta{color:#57606a} pre{background:#f6f8fa;padding:.5rem;overflow:auto;max-height:16rem;font-size:12px}
.claim{border-left:4px solid #d0d7de;padding:.25rem .75rem;margin:.5rem 0;color:#424a53}
.problems{background:#fff1f0;border:1px solid #cf222e;padding:.5rem 1rem}
figure{margin:1rem 0} figcaption{color:#57606a;font-size:12px}
`;

function page(title: string, body: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>\n${body}\n</body></html>\n`;
}

function header(results: Results): string {
  const b = results.backend;
  return (
    `<p class="meta">${escapeHtml(results.createdAt)} · profile <b>${results.profile}</b> · seed ${results.seed} · ` +
    `${results.machine.cpus} CPUs${results.machine.cpuModel ? ` (${escapeHtml(results.machine.cpuModel)})` : ''}, ${formatNumber(results.machine.memoryBytes / 2 ** 30)} GiB · ` +
    `Node ${escapeHtml(results.machine.node)} on ${escapeHtml(results.machine.platform)}` +
    `${results.producer ? ` · paperproof ${escapeHtml(results.producer.version)}${results.producer.revision ? ` (${escapeHtml(results.producer.revision.slice(0, 10))})` : ''}` : ''}</p>` +
    `<p class="meta">Tensor backend: <b>${escapeHtml(b.used)}</b> (requested ${escapeHtml(b.requested)}); ` +
    `kernels that fell back to cpu: ${b.fallbackKernels.length === 0 ? 'none' : escapeHtml(b.fallbackKernels.join(', '))}. ${escapeHtml(b.notes.join('; '))}</p>` +
    (results.data ? `<p class="meta">Data: ${escapeHtml(results.data)}</p>` : '')
  );
}

/** Renders the overview page; `links.bench` adds a link to `bench.html` (written by `paperproof bench`). */
export function renderIndex(results: Results, links: { bench?: boolean } = {}): string {
  const withQuality = hasQuality(results);
  const rows = results.methods
    .map((m) => {
      const passed = m.invariants.filter((i) => i.status === 'passed').length;
      const failed = m.invariants.filter((i) => i.status === 'failed').length;
      const rejected = m.invariants.filter((i) => i.negativeControl === 'rejected').length;
      const claims = m.experiments.map((e) => `<span class="${e.verdict}">${escapeHtml(e.verdict)}</span> ${escapeHtml(e.id)}`).join('<br>');
      const quality = withQuality ? `<td class="num">${formatCoverage(m.coverage?.lines)}</td><td class="num">${formatCoverage(m.coverage?.branches)}</td><td class="num">${formatPercent(m.mutation?.score)}${m.mutation !== undefined && !m.mutation.complete ? ' (partial)' : ''}</td>` : '';
      return `<tr><td><a href="methods/${m.id}.html">${escapeHtml(m.id)}</a><br><span class="meta">${escapeHtml(m.title ?? '')}</span></td>` +
        `<td class="num">${passed}/${m.invariants.length}${failed > 0 ? ` <span class="failed">(${failed} failed)</span>` : ''}</td>` +
        `<td class="num">${rejected}/${m.invariants.length}</td><td>${claims || '–'}</td><td class="num">${m.benchmarks.length}</td>${quality}</tr>`;
    })
    .join('\n');
  const problems = (results.problems ?? []).length === 0 ? '' : `<div class="problems"><h3>Problems</h3><ul>${results.problems!.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul></div>`;
  const tests = results.tests ? `<p>Property tests: ${results.tests.passed} passed, ${results.tests.failed} failed, ${results.tests.skipped} skipped.</p>` : '';
  const selfTests = (results.selfTests ?? []).length === 0 ? '' : `<p class="meta">Suite self-tests (harness): ${results.selfTests!.filter((t) => t.status === 'passed').length} of ${results.selfTests!.length} passed.</p>`;
  return page(
    'paperproof correctness report',
    `<h1>paperproof correctness report</h1>${header(results)}${problems}${tests}${selfTests}` +
      `<table><tr><th>method</th><th>invariants passed</th><th>negative controls rejected</th><th>claims</th><th>benchmarks</th>` +
      `${withQuality ? '<th>lines covered</th><th>branches covered</th><th>mutation score</th>' : ''}</tr>${rows}</table>` +
      `<p class="meta">Machine-readable results: <a href="results.json">results.json</a> · CI summary: <a href="summary.md">summary.md</a>` +
      `${withQuality ? ' · coverage and mutation testing: <a href="quality.html">quality.html</a>' : ''}` +
      `${links.bench ? ' · benchmark comparisons and calibration: <a href="bench.html">bench.html</a>' : ''}</p>`,
  );
}

/** Renders the page of one method. */
export async function renderMethodPage(results: Results, method: MethodResult): Promise<string> {
  const parts: string[] = [`<p><a href="../index.html">← all methods</a></p><h1>${escapeHtml(method.id)}${method.title ? `: ${escapeHtml(method.title)}` : ''}</h1>`];
  if (method.citation) parts.push(`<p class="meta">${escapeHtml(method.citation)}</p>`);
  parts.push(header(results));

  parts.push('<h2>Claims re-checked</h2>');
  if (method.experiments.length === 0) parts.push('<p class="meta">No comparison runs in this run.</p>');
  for (const exp of method.experiments) parts.push(await renderExperiment(exp));

  parts.push('<h2>Invariants</h2><table><tr><th>invariant</th><th>status</th><th>runs · seed</th><th>negative controls</th></tr>');
  for (const inv of method.invariants) {
    const controls = (inv.controls ?? [])
      .map((c) => `<span class="${c.outcome}">${c.outcome}</span> ${escapeHtml(c.name)}${c.rejectedWith ? `<details><summary>rejected on</summary><pre>${escapeHtml(c.rejectedWith.slice(0, 2000))}</pre></details>` : ''}`)
      .join('<br>');
    const detail = inv.failure ? `<details open><summary>failure</summary><pre>${escapeHtml(inv.failure)}</pre></details>` : '';
    const counterexample = inv.counterexample ? `<details><summary>counterexample</summary><pre>${escapeHtml(inv.counterexample.slice(0, 4000))}</pre></details>` : '';
    const measured = (inv.details ?? []).length > 0 ? `<details><summary>measured</summary><pre>${escapeHtml(inv.details!.slice(0, 40).join('\n'))}</pre></details>` : '';
    parts.push(
      `<tr><td><code>${escapeHtml(inv.id)}</code><br>${escapeHtml(inv.statement ?? '')} <span class="meta">(${escapeHtml(inv.kind ?? '')})</span>${detail}${counterexample}${measured}</td>` +
        `<td class="${inv.status}">${inv.status}${inv.skipReason ? `<br><span class="meta">${escapeHtml(inv.skipReason)}</span>` : ''}</td><td class="num">${inv.runs} · ${inv.seed}</td><td>${controls}</td></tr>`,
    );
  }
  parts.push('</table>');

  if (method.benchmarks.length > 0) {
    parts.push('<h2>Benchmarks</h2><table><tr><th>benchmark</th><th>median</th><th>p25</th><th>p75</th><th>samples</th><th>ratios to baselines</th><th>data</th></tr>');
    for (const b of method.benchmarks) {
      const ratios = Object.entries(b.ratios).map(([base, r]) => `${formatNumber(r)}× <code>${escapeHtml(base)}</code>`).join('<br>') || '–';
      parts.push(
        `<tr><td><code>${escapeHtml(b.id)}</code>${b.description ? `<br><span class="meta">${escapeHtml(b.description)}</span>` : ''}</td><td class="num">${formatMetric({ value: b.median, unit: b.unit })}</td>` +
          `<td class="num">${formatMetric({ value: b.p25, unit: b.unit })}</td><td class="num">${formatMetric({ value: b.p75, unit: b.unit })}</td><td class="num">${b.samples}</td><td>${ratios}</td><td class="meta">${escapeHtml(b.data ?? '')}</td></tr>`,
      );
    }
    parts.push('</table>');
  }

  parts.push(renderMethodQuality(method));
  return page(`paperproof: ${method.id}`, parts.join('\n'));
}

/**
 * Renders `quality.html`: coverage and mutation score of every method, and each method's
 * uncovered branches and surviving mutants.
 *
 * @param options.methodPages - link methods to their pages (false when only the quality page is written)
 */
export function renderQualityPage(results: Results, options: { methodPages: boolean }): string {
  const parts = [`<h1>Verification power: coverage and mutation testing</h1>`];
  if (options.methodPages) parts.push('<p><a href="index.html">← correctness report</a></p>');
  parts.push(
    '<p>Coverage shows the code the checks never run. Mutation testing shows the plausible defects they would let through: each mutant is a small change to a method\'s source ' +
      '(a flipped condition, a removed statement, a changed constant), run against that method\'s properties; a mutant that no property fails on has survived.</p>',
  );
  parts.push(renderQualityOverview(results, options));
  for (const method of results.methods) {
    const sections = renderMethodQuality(method);
    if (sections === '') continue;
    parts.push(`<h1 id="${escapeHtml(method.id)}">${escapeHtml(method.id)}${method.title ? `: ${escapeHtml(method.title)}` : ''}</h1>`, sections);
  }
  return page('paperproof: coverage and mutation testing', parts.join('\n'));
}

async function renderExperiment(exp: ExperimentResult): Promise<string> {
  const parts = [`<h3><code>${escapeHtml(exp.id)}</code>: <span class="${exp.verdict}">${exp.verdict}</span></h3>`];
  parts.push(`<div class="claim">Claim: ${escapeHtml(exp.claim)}</div>`);
  if (exp.summary) parts.push(`<p>${escapeHtml(exp.summary)}</p>`);
  if (exp.error) parts.push(`<pre class="failed">${escapeHtml(exp.error)}</pre>`);
  const metrics = Object.entries(exp.metrics);
  if (metrics.length > 0) parts.push(`<table><tr><th>measured</th><th>value</th></tr>${metrics.map(([n, m]) => `<tr><td>${escapeHtml(n)}</td><td class="num">${escapeHtml(formatMetric(m))}</td></tr>`).join('')}</table>`);
  if (exp.data) parts.push(`<p class="meta">Data: ${escapeHtml(exp.data)}${exp.millis !== undefined ? ` · ran in ${formatNumber(exp.millis / 1000)} s` : ''}</p>`);
  for (const note of exp.notes ?? []) parts.push(`<p class="meta">${escapeHtml(note)}</p>`);
  for (const plot of exp.plots ?? []) {
    let svg: string;
    try {
      svg = await renderSvg(plot.vegaLite);
    } catch (error) {
      svg = `<pre class="failed">plot '${escapeHtml(plot.title)}' could not be rendered: ${escapeHtml((error as Error).message)}</pre>`;
    }
    parts.push(`<figure>${svg}<figcaption>${escapeHtml(plot.title)}${plot.caption ? `: ${escapeHtml(plot.caption)}` : ''}</figcaption></figure>`);
  }
  for (const table of exp.tables ?? []) {
    const head = table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
    const body = table.rows.map((row) => `<tr>${row.map((cell) => (typeof cell === 'number' ? `<td class="num">${formatNumber(cell)}</td>` : `<td>${escapeHtml(cell ?? '–')}</td>`)).join('')}</tr>`).join('\n');
    const rows = table.rows.length;
    parts.push(`<details${rows <= 30 ? ' open' : ''}><summary>${escapeHtml(table.title)} (${rows} rows)</summary><table><tr>${head}</tr>${body}</table>${table.note ? `<p class="meta">${escapeHtml(table.note)}</p>` : ''}</details>`);
  }
  return parts.join('\n');
}
