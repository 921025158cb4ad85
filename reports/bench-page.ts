/**
 * `bench.html`: the benchmark page. It shows the distribution of each benchmark per run, the
 * ratios of a comparison with their intervals, a history of medians over saved runs, and the
 * calibration figures of the comparison on this machine when `calibration.json` exists.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchFile } from '../harness/regression/bench-file';
import type { CalibrationResult } from '../harness/regression/calibrate';
import type { BenchmarkComparison } from '../harness/regression/compare';
import type { ComparisonSettings } from '../harness/regression/statistics';
import { escapeHtml, formatNumber } from './format';
import { renderSvg } from './plots';

/** What the page shows; every part is optional. */
export interface BenchPageContent {
  runs?: BenchFile[];
  comparison?: { header: string; benchmarks: BenchmarkComparison[]; settings: ComparisonSettings };
  calibration?: CalibrationResult;
  /** Medians over time, from saved runs and results files (`report --in`). */
  history?: { createdAt: string; id: string; median: number; unit: string; source: string }[];
}

const STYLE = `body{font:14px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1d2125}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:13px}th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}
th{background:#f5f6f7}td.num{text-align:right;font-variant-numeric:tabular-nums}.slower{color:#cf222e;font-weight:600}.faster{color:#1a7f37;font-weight:600}
.meta{color:#57606a}h2{margin-top:2rem;border-bottom:1px solid #ddd}`;

/** Writes `bench.html` into `outDir`; a calibration.json already there is included. */
export async function writeBenchPage(outDir: string, content: BenchPageContent): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const calibrationPath = join(outDir, 'calibration.json');
  const calibration = content.calibration ?? (existsSync(calibrationPath) ? (JSON.parse(readFileSync(calibrationPath, 'utf8')) as CalibrationResult) : undefined);
  const parts: string[] = ['<h1>paperproof benchmarks</h1>'];

  if (content.comparison !== undefined) parts.push(await comparisonSection(content.comparison));
  if ((content.runs ?? []).length > 0) parts.push(await distributionSection(content.runs!));
  if ((content.history ?? []).length > 0) parts.push(await historySection(content.history!));
  if (calibration !== undefined) parts.push(await calibrationSection(calibration));
  if (parts.length === 1) parts.push('<p class="meta">Nothing measured yet: run paperproof bench.</p>');

  const path = join(outDir, 'bench.html');
  writeFileSync(path, `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>paperproof benchmarks</title><style>${STYLE}</style></head><body>\n${parts.join('\n')}\n</body></html>\n`);
  return path;
}

