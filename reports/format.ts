/**
 * Number and text formatting shared by the Markdown and HTML reports.
 */

/** Formats a number for a table: integers as is, others with 3 to 4 significant digits. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return value.toFixed(0);
  if (abs >= 1) return value.toPrecision(4).replace(/\.?0+$/, '');
  if (abs === 0) return '0';
  if (abs < 1e-3) return value.toExponential(2);
  return value.toPrecision(3);
}

/** Formats a metric with its unit. */
export function formatMetric(metric: { value: number; unit: string }): string {
  const unit = metric.unit === '' || metric.unit === 'ratio' ? (metric.unit === 'ratio' ? '×' : '') : ` ${metric.unit}`;
  return `${formatNumber(metric.value)}${unit}`;
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Escapes text for a Markdown table cell. */
export function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
