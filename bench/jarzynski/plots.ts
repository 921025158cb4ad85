/**
 * Vega-lite specifications of the Jarzynski report's plots (rendered to SVG by the report).
 */
import type { ReportPlot } from '../../harness/runner';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  title: string;
  rows: Record<string, unknown>[];
  x: string;
  y: string;
  /** Field whose values separate the lines (by colour). */
  series: string;
  /** Field that draws separate lines within one colour (for example a repetition index). */
  detail?: string;
  xTitle: string;
  yTitle: string;
  caption?: string;
  logY?: boolean;
  /** Horizontal reference line, for example a target value. */
  reference?: { value: number; label: string };
}

/** Returns a line chart, one line per `series` value (and per `detail` value when given). */
export function lineChart(options: LineChartOptions): ReportPlot {
  const line = {
    mark: { type: 'line', point: options.rows.length <= 60, clip: true },
    encoding: {
      x: { field: options.x, type: 'quantitative', title: options.xTitle },
      y: { field: options.y, type: 'quantitative', title: options.yTitle, ...(options.logY ? { scale: { type: 'symlog' } } : {}) },
      color: { field: options.series, type: 'nominal', title: null },
      ...(options.detail === undefined ? {} : { detail: { field: options.detail, type: 'nominal' } }),
    },
  };
  const layers: Record<string, unknown>[] = [{ data: { values: options.rows }, ...line }];
  if (options.reference !== undefined) {
    layers.push({
      data: { values: [{ value: options.reference.value, label: options.reference.label }] },
      mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
      encoding: { y: { field: 'value', type: 'quantitative' } },
    });
  }
  return {
    title: options.title,
    ...(options.caption === undefined ? {} : { caption: options.caption }),
    vegaLite: { $schema: SCHEMA, width: 560, height: 240, layer: layers },
  };
}

/** Options of {@link scatterPlot}. */
export interface ScatterOptions {
  title: string;
  /** Points by panel; with weights, every row needs one (rows without a size are not drawn). */
  rows: { x: number; y: number; group: string; weight?: number }[];
  caption?: string;
  /** Axis range shared by both axes. */
  domain: [number, number];
}

/** Returns one scatter panel per `group`, point size proportional to `weight` when given. */
export function scatterPlot(options: ScatterOptions): ReportPlot {
  const hasWeights = options.rows.some((r) => r.weight !== undefined);
  return {
    title: options.title,
    ...(options.caption === undefined ? {} : { caption: options.caption }),
    vegaLite: {
      $schema: SCHEMA,
      data: { values: options.rows },
      facet: { field: 'group', type: 'nominal', title: null, sort: null },
      columns: 3,
      spec: {
        width: 220,
        height: 220,
        mark: { type: 'circle', opacity: 0.5, clip: true },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: { domain: options.domain }, title: 'x₁' },
          y: { field: 'y', type: 'quantitative', scale: { domain: options.domain }, title: 'x₂' },
          size: hasWeights ? { field: 'weight', type: 'quantitative', legend: null, scale: { range: [2, 60] } } : { value: 6 },
        },
      },
    },
  };
}

/** Returns a grouped bar chart of masses per mode and method, with the target shown as a group. */
export function massBars(title: string, rows: { mode: string; source: string; mass: number }[], caption?: string): ReportPlot {
  return {
    title,
    ...(caption === undefined ? {} : { caption }),
    vegaLite: {
      $schema: SCHEMA,
      data: { values: rows },
      width: { step: 14 },
      height: 200,
      mark: 'bar',
      encoding: {
        x: { field: 'source', type: 'nominal', title: null, axis: { labels: false, ticks: false } },
        xOffset: { field: 'source' },
        column: { field: 'mode', type: 'nominal', title: null },
        y: { field: 'mass', type: 'quantitative', title: 'mass' },
        color: { field: 'source', type: 'nominal', title: null },
      },
    },
  };
}

/** Returns a grid of grey-scale images (side × side pixels each, values in [0, 1]), one panel per image. */
export function imageGrid(title: string, images: { label: string; pixels: Float64Array }[], side: number, caption?: string): ReportPlot {
  const rows: { image: string; col: number; row: number; value: number }[] = [];
  for (const { label, pixels } of images) {
    for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) rows.push({ image: label, col: c, row: r, value: pixels[r * side + c] as number });
  }
  return {
    title,
    ...(caption === undefined ? {} : { caption }),
    vegaLite: {
      $schema: SCHEMA,
      data: { values: rows },
      facet: { field: 'image', type: 'nominal', title: null, sort: null },
      columns: 8,
      spec: {
        width: side * 3,
        height: side * 3,
        mark: 'rect',
        encoding: {
          x: { field: 'col', type: 'ordinal', axis: null },
          y: { field: 'row', type: 'ordinal', axis: null },
          color: { field: 'value', type: 'quantitative', scale: { scheme: 'greys', domain: [0, 1] }, legend: null },
        },
      },
    },
  };
}