async function comparisonSection(comparison: NonNullable<BenchPageContent['comparison']>): Promise<string> {
  const s = comparison.settings;
  const rows = comparison.benchmarks
    .map((b) => {
      const c = b.comparison;
      return `<tr><td><code>${escapeHtml(b.id)}</code></td><td class="num">${formatNumber(c.ratio)}</td><td class="num">[${formatNumber(c.interval[0])}, ${formatNumber(c.interval[1])}]</td><td class="num">${c.pValue.toExponential(2)}</td><td class="num">${c.baselineSamples} / ${c.candidateSamples}</td><td class="${c.change}">${c.change}</td></tr>`;
    })
    .join('');
  const values = comparison.benchmarks.map((b) => ({ id: b.id, ratio: b.comparison.ratio, low: b.comparison.interval[0], high: b.comparison.interval[1] }));
  const svg = await renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 560,
    height: Math.max(60, 24 * values.length),
    data: { values },
    layer: [
      { mark: 'rule', encoding: { y: { field: 'id', type: 'nominal', title: null }, x: { field: 'low', type: 'quantitative', title: 'candidate / baseline (median)', scale: { zero: false } }, x2: { field: 'high' } } },
      { mark: { type: 'point', filled: true }, encoding: { y: { field: 'id', type: 'nominal' }, x: { field: 'ratio', type: 'quantitative' } } },
      { data: { values: [{ x: 1 - s.threshold }, { x: 1 }, { x: 1 + s.threshold }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#999' }, encoding: { x: { field: 'x', type: 'quantitative' } } },
    ],
  });
  return (
    `<h2>Comparison</h2><p>${escapeHtml(comparison.header)}.</p>` +
    `<p class="meta">Observations are per-round medians${comparison.benchmarks[0]?.comparison.design === 'paired' ? ', paired by round (the ratio is the median per-round ratio)' : ''}. A benchmark is slower (faster) when the ${escapeHtml(comparison.benchmarks[0]?.comparison.test ?? 'rank test')} gives p &lt; ${s.alpha} and the whole ${(s.confidence * 100).toFixed(0)}% seeded bootstrap interval of the ratio (${s.resamples} resamples) lies above ${formatNumber(1 + s.threshold)} (below ${formatNumber(1 - s.threshold)}).</p>` +
    `<table><tr><th>benchmark</th><th>ratio</th><th>interval</th><th>p</th><th>rounds</th><th>change</th></tr>${rows}</table><figure>${svg}</figure>`
  );
}

async function distributionSection(runs: BenchFile[]): Promise<string> {
  const parts = ['<h2>Distributions</h2>'];
  for (const run of runs) {
    parts.push(`<p class="meta">Run of ${escapeHtml(run.createdAt)}${run.revision ? ` at ${escapeHtml(run.revision.slice(0, 10))}` : ''}: backend ${escapeHtml(run.backend.used)}, ${run.rounds} rounds of ${run.sliceMs} ms, ${escapeHtml(run.machine.cpuModel ?? '')} ×${run.machine.cpus}, Node ${escapeHtml(run.machine.node)}.</p>`);
    parts.push('<table><tr><th>benchmark</th><th>median</th><th>p25</th><th>p75</th><th>MAD</th><th>samples</th><th>data</th></tr>');
    for (const b of run.benchmarks) {
      parts.push(`<tr><td><code>${escapeHtml(b.id)}</code></td><td class="num">${formatNumber(b.median)} ${escapeHtml(b.unit)}</td><td class="num">${formatNumber(b.p25)}</td><td class="num">${formatNumber(b.p75)}</td><td class="num">${formatNumber(b.mad)}</td><td class="num">${b.samples}</td><td class="meta">${escapeHtml(b.data)}</td></tr>`);
    }
    parts.push('</table>');
  }
  // One box plot per benchmark, every run side by side (at most 2,000 samples each).
  const ids = [...new Set(runs.flatMap((r) => r.benchmarks.map((b) => b.id)))];
  for (const id of ids) {
    const values = runs.flatMap((run, index) => {
      const b = run.benchmarks.find((x) => x.id === id);
      if (b === undefined) return [];
      const step = Math.max(1, Math.ceil(b.rawSamples.length / 2000));
      return b.rawSamples.filter((_, i) => i % step === 0).map((ms) => ({ run: `${index + 1}: ${run.createdAt.slice(0, 19)}`, ms }));
    });
    if (values.length === 0) continue;
    const svg = await renderSvg({
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 520,
      height: Math.max(50, 40 * runs.length),
      title: id,
      data: { values },
      mark: { type: 'boxplot', extent: 1.5 },
      encoding: { y: { field: 'run', type: 'nominal', title: null }, x: { field: 'ms', type: 'quantitative', title: 'time per call (ms)', scale: { zero: false } } },
    });
    parts.push(`<figure>${svg}</figure>`);
  }
  return parts.join('\n');
}

async function historySection(history: NonNullable<BenchPageContent['history']>): Promise<string> {
  const svg = await renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 640,
    height: 260,
    data: { values: history },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'createdAt', type: 'temporal', title: 'run' },
      y: { field: 'median', type: 'quantitative', scale: { type: 'log' }, title: 'median (ms, log scale)' },
      color: { field: 'id', type: 'nominal', title: 'benchmark', legend: { labelLimit: 400, orient: 'bottom', columns: 1 } },
    },
  });
  return `<h2>History</h2><p class="meta">Medians of ${new Set(history.map((h) => h.source)).size} saved runs, in time order.</p><figure>${svg}</figure>`;
}

async function calibrationSection(c: CalibrationResult): Promise<string> {
  const rows = c.power.map((p) => `<tr><td class="num">${(100 * p.slowdown).toFixed(0)}%</td><td class="num">${p.detected} / ${p.comparisons}</td><td class="num">${(100 * p.rate).toFixed(0)}%</td><td class="num">${formatNumber(p.medianRatio)}</td></tr>`).join('');
  const svg = await renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 360,
    height: 180,
    data: { values: c.power.map((p) => ({ slowdown: `${(100 * p.slowdown).toFixed(0)}%`, rate: p.rate })) },
    layer: [
      { mark: 'bar', encoding: { x: { field: 'slowdown', type: 'ordinal', sort: null, title: 'injected slowdown' }, y: { field: 'rate', type: 'quantitative', scale: { domain: [0, 1] }, title: 'share of comparisons flagging it' } } },
      { data: { values: [{ y: 0.95 }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#cf222e' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
    ],
  });
  return (
    `<h2>Calibration on this machine</h2><p class="meta">${escapeHtml(c.createdAt)} · suites of ${escapeHtml(c.methods.join(', '))} (${c.benchmarks.length} benchmarks) · ${c.rounds} rounds of ${c.sliceMs} ms per comparison · backend ${escapeHtml(c.backend.used)}${c.placement === undefined ? '' : ` · ${escapeHtml(c.placement)}`}.</p>` +
    `<p>False alarms: the tree compared with itself ${c.falseAlarms.comparisons} times flagged ${c.falseAlarms.flagged} of ${c.falseAlarms.decisions} benchmark decisions (${(100 * c.falseAlarms.rate).toFixed(1)}%).</p>` +
    `<p>Power: a slowdown injected into <code>${escapeHtml(c.power[0]?.target ?? '')}</code>; the smallest flagged in at least 95% of comparisons: <b>${c.smallestReliable === null ? 'none of those tried' : `${(100 * c.smallestReliable).toFixed(0)}%`}</b>.</p>` +
    `<table><tr><th>slowdown</th><th>flagged</th><th>rate</th><th>median measured ratio</th></tr>${rows}</table><figure>${svg}</figure>`
  );
}
