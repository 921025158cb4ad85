/**
 * `summary.md`: a short report that fits a CI job summary.
 */
import { escapeCell, formatMetric } from './format';
import { qualityMarkdown } from './quality';
import type { Results } from './schema';

const ICON = { passed: '✅', failed: '❌', skipped: '⏭️' } as const;
const VERDICT = { reproduced: '✅ reproduced', 'not-reproduced': '❌ not reproduced', inconclusive: '❔ inconclusive' } as const;

/** Renders the Markdown summary of a run. */
export function renderMarkdown(results: Results): string {
  const lines: string[] = [];
  lines.push('# paperproof correctness report', '');
  lines.push(`${results.createdAt} · profile \`${results.profile}\` · seed ${results.seed} · backend \`${results.backend.used}\` (requested \`${results.backend.requested}\`) · ${results.machine.cpus} CPUs · Node ${results.machine.node}`);
  if (results.data !== undefined) lines.push('', `Data: ${results.data}`);
  if (results.backend.used !== 'none') lines.push('', `Kernels that fell back to cpu: ${results.backend.fallbackKernels.length > 0 ? results.backend.fallbackKernels.join(', ') : 'none'}`);
  lines.push('');

  if ((results.problems ?? []).length > 0) {
    lines.push('## Problems', '');
    for (const problem of results.problems!) lines.push(`- ${problem}`);
    lines.push('');
  }

  lines.push('| method | invariants passed | negative controls rejected | claims reproduced | benchmarks |', '|---|---|---|---|---|');
  for (const method of results.methods) {
    const passed = method.invariants.filter((i) => i.status === 'passed').length;
    const rejected = method.invariants.filter((i) => i.negativeControl === 'rejected').length;
    const reproduced = method.experiments.filter((e) => e.verdict === 'reproduced').length;
    lines.push(`| ${method.id} | ${passed}/${method.invariants.length} | ${rejected}/${method.invariants.length} | ${reproduced}/${method.experiments.length} | ${method.benchmarks.length} |`);
  }
  lines.push('');
  lines.push(...qualityMarkdown(results));

  for (const method of results.methods) {
    lines.push(`## ${method.id}${method.title ? `: ${method.title}` : ''}`, '');
    if (method.invariants.length > 0) {
      lines.push('| invariant | status | runs | negative controls |', '|---|---|---|---|');
      for (const inv of method.invariants) {
        const controls = (inv.controls ?? []).map((c) => `${c.outcome === 'rejected' ? '✅' : c.outcome === 'accepted' ? '❌ accepted' : '⏭️'} ${c.name}`).join('<br>');
        lines.push(`| \`${inv.id}\` | ${ICON[inv.status]} ${inv.status}${inv.skipReason ? ` (${escapeCell(inv.skipReason)})` : ''} | ${inv.runs} | ${controls} |`);
      }
      lines.push('');
    }
    for (const exp of method.experiments) {
      lines.push(`**${exp.id}**: ${VERDICT[exp.verdict]}. ${escapeCell(exp.summary ?? '')}`);
      lines.push('', `> Claim: ${exp.claim}`);
      const metrics = Object.entries(exp.metrics).map(([name, m]) => `${name} ${formatMetric(m)}`);
      if (metrics.length > 0) lines.push('', `Measured: ${metrics.join(' · ')}`);
      if (exp.error) lines.push('', `Error: ${escapeCell(exp.error)}`);
      lines.push('');
    }
    if (method.benchmarks.length > 0) {
      lines.push('| benchmark | median | p25–p75 | samples | ratios |', '|---|---|---|---|---|');
      for (const b of method.benchmarks) {
        const ratios = Object.entries(b.ratios).map(([base, r]) => `${r.toFixed(3)}× ${base}`).join(', ');
        lines.push(`| \`${b.id}\` | ${formatMetric({ value: b.median, unit: b.unit })} | ${formatMetric({ value: b.p25, unit: b.unit })}–${formatMetric({ value: b.p75, unit: b.unit })} | ${b.samples} | ${ratios || '–'} |`);
      }
      lines.push('');
    }
  }
  return lines.join('\n');
}
